#include "cairn/scan/scan.h"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "cairn/core/atomic_write.h"
#include "cairn/core/digest.h"
#include "cairn/core/file.h"
#include "cairn/core/parallel.h"
#include "cairn/core/time.h"
#include "cairn/evidence/source.h"
#include "cairn/hashset/library.h"
#include "cairn/media/media_type.h"
#include "cairn/scan/file_hasher.h"
#include "cairn/scan/matcher.h"
#include "scan_schema.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "unknown"
#endif

namespace cairn::scan {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

struct ListRef {
  std::string name, version, file_sha256, source_sha256, format;
  std::shared_ptr<const hashset::CompiledList> list;
};

struct EvidenceRef {
  int64_t id = 0;
  fs::path path;  // absolute, normalised, no trailing separator
  std::string label;
  std::string kind;  // folder, file, missing, other
  std::optional<uint64_t> size;
  std::optional<std::string> sha256;
  // E01 evidence: the check against its stored digests (unset when not an E01), or why the
  // image could not be read through (ewf_error; verdict "unreadable").
  std::optional<evidence::EwfVerification> ewf;
  std::string ewf_error;
};

std::pair<std::string, std::string> SplitSpec(const std::string& spec) {
  const size_t at = spec.find('@');
  if (at == std::string::npos) return {spec, ""};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

Result<std::vector<ListRef>> OpenLists(const fs::path& home, const std::vector<std::string>& specs) {
  if (specs.empty()) return Status::InvalidArgument("no hash lists given (--lists)");
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<hashset::Library> lib, hashset::Library::Open(home));
  std::vector<ListRef> out;
  for (const std::string& spec : specs) {
    auto [name, version] = SplitSpec(spec);
    CAIRN_ASSIGN_OR_RETURN(hashset::CatalogRow row, lib->Find(name, version));
    CAIRN_ASSIGN_OR_RETURN(auto list, lib->OpenList(row.name + "@" + row.version));
    out.push_back({row.name, row.version, row.counts.file_sha256, row.info.source_sha256,
                   row.info.format, list});
  }
  return out;
}

fs::path NormaliseEvidence(const fs::path& p) {
  std::string s = fs::absolute(p).lexically_normal().native();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return fs::path(s);
}

Result<std::string> Sha256OfFile(const fs::path& path) {
  CAIRN_ASSIGN_OR_RETURN(ReadOnlyFile file, ReadOnlyFile::Open(path));
  Sha256Digester d;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, file.Read(buf));
    if (n == 0) break;
    d.Update(std::span<const uint8_t>(buf.data(), n));
  }
  return d.Finish().ToHex();
}

EvidenceRef DescribeEvidence(const fs::path& given) {
  EvidenceRef e;
  e.path = NormaliseEvidence(given);
  e.label = e.path.filename().native();
  if (e.label.empty()) e.label = "evidence";
  struct stat st {};
  if (::lstat(e.path.c_str(), &st) != 0) {
    e.kind = "missing";
  } else if (S_ISDIR(st.st_mode)) {
    e.kind = "folder";
  } else if (S_ISREG(st.st_mode)) {
    e.kind = "file";
    e.size = static_cast<uint64_t>(st.st_size);
    if (auto sha = Sha256OfFile(e.path); sha.ok()) e.sha256 = *sha;
    // One extra read of the media for an E01 (kInvalidArgument: not an E01, nothing to check).
    if (auto v = evidence::VerifyEwf(e.path); v.ok()) {
      e.ewf = *v;
    } else if (v.status().code() != StatusCode::kInvalidArgument) {
      e.ewf_error = v.status().ToString();
    }
  } else {
    e.kind = "other";
  }
  return e;
}

struct Task {
  size_t evidence = 0;  // index into the evidence vector
  evidence::Item item;  // without its bytes
  // Items read from inside a container (archive member, file in a disk image) are hashed by the
  // MemberHashPool while the source is walked (their bytes live only until then); local files in
  // a worker.
  std::optional<FileHashRecord> pre;
};

// Members of archives and files inside disk images arrive as bytes while a source is walked, one
// at a time on the walking thread. They are hashed on `jobs` threads while the walk goes on (the
// walk only waits when `jobs` members are already in flight, so memory stays bounded by the
// largest members), and each result goes to the task it belongs to once the walk has finished.
class MemberHashPool {
 public:
  MemberHashPool(int jobs, const HashOptions& options) {
    for (int w = 0; w < jobs; ++w) {
      workers_.emplace_back([this, options] {
        FileHasher hasher(options);
        for (;;) {
          Job job;
          {
            std::unique_lock lock(mu_);
            ready_.wait(lock, [&] { return closed_ || !queue_.empty(); });
            if (queue_.empty()) return;
            job = std::move(queue_.front());
            queue_.pop_front();
          }
          FileHashRecord record = hasher.HashBytes(job.forensic_path, job.bytes);
          std::lock_guard lock(mu_);
          done_.emplace_back(job.task, std::move(record));
          --in_flight_;
          room_.notify_one();
        }
      });
    }
    max_in_flight_ = static_cast<size_t>(jobs);
  }
  ~MemberHashPool() { Finish(); }

  // Queues one member's bytes for the task at index `task` (blocks while the pool is full).
  void Submit(size_t task, const std::string& forensic_path, std::span<const uint8_t> bytes) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return in_flight_ < max_in_flight_; });
    ++in_flight_;
    queue_.push_back(Job{task, forensic_path, std::vector<uint8_t>(bytes.begin(), bytes.end())});
    ready_.notify_one();
  }

  // Waits for every queued member and gives each task its record.
  void Finish(std::vector<Task>* tasks = nullptr) {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
    if (tasks == nullptr) return;
    for (auto& [task, record] : done_) (*tasks)[task].pre = std::move(record);
    done_.clear();
  }

 private:
  struct Job {
    size_t task = 0;
    std::string forensic_path;
    std::vector<uint8_t> bytes;
  };
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<Job> queue_;                                  // guarded by mu_
  std::vector<std::pair<size_t, FileHashRecord>> done_;    // guarded by mu_
  size_t in_flight_ = 0, max_in_flight_ = 1;               // guarded by mu_
  bool closed_ = false;                                    // guarded by mu_
  std::vector<std::thread> workers_;
};

struct Out {
  bool skipped = false;
  std::string kind = "file";
  std::string status;
  std::optional<uint64_t> size;
  std::optional<int64_t> mtime, atime, ctime;
  std::optional<uint64_t> inode;
  bool deleted = false;
  std::string container_sha256;
  std::optional<FileHashRecord> rec;
  std::vector<Match> findings;
  int known_good = 0;
  std::string note;
  std::string error;
};

void BindOptText(store::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) (void)s.BindText(i, *v);
  else (void)s.BindNull(i);
}
void BindOptInt(store::Statement& s, int i, const std::optional<int64_t>& v) {
  if (v) (void)s.BindInt(i, *v);
  else (void)s.BindNull(i);
}

std::optional<std::string> EwfVerdictOf(const EvidenceRef& e) {
  if (e.ewf) return std::string(evidence::EwfVerdict(*e.ewf));
  if (!e.ewf_error.empty()) return std::string("unreadable");
  return std::nullopt;
}

// Records an E01's verification with its scan_evidence row; a verdict other than "verified" is
// also a scan error (so the run ends with exit status 1 and the report lists it). Returns
// whether it was one.
Result<bool> RecordEwfVerification(store::Database& db, int64_t run_id, const EvidenceRef& e) {
  const std::optional<std::string> verdict = EwfVerdictOf(e);
  if (!verdict) return false;
  auto text = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  CAIRN_ASSIGN_OR_RETURN(store::Statement u, db.Prepare(
      "UPDATE scan_evidence SET ewf_verdict=?, ewf_media_bytes=?, ewf_stored_md5=?, ewf_stored_sha1=?, "
      "ewf_computed_md5=?, ewf_computed_sha1=?, ewf_computed_sha256=?, ewf_checksum_errors=?, "
      "ewf_error=? WHERE id=?"));
  (void)u.BindText(1, *verdict);
  const evidence::EwfVerification v = e.ewf.value_or(evidence::EwfVerification{});
  BindOptInt(u, 2, e.ewf ? std::optional<int64_t>(static_cast<int64_t>(v.media_bytes)) : std::nullopt);
  BindOptText(u, 3, text(v.stored_md5));
  BindOptText(u, 4, text(v.stored_sha1));
  BindOptText(u, 5, text(v.computed_md5));
  BindOptText(u, 6, text(v.computed_sha1));
  BindOptText(u, 7, text(v.computed_sha256));
  BindOptInt(u, 8, e.ewf ? std::optional<int64_t>(v.checksum_errors) : std::nullopt);
  BindOptText(u, 9, text(e.ewf_error));
  (void)u.BindInt(10, e.id);
  CAIRN_RETURN_IF_ERROR(u.Run());
  if (*verdict == "verified") return false;
  std::string message = e.path.string() + ": E01 verification: " + *verdict;
  if (e.ewf) {
    message += " (stored MD5 " + (v.stored_md5.empty() ? std::string("none") : v.stored_md5) +
               ", computed " + v.computed_md5 + "; stored SHA-1 " +
               (v.stored_sha1.empty() ? std::string("none") : v.stored_sha1) + ", computed " +
               v.computed_sha1 + "; " + std::to_string(v.checksum_errors) + " chunk checksum errors)";
  } else {
    message += " (" + e.ewf_error + ")";
  }
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
      "INSERT INTO scan_errors(run_id, item_id, forensic_path, message) VALUES(?,NULL,?,?)"));
  (void)q.BindInt(1, run_id);
  (void)q.BindText(2, e.label);
  (void)q.BindText(3, message);
  CAIRN_RETURN_IF_ERROR(q.Run());
  return true;
}

class Recorder {
 public:
  Recorder(store::Case& c, int64_t run_id) : c_(c), run_id_(run_id) {}

  Status Prepare() {
    CAIRN_ASSIGN_OR_RETURN(
        Statement item,
        c_.db().Prepare("INSERT INTO scan_items(run_id, evidence_id, forensic_path, kind, status, "
                        "size, mtime, atime, ctime, inode, deleted, container_sha256, md5, sha1, "
                        "sha256, media_type, width, height, pdq, pdq_quality, known_good_matches, "
                        "note, error, video_frames) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    item_.emplace(std::move(item));
    CAIRN_ASSIGN_OR_RETURN(
        Statement finding,
        c_.db().Prepare("INSERT INTO scan_findings(item_id, list_name, list_version, entry_id, "
                        "entry_record, entry_line, entry_source_id, entry_md5, entry_sha1, "
                        "entry_sha256, entry_pdq, entry_pdq_quality, entry_file_name, entry_series, "
                        "rule, distance, threshold, dihedral, category_scheme, category_raw, "
                        "category_class, entry_last_id, vpdq_query_percent, vpdq_reference_percent, "
                        "vpdq_query_frames, vpdq_reference_frames, vpdq_min_quality, vpdq_min_percent) "
                        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    finding_.emplace(std::move(finding));
    CAIRN_ASSIGN_OR_RETURN(
        Statement frame,
        c_.db().Prepare("INSERT INTO scan_video_frames(item_id, frame_number, quality, pdq, "
                        "timestamp) VALUES(?,?,?,?,?)"));
    frame_.emplace(std::move(frame));
    CAIRN_ASSIGN_OR_RETURN(
        Statement error, c_.db().Prepare("INSERT INTO scan_errors(run_id, item_id, forensic_path, "
                                         "message) VALUES(?,?,?,?)"));
    error_.emplace(std::move(error));
    return Status::Ok();
  }

  Status Record(int64_t evidence_id, const std::string& forensic_path, const Out& o) {
    if (!txn_) {
      CAIRN_ASSIGN_OR_RETURN(store::Transaction t, store::Transaction::Begin(c_.db()));
      txn_.emplace(std::move(t));
      batch_start_ = std::chrono::steady_clock::now();
      batch_items_ = 0;
    }
    Statement& s = *item_;
    s.Reset();
    (void)s.BindInt(1, run_id_);
    (void)s.BindInt(2, evidence_id);
    (void)s.BindText(3, forensic_path);
    (void)s.BindText(4, o.kind);
    (void)s.BindText(5, o.status);
    BindOptInt(s, 6, o.size ? std::optional<int64_t>(static_cast<int64_t>(*o.size)) : std::nullopt);
    BindOptInt(s, 7, o.mtime);
    BindOptInt(s, 8, o.atime);
    BindOptInt(s, 9, o.ctime);
    BindOptInt(s, 10, o.inode ? std::optional<int64_t>(static_cast<int64_t>(*o.inode)) : std::nullopt);
    (void)s.BindInt(11, o.deleted ? 1 : 0);
    BindOptText(s, 12, o.container_sha256.empty() ? std::nullopt : std::optional<std::string>(o.container_sha256));
    const FileHashRecord* r = o.rec ? &*o.rec : nullptr;
    const bool dig = r != nullptr && r->digests.has_value();
    BindOptText(s, 13, dig ? std::optional<std::string>(r->digests->md5.ToHex()) : std::nullopt);
    BindOptText(s, 14, dig ? std::optional<std::string>(r->digests->sha1.ToHex()) : std::nullopt);
    BindOptText(s, 15, dig ? std::optional<std::string>(r->digests->sha256.ToHex()) : std::nullopt);
    BindOptText(s, 16, r ? std::optional<std::string>(std::string(media::MediaTypeName(r->media_type)))
                         : std::nullopt);
    BindOptInt(s, 17, r && r->width > 0 ? std::optional<int64_t>(r->width) : std::nullopt);
    BindOptInt(s, 18, r && r->height > 0 ? std::optional<int64_t>(r->height) : std::nullopt);
    BindOptText(s, 19, r && r->pdq ? std::optional<std::string>(r->pdq->hash.ToHex()) : std::nullopt);
    BindOptInt(s, 20, r && r->pdq ? std::optional<int64_t>(r->pdq->quality) : std::nullopt);
    (void)s.BindInt(21, o.known_good);
    BindOptText(s, 22, o.note.empty() ? std::nullopt : std::optional<std::string>(o.note));
    BindOptText(s, 23, o.error.empty() ? std::nullopt : std::optional<std::string>(o.error));
    BindOptInt(s, 24, r && r->video_frames ? std::optional<int64_t>(static_cast<int64_t>(r->video_frames->size()))
                                           : std::nullopt);
    CAIRN_RETURN_IF_ERROR(s.Run());
    const int64_t item_id = c_.db().LastInsertRowId();
    if (r && r->video_frames) {
      for (const video::FrameHash& vf : *r->video_frames) {
        Statement& v = *frame_;
        v.Reset();
        (void)v.BindInt(1, item_id);
        (void)v.BindInt(2, vf.frame_number);
        (void)v.BindInt(3, vf.quality);
        (void)v.BindText(4, vf.pdq.ToHex());
        (void)v.BindDouble(5, vf.timestamp);
        CAIRN_RETURN_IF_ERROR(v.Run());
      }
    }
    for (const Match& m : o.findings) {
      Statement& f = *finding_;
      f.Reset();
      const hashset::Entry& e = m.entry;
      (void)f.BindInt(1, item_id);
      (void)f.BindText(2, m.list->info().name);
      (void)f.BindText(3, m.list->info().version);
      (void)f.BindInt(4, static_cast<int64_t>(m.entry_id));
      (void)f.BindInt(5, static_cast<int64_t>(e.provenance.record));
      (void)f.BindInt(6, static_cast<int64_t>(e.provenance.line));
      BindOptText(f, 7, e.source_id.empty() ? std::nullopt : std::optional<std::string>(e.source_id));
      BindOptText(f, 8, e.md5 ? std::optional<std::string>(e.md5->ToHex()) : std::nullopt);
      BindOptText(f, 9, e.sha1 ? std::optional<std::string>(e.sha1->ToHex()) : std::nullopt);
      BindOptText(f, 10, e.sha256 ? std::optional<std::string>(e.sha256->ToHex()) : std::nullopt);
      BindOptText(f, 11, e.pdq ? std::optional<std::string>(e.pdq->ToHex()) : std::nullopt);
      BindOptInt(f, 12, e.pdq_quality ? std::optional<int64_t>(*e.pdq_quality) : std::nullopt);
      BindOptText(f, 13, e.file_name);
      BindOptText(f, 14, e.series.empty() ? std::nullopt : std::optional<std::string>(e.series));
      (void)f.BindText(15, MatchRuleName(m.rule));
      (void)f.BindInt(16, m.distance);
      (void)f.BindInt(17, m.threshold);
      BindOptText(f, 18, m.variant ? std::optional<std::string>(std::string(DihedralName(*m.variant)))
                                   : std::nullopt);
      (void)f.BindText(19, hashset::CategorySchemeName(e.category.scheme));
      (void)f.BindText(20, e.category.raw);
      (void)f.BindText(21, hashset::TriageClassName(e.category.triage));
      if (m.vpdq) {
        (void)f.BindInt(22, static_cast<int64_t>(m.reference_last_id));
        (void)f.BindDouble(23, m.vpdq->query_match_percent);
        (void)f.BindDouble(24, m.vpdq->reference_match_percent);
        (void)f.BindInt(25, static_cast<int64_t>(m.vpdq->query_frames));
        (void)f.BindInt(26, static_cast<int64_t>(m.vpdq->reference_frames));
        (void)f.BindInt(27, m.vpdq->min_quality);
        (void)f.BindDouble(28, m.vpdq->min_percent);
      } else {
        for (int col = 22; col <= 28; ++col) (void)f.BindNull(col);
      }
      CAIRN_RETURN_IF_ERROR(f.Run());
    }
    if (!o.error.empty()) {
      Statement& er = *error_;
      er.Reset();
      (void)er.BindInt(1, run_id_);
      (void)er.BindInt(2, item_id);
      (void)er.BindText(3, forensic_path);
      (void)er.BindText(4, o.error);
      CAIRN_RETURN_IF_ERROR(er.Run());
    }
    ++batch_items_;
    return Status::Ok();
  }

  // Commits when the batch is full or old enough (or `force`).
  Status MaybeCommit(const ScanOptions& options, bool force) {
    if (!txn_) return Status::Ok();
    const auto age = std::chrono::steady_clock::now() - batch_start_;
    if (force || batch_items_ >= options.batch_items ||
        age >= std::chrono::milliseconds(options.batch_ms)) {
      Status s = txn_->Commit();
      txn_.reset();
      return s;
    }
    return Status::Ok();
  }

 private:
  using Statement = store::Statement;
  store::Case& c_;
  int64_t run_id_;
  std::optional<Statement> item_, finding_, error_, frame_;
  std::optional<store::Transaction> txn_;
  std::chrono::steady_clock::time_point batch_start_;
  int batch_items_ = 0;
};

Out ProcessTask(Task& t, FileHasher& hasher, const Matcher& matcher) {
  Out o;
  using Kind = evidence::Item::Kind;
  const evidence::Item& e = t.item;
  o.kind = std::string(evidence::ItemKindName(e.kind));
  o.mtime = e.mtime;
  o.atime = e.atime;
  o.ctime = e.ctime;
  o.inode = e.inode;
  o.deleted = e.deleted;
  o.container_sha256 = e.container_sha256;
  if (e.kind == Kind::kError) {
    o.status = "error";
    o.error = e.error.ToString();
    if (e.encrypted) o.note = "encrypted";
    return o;
  }
  if (e.kind == Kind::kSymlink) {
    o.status = "not-read";
    o.note = "symlink to " + e.symlink_target;
    return o;
  }
  if (e.kind == Kind::kSpecial) {
    o.status = "not-read";
    o.note = "device, FIFO or socket";
    return o;
  }
  o.size = e.size;
  if (e.is_container) o.note = "container";
  if (e.size == 0 && !t.pre) {
    o.status = "empty";
    return o;
  }
  FileHashRecord r = t.pre ? std::move(*t.pre) : hasher.HashFile(e.local_path);
  t.pre.reset();
  if (!r.error.ok()) o.error = r.error.ToString();
  const MatchQuery q = QueryFor(r);
  if (r.digests || r.pdq) {
    Result<std::vector<Match>> found = matcher.Find(q);
    if (!found.ok()) {
      o.error = found.status().ToString();
    } else {
      for (Match& m : *found) {
        if (m.entry.category.triage == hashset::TriageClass::kNonPertinent) {
          ++o.known_good;
        } else {
          o.findings.push_back(std::move(m));
        }
      }
    }
  }
  if (!r.digests) o.status = "error";
  else if (!o.findings.empty()) o.status = "hit";
  else if (o.known_good > 0) o.status = "known-good";
  else o.status = "clean";
  o.rec = std::move(r);
  return o;
}

Status FinishRun(store::Case& c, int64_t run_id, const ScanSummary& s) {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction t, store::Transaction::Begin(c.db()));
  CAIRN_ASSIGN_OR_RETURN(store::Statement u,
                         c.db().Prepare("UPDATE scan_runs SET status=?, finished_utc=? WHERE id=?"));
  CAIRN_RETURN_IF_ERROR(u.BindText(1, s.interrupted ? "interrupted" : "complete"));
  CAIRN_RETURN_IF_ERROR(u.BindText(2, UtcNow()));
  CAIRN_RETURN_IF_ERROR(u.BindInt(3, run_id));
  CAIRN_RETURN_IF_ERROR(u.Run());
  Json d;
  d["run"] = run_id;
  d["items"] = s.items;
  d["resumed_skipped"] = s.resumed_skipped;
  d["bytes"] = s.bytes;
  d["hits"] = s.hits;
  d["findings"] = s.findings;
  d["known_good"] = s.known_good;
  d["empty"] = s.empty;
  d["errors"] = s.errors;
  CAIRN_RETURN_IF_ERROR(c.AppendAudit(s.interrupted ? "scan.interrupted" : "scan.finish", d.dump()));
  return t.Commit();
}

// Walks the evidence, skips recorded items, hashes/matches in workers and records in order.
Result<ScanSummary> RunItems(store::Case& c, int64_t run_id, const std::vector<EvidenceRef>& evidence,
                             const std::vector<ListRef>& lists, const ScanOptions& options,
                             const std::set<std::pair<int64_t, std::string>>& recorded,
                             const ScanHooks& hooks) {
  ScanSummary sum;
  sum.run_id = run_id;
  std::vector<std::shared_ptr<const hashset::CompiledList>> compiled;
  for (const ListRef& l : lists) compiled.push_back(l.list);
  MatchOptions mo;
  mo.pdq_threshold = options.threshold;
  mo.min_quality = options.min_quality;
  mo.dihedral = options.dihedral;
  mo.vpdq.distance = options.vpdq_distance;
  mo.vpdq.min_quality = options.min_quality;
  mo.vpdq.min_percent = options.vpdq_min_percent;
  const Matcher matcher(std::move(compiled), mo);
  HashOptions ho;
  ho.dihedral = options.dihedral;
  ho.fast = options.fast;
  ho.video_options.seconds_per_frame = options.video_seconds_per_frame;
  const int jobs = options.jobs > 0 ? options.jobs
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<FileHasher>> hashers;
  for (int w = 0; w < jobs; ++w) hashers.push_back(std::make_unique<FileHasher>(ho));

  // Enumerate (metadata only; container members hashed meanwhile, their bytes are not kept).
  std::vector<Task> tasks;
  MemberHashPool member_hashers(jobs, ho);
  for (size_t i = 0; i < evidence.size(); ++i) {
    const EvidenceRef& ev = evidence[i];
    auto is_recorded = [&](std::string_view fp) { return recorded.count({ev.id, std::string(fp)}) != 0; };
    evidence::SourceOptions so;
    so.read_plain_files = false;
    so.stop = hooks.stop;
    so.skip = [&](std::string_view fp) {
      if (!is_recorded(fp)) return false;
      ++sum.resumed_skipped;
      return true;
    };
    const Status visited = evidence::VisitEvidence(
        ev.path, so, [&](const evidence::Item& item, std::span<const uint8_t> bytes) {
          if (item.kind != evidence::Item::Kind::kFile && is_recorded(item.forensic_path)) {
            ++sum.resumed_skipped;
            return;
          }
          Task t{i, item, std::nullopt};
          const bool member = item.kind == evidence::Item::Kind::kFile && item.local_path.empty();
          tasks.push_back(std::move(t));
          if (member) member_hashers.Submit(tasks.size() - 1, item.forensic_path, bytes);
        });
    if (!visited.ok() && visited.code() != StatusCode::kCancelled && !is_recorded(ev.label)) {
      evidence::Item err;
      err.kind = evidence::Item::Kind::kError;
      err.forensic_path = ev.label;
      err.error = visited;
      tasks.push_back(Task{i, std::move(err), std::nullopt});
    }
  }

  member_hashers.Finish(&tasks);

  Recorder rec(c, run_id);
  CAIRN_RETURN_IF_ERROR(rec.Prepare());
  Status failure;
  bool stopped = false;
  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  ScanProgress prog;
  prog.items_total = tasks.size();
  auto stop_requested = [&] { return hooks.stop != nullptr && hooks.stop->load(); };
  OrderedParallelFor(
      tasks.size(), jobs,
      [&](size_t i, int worker) {
        if (stop_requested()) {
          Out o;
          o.skipped = true;
          return o;
        }
        return ProcessTask(tasks[i], *hashers[static_cast<size_t>(worker)], matcher);
      },
      [&](size_t i, Out o) {
        if (stopped || !failure.ok()) return;
        if (o.skipped) {
          stopped = true;
          return;
        }
        const Task& t = tasks[i];
        Status s = rec.Record(evidence[t.evidence].id, t.item.forensic_path, o);
        if (s.ok()) s = rec.MaybeCommit(options, false);
        if (!s.ok()) {
          failure = s;
          return;
        }
        ++sum.items;
        if (o.size) sum.bytes += *o.size;
        if (!o.findings.empty()) ++sum.hits;
        sum.findings += o.findings.size();
        if (o.status == "known-good") ++sum.known_good;
        if (o.status == "empty") ++sum.empty;
        if (!o.error.empty()) ++sum.errors;
        if (hooks.progress) {
          const auto now = std::chrono::steady_clock::now();
          if (now - last_progress >= std::chrono::milliseconds(500) || i + 1 == tasks.size()) {
            last_progress = now;
            prog.items_done = sum.items;
            prog.bytes_done = sum.bytes;
            prog.hits = sum.hits;
            prog.errors = sum.errors;
            prog.seconds = std::chrono::duration<double>(now - start).count();
            hooks.progress(prog);
          }
        }
      });
  CAIRN_RETURN_IF_ERROR(failure);
  CAIRN_RETURN_IF_ERROR(rec.MaybeCommit(options, true));
  sum.interrupted = stopped || (stop_requested() && sum.items < tasks.size());
  CAIRN_RETURN_IF_ERROR(FinishRun(c, run_id, sum));
  return sum;
}

}  // namespace

std::string ScanOptionsJson(const ScanOptions& o) {
  Json j;
  j["threshold"] = o.threshold;
  j["min_quality"] = o.min_quality;
  j["dihedral"] = o.dihedral;
  j["fast"] = o.fast;
  j["jobs"] = o.jobs;
  j["batch_items"] = o.batch_items;
  j["batch_ms"] = o.batch_ms;
  j["video_seconds_per_frame"] = o.video_seconds_per_frame;
  j["vpdq_distance"] = o.vpdq_distance;
  j["vpdq_min_percent"] = o.vpdq_min_percent;
  return j.dump();
}

Result<ScanOptions> ParseScanOptionsJson(std::string_view text) {
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("scan run options are not a JSON object");
  ScanOptions o;
  try {
    o.threshold = j.value("threshold", o.threshold);
    o.min_quality = j.value("min_quality", o.min_quality);
    o.dihedral = j.value("dihedral", o.dihedral);
    o.fast = j.value("fast", o.fast);
    o.jobs = j.value("jobs", o.jobs);
    o.batch_items = j.value("batch_items", o.batch_items);
    o.batch_ms = j.value("batch_ms", o.batch_ms);
    o.video_seconds_per_frame = j.value("video_seconds_per_frame", o.video_seconds_per_frame);
    o.vpdq_distance = j.value("vpdq_distance", o.vpdq_distance);
    o.vpdq_min_percent = j.value("vpdq_min_percent", o.vpdq_min_percent);
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("scan run options: ") + e.what());
  }
  return o;
}

Status ApplyScanSchema(store::Database& db) {
  return store::ApplyMigrations(db, "scan", kScanMigrations);
}

Result<ScanSummary> StartScan(store::Case& c, const fs::path& library_home, const ScanRequest& request,
                              const ScanHooks& hooks) {
  if (request.evidence.empty()) return Status::InvalidArgument("no evidence given");
  CAIRN_RETURN_IF_ERROR(ApplyScanSchema(c.db()));
  CAIRN_ASSIGN_OR_RETURN(std::vector<ListRef> lists, OpenLists(library_home, request.lists));
  std::vector<EvidenceRef> evidence;
  for (const fs::path& p : request.evidence) evidence.push_back(DescribeEvidence(p));

  int64_t run_id = 0;
  uint64_t ewf_failures = 0;  // E01 evidence that did not verify: scan errors of the run
  {
    CAIRN_ASSIGN_OR_RETURN(store::Transaction t, store::Transaction::Begin(c.db()));
    CAIRN_ASSIGN_OR_RETURN(store::Statement r,
                           c.db().Prepare("INSERT INTO scan_runs(actor, started_utc, cairn_version, "
                                          "options_json, status) VALUES(?,?,?,?,'running')"));
    CAIRN_RETURN_IF_ERROR(r.BindText(1, store::ActorName()));
    CAIRN_RETURN_IF_ERROR(r.BindText(2, UtcNow()));
    CAIRN_RETURN_IF_ERROR(r.BindText(3, CAIRN_VERSION));
    CAIRN_RETURN_IF_ERROR(r.BindText(4, ScanOptionsJson(request.options)));
    CAIRN_RETURN_IF_ERROR(r.Run());
    run_id = c.db().LastInsertRowId();
    CAIRN_ASSIGN_OR_RETURN(store::Statement l,
                           c.db().Prepare("INSERT INTO scan_lists VALUES(?,?,?,?,?,?,?)"));
    for (size_t i = 0; i < lists.size(); ++i) {
      l.Reset();
      (void)l.BindInt(1, run_id);
      (void)l.BindInt(2, static_cast<int64_t>(i));
      (void)l.BindText(3, lists[i].name);
      (void)l.BindText(4, lists[i].version);
      (void)l.BindText(5, lists[i].file_sha256);
      (void)l.BindText(6, lists[i].source_sha256);
      (void)l.BindText(7, lists[i].format);
      CAIRN_RETURN_IF_ERROR(l.Run());
    }
    CAIRN_ASSIGN_OR_RETURN(store::Statement e,
                           c.db().Prepare("INSERT INTO scan_evidence(run_id, position, path, label, "
                                          "kind, size, sha256) VALUES(?,?,?,?,?,?,?)"));
    for (size_t i = 0; i < evidence.size(); ++i) {
      e.Reset();
      (void)e.BindInt(1, run_id);
      (void)e.BindInt(2, static_cast<int64_t>(i));
      (void)e.BindText(3, evidence[i].path.native());
      (void)e.BindText(4, evidence[i].label);
      (void)e.BindText(5, evidence[i].kind);
      BindOptInt(e, 6, evidence[i].size ? std::optional<int64_t>(*evidence[i].size) : std::nullopt);
      BindOptText(e, 7, evidence[i].sha256);
      CAIRN_RETURN_IF_ERROR(e.Run());
      evidence[i].id = c.db().LastInsertRowId();
      CAIRN_ASSIGN_OR_RETURN(bool failed, RecordEwfVerification(c.db(), run_id, evidence[i]));
      ewf_failures += failed ? 1 : 0;
    }
    Json d;
    d["run"] = run_id;
    d["evidence"] = Json::array();
    for (const auto& ev : evidence) {
      d["evidence"].push_back({{"path", ev.path.native()}, {"kind", ev.kind},
                               {"sha256", ev.sha256 ? Json(*ev.sha256) : Json(nullptr)}});
      if (auto verdict = EwfVerdictOf(ev)) d["evidence"].back()["ewf_verdict"] = *verdict;
    }
    d["lists"] = Json::array();
    for (const auto& l : lists) {
      d["lists"].push_back({{"name", l.name}, {"version", l.version}, {"file_sha256", l.file_sha256}});
    }
    d["options"] = Json::parse(ScanOptionsJson(request.options));
    CAIRN_RETURN_IF_ERROR(c.AppendAudit("scan.start", d.dump(-1, ' ', false, Json::error_handler_t::replace)));
    CAIRN_RETURN_IF_ERROR(t.Commit());
  }
  CAIRN_ASSIGN_OR_RETURN(ScanSummary summary, RunItems(c, run_id, evidence, lists, request.options, {}, hooks));
  summary.errors += ewf_failures;
  return summary;
}

Result<ScanSummary> ResumeScan(store::Case& c, const fs::path& library_home, const ScanHooks& hooks) {
  CAIRN_RETURN_IF_ERROR(ApplyScanSchema(c.db()));
  CAIRN_ASSIGN_OR_RETURN(store::Statement r, c.db().Prepare(
      "SELECT id, options_json, status FROM scan_runs ORDER BY id DESC LIMIT 1"));
  CAIRN_ASSIGN_OR_RETURN(bool has_run, r.Step());
  if (!has_run) return Status::NotFound(c.dir().string() + ": no scan run to resume");
  const int64_t run_id = r.ColumnInt(0);
  const std::string options_json(r.ColumnText(1));
  const std::string status(r.ColumnText(2));
  r.Reset();
  if (status == "complete") {
    return Status::InvalidArgument(c.dir().string() + ": scan run " + std::to_string(run_id) +
                                   " is already complete; nothing to resume");
  }
  CAIRN_ASSIGN_OR_RETURN(ScanOptions options, ParseScanOptionsJson(options_json));

  std::vector<std::string> specs, shas;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
        "SELECT name, version, file_sha256 FROM scan_lists WHERE run_id=? ORDER BY position"));
    CAIRN_RETURN_IF_ERROR(q.BindInt(1, run_id));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      specs.push_back(std::string(q.ColumnText(0)) + "@" + std::string(q.ColumnText(1)));
      shas.emplace_back(q.ColumnText(2));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<ListRef> lists, OpenLists(library_home, specs));
  for (size_t i = 0; i < lists.size(); ++i) {
    if (lists[i].file_sha256 != shas[i]) {
      return Status::InvalidArgument("list " + specs[i] + " in " + library_home.string() +
                                     " is not the file the run used (SHA-256 differs)");
    }
  }
  std::vector<EvidenceRef> evidence;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
        "SELECT id, path, label, kind, size, sha256 FROM scan_evidence WHERE run_id=? ORDER BY position"));
    CAIRN_RETURN_IF_ERROR(q.BindInt(1, run_id));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      EvidenceRef e;
      e.id = q.ColumnInt(0);
      e.path = fs::path(std::string(q.ColumnText(1)));
      e.label = std::string(q.ColumnText(2));
      e.kind = std::string(q.ColumnText(3));
      if (!q.ColumnIsNull(5)) e.sha256 = std::string(q.ColumnText(5));
      evidence.push_back(std::move(e));
    }
  }
  for (const EvidenceRef& e : evidence) {
    if (e.kind != "file" || !e.sha256) continue;
    CAIRN_ASSIGN_OR_RETURN(std::string now, Sha256OfFile(e.path));
    if (now != *e.sha256) {
      return Status::InvalidArgument("evidence " + e.path.string() + " changed since the run started (SHA-256 differs)");
    }
  }
  std::set<std::pair<int64_t, std::string>> recorded;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
        "SELECT evidence_id, forensic_path FROM scan_items WHERE run_id=?"));
    CAIRN_RETURN_IF_ERROR(q.BindInt(1, run_id));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      recorded.emplace(q.ColumnInt(0), std::string(q.ColumnText(1)));
    }
  }
  {
    CAIRN_ASSIGN_OR_RETURN(store::Transaction t, store::Transaction::Begin(c.db()));
    CAIRN_ASSIGN_OR_RETURN(store::Statement u, c.db().Prepare(
        "UPDATE scan_runs SET status='running', invocations=invocations+1 WHERE id=?"));
    CAIRN_RETURN_IF_ERROR(u.BindInt(1, run_id));
    CAIRN_RETURN_IF_ERROR(u.Run());
    Json d;
    d["run"] = run_id;
    d["previous_status"] = status;
    d["items_recorded"] = recorded.size();
    CAIRN_RETURN_IF_ERROR(c.AppendAudit("scan.resume", d.dump()));
    CAIRN_RETURN_IF_ERROR(t.Commit());
  }
  return RunItems(c, run_id, evidence, lists, options, recorded, hooks);
}

Status WriteFindingsJsonl(store::Case& c, const fs::path& out) {
  CAIRN_RETURN_IF_ERROR(ApplyScanSchema(c.db()));
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(R"sql(
SELECT i.run_id, e.label, e.path, e.sha256, i.forensic_path, i.deleted, i.size, i.md5, i.sha1,
       i.sha256, i.pdq, i.pdq_quality, i.media_type, i.container_sha256,
       f.list_name, f.list_version, f.entry_id, f.entry_record, f.entry_source_id, f.entry_md5,
       f.entry_sha1, f.entry_sha256, f.entry_pdq, f.rule, f.distance, f.threshold, f.dihedral,
       f.category_scheme, f.category_raw, f.category_class, i.video_frames, f.entry_last_id,
       f.vpdq_query_percent, f.vpdq_reference_percent, f.vpdq_query_frames, f.vpdq_reference_frames,
       f.vpdq_min_quality, f.vpdq_min_percent
FROM scan_findings f JOIN scan_items i ON f.item_id = i.id JOIN scan_evidence e ON i.evidence_id = e.id
ORDER BY i.run_id, e.position, i.id, f.id)sql"));
  return WriteFileAtomically(out, [&](std::ostream& o) -> Status {
    auto text = [&](int col) { return q.ColumnIsNull(col) ? Json(nullptr) : Json(std::string(q.ColumnText(col))); };
    auto integer = [&](int col) { return q.ColumnIsNull(col) ? Json(nullptr) : Json(q.ColumnInt(col)); };
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      Json j;
      j["run"] = q.ColumnInt(0);
      j["forensic_path"] = text(4);
      j["evidence"] = {{"label", text(1)}, {"path", text(2)}, {"sha256", text(3)}};
      j["deleted"] = q.ColumnInt(5) != 0;
      j["container_sha256"] = text(13);
      j["size"] = integer(6);
      j["md5"] = text(7);
      j["sha1"] = text(8);
      j["sha256"] = text(9);
      j["pdq"] = text(10);
      j["pdq_quality"] = integer(11);
      j["media_type"] = text(12);
      j["video_frames"] = integer(30);
      j["list"] = text(14);
      j["list_version"] = text(15);
      j["rule"] = text(23);
      j["distance"] = q.ColumnInt(24);
      j["threshold"] = q.ColumnInt(25);
      j["dihedral"] = text(26);
      j["category"] = {{"scheme", text(27)}, {"raw", text(28)}, {"class", text(29)}};
      if (q.ColumnIsNull(32)) {
        j["vpdq"] = nullptr;
      } else {
        j["vpdq"] = {{"query_percent", q.ColumnDouble(32)}, {"reference_percent", q.ColumnDouble(33)},
                     {"query_frames", q.ColumnInt(34)}, {"reference_frames", q.ColumnInt(35)},
                     {"min_quality", q.ColumnInt(36)}, {"min_percent", q.ColumnDouble(37)},
                     {"frame_threshold", q.ColumnInt(25)}};
      }
      j["entry"] = {{"id", q.ColumnInt(16)}, {"record", q.ColumnInt(17)}, {"source_id", text(18)},
                    {"md5", text(19)}, {"sha1", text(20)}, {"sha256", text(21)}, {"pdq", text(22)},
                    {"last_id", integer(31)}};
      o << j.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    }
    return Status::Ok();
  });
}

}  // namespace cairn::scan
