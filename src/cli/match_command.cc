// `cairn match`: files, or hashes given by hand or on stdin, against lists in the library.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cairn/core/file.h"
#include "cairn/core/parallel.h"
#include "cairn/evidence/directory_walk.h"
#include "cairn/hashset/library.h"
#include "cairn/scan/file_hasher.h"
#include "cairn/scan/matcher.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

struct MatchArgs {
  std::string home;
  std::string lists_text;  // "a,b@2"
  std::vector<std::string> paths;
  std::string md5, sha1, sha256, pdq;
  std::vector<std::string> vpdq_files;
  bool stdin_hashes = false;
  bool all = false;
  MatchRuleArgs rule;
  double video_seconds_per_frame = 1.0;
  int vpdq_distance = 31;
  double vpdq_min_percent = 80.0;
  int jobs = 0;
  std::string format = "jsonl";
  bool quiet = false;
};

int Fail(const Status& s, std::string_view what) {
  std::fprintf(stderr, "cairn match: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               s.ToString().c_str());
  return 1;
}

Json EntryJson(const scan::Match& m) {
  const hashset::Entry& e = m.entry;
  Json j;
  j["id"] = m.entry_id;
  j["record"] = e.provenance.record;
  j["line"] = e.provenance.line;
  j["source_id"] = e.source_id.empty() ? Json(nullptr) : Json(e.source_id);
  j["md5"] = e.md5 ? Json(e.md5->ToHex()) : Json(nullptr);
  j["sha1"] = e.sha1 ? Json(e.sha1->ToHex()) : Json(nullptr);
  j["sha256"] = e.sha256 ? Json(e.sha256->ToHex()) : Json(nullptr);
  j["pdq"] = e.pdq ? Json(e.pdq->ToHex()) : Json(nullptr);
  j["pdq_quality"] = e.pdq_quality ? Json(*e.pdq_quality) : Json(nullptr);
  j["file_name"] = e.file_name ? Json(*e.file_name) : Json(nullptr);
  j["series"] = e.series.empty() ? Json(nullptr) : Json(e.series);
  return j;
}

// One record per match; `subject` carries path/query fields that go first.
Json MatchJson(const Json& subject, const scan::Match& m) {
  Json j = subject;
  j["list"] = m.list->info().name;
  j["list_version"] = m.list->info().version;
  j["rule"] = std::string(scan::MatchRuleName(m.rule));
  j["distance"] = m.distance;
  j["threshold"] = m.threshold;
  j["dihedral"] = m.variant ? Json(std::string(scan::DihedralName(*m.variant))) : Json(nullptr);
  j["category"] = {{"scheme", std::string(hashset::CategorySchemeName(m.entry.category.scheme))},
                   {"raw", m.entry.category.raw},
                   {"class", std::string(hashset::TriageClassName(m.entry.category.triage))}};
  j["entry"] = EntryJson(m);
  if (m.vpdq) {
    j["entry"]["last_id"] = m.reference_last_id;
    j["vpdq"] = {{"query_percent", m.vpdq->query_match_percent},
                 {"reference_percent", m.vpdq->reference_match_percent},
                 {"query_frames", m.vpdq->query_frames},
                 {"reference_frames", m.vpdq->reference_frames},
                 {"min_quality", m.vpdq->min_quality},
                 {"min_percent", m.vpdq->min_percent},
                 {"frame_threshold", m.vpdq->distance}};
  } else {
    j["vpdq"] = nullptr;
  }
  return j;
}

Json NoMatchJson(const Json& subject) {
  Json j = subject;
  for (const char* k : {"list", "list_version", "rule", "distance", "threshold", "dihedral",
                        "category", "entry", "vpdq"}) {
    j[k] = nullptr;
  }
  return j;
}

void Emit(const std::vector<Json>& records) {
  for (const Json& r : records) std::printf("%s\n", JsonLine(r).c_str());
}

// Parses "TYPE HEX" or a bare 32/40-digit hex line from --stdin.
Result<scan::MatchQuery> ParseQueryLine(std::string_view line) {
  scan::MatchQuery q;
  std::string type, hex;
  std::istringstream in{std::string(line)};
  in >> type >> hex;
  if (hex.empty()) {
    hex = type;
    type = hex.size() == 32 ? "md5" : hex.size() == 40 ? "sha1" : "";
    if (type.empty()) return Status::InvalidArgument("a bare hash must be MD5 or SHA-1; write 'sha256 HEX' or 'pdq HEX'");
  }
  bool ok = false;
  if (type == "md5") ok = (q.md5 = Md5::FromHex(hex)).has_value();
  else if (type == "sha1") ok = (q.sha1 = Sha1::FromHex(hex)).has_value();
  else if (type == "sha256") ok = (q.sha256 = Sha256::FromHex(hex)).has_value();
  else if (type == "pdq") ok = (q.pdq = Hash256::FromHex(hex)).has_value();
  else return Status::InvalidArgument("unknown hash type '" + type + "' (md5, sha1, sha256, pdq)");
  if (!ok) return Status::InvalidArgument("'" + hex + "' is not a valid " + type + " in hex");
  if (q.pdq && q.pdq->IsZero()) return Status::InvalidArgument("an all-zero PDQ hash is invalid");
  return q;
}

Json QuerySubject(const scan::MatchQuery& q) {
  Json s;
  s["query_md5"] = q.md5 ? Json(q.md5->ToHex()) : Json(nullptr);
  s["query_sha1"] = q.sha1 ? Json(q.sha1->ToHex()) : Json(nullptr);
  s["query_sha256"] = q.sha256 ? Json(q.sha256->ToHex()) : Json(nullptr);
  s["query_pdq"] = q.pdq ? Json(q.pdq->ToHex()) : Json(nullptr);
  return s;
}

int RunHashQueries(const MatchArgs& a, const scan::Matcher& matcher) {
  std::vector<std::pair<std::string, Result<scan::MatchQuery>>> queries;
  if (!a.md5.empty()) queries.emplace_back("--md5", ParseQueryLine("md5 " + a.md5));
  if (!a.sha1.empty()) queries.emplace_back("--sha1", ParseQueryLine("sha1 " + a.sha1));
  if (!a.sha256.empty()) queries.emplace_back("--sha256", ParseQueryLine("sha256 " + a.sha256));
  if (!a.pdq.empty()) queries.emplace_back("--pdq", ParseQueryLine("pdq " + a.pdq));
  int errors = 0;
  auto run = [&](const std::string& where, const Result<scan::MatchQuery>& q) {
    if (!q.ok()) {
      Fail(q.status(), where);
      ++errors;
      return;
    }
    Result<std::vector<scan::Match>> found = matcher.Find(*q);
    if (!found.ok()) {
      Fail(found.status(), where);
      ++errors;
      return;
    }
    const Json subject = QuerySubject(*q);
    std::vector<Json> out;
    for (const auto& m : *found) out.push_back(MatchJson(subject, m));
    if (found->empty() && a.all) out.push_back(NoMatchJson(subject));
    Emit(out);
  };
  for (const auto& [where, q] : queries) run(where, q);
  for (const std::string& path : a.vpdq_files) {
    Result<std::vector<uint8_t>> bytes = ReadWholeFile(path, uint64_t{1} << 30);
    Result<std::vector<video::FrameHash>> frames =
        bytes.ok() ? video::ParseVpdq(std::string_view(reinterpret_cast<const char*>(bytes->data()),
                                                       bytes->size()),
                                      path)
                   : Result<std::vector<video::FrameHash>>(bytes.status());
    if (!frames.ok()) {
      Fail(frames.status(), path);
      ++errors;
      continue;
    }
    scan::MatchQuery q;
    q.video_frames = *frames;
    Result<std::vector<scan::Match>> found = matcher.Find(q);
    if (!found.ok()) {
      Fail(found.status(), path);
      ++errors;
      continue;
    }
    Json subject;
    AddPath(subject, "query_vpdq", path);
    subject["video_frames"] = frames->size();
    std::vector<Json> out;
    for (const auto& m : *found) out.push_back(MatchJson(subject, m));
    if (found->empty() && a.all) out.push_back(NoMatchJson(subject));
    Emit(out);
  }
  if (a.stdin_hashes) {
    std::string line;
    for (uint64_t n = 1; std::getline(std::cin, line); ++n) {
      if (line.empty() || line[0] == '#') continue;
      run("stdin line " + std::to_string(n), ParseQueryLine(line));
    }
  }
  return errors == 0 ? 0 : 1;
}

int RunFileMatches(const MatchArgs& a, const scan::Matcher& matcher) {
  std::vector<evidence::WalkEntry> entries;
  for (const std::string& p : a.paths) {
    evidence::WalkPath(p, [&](const evidence::WalkEntry& e) {
      if (e.kind == evidence::WalkEntry::Kind::kFile || e.kind == evidence::WalkEntry::Kind::kError) {
        entries.push_back(e);
      }
    });
  }
  scan::HashOptions options;
  options.dihedral = !a.rule.no_dihedral;
  options.fast = a.rule.fast;
  options.video_options.seconds_per_frame = a.video_seconds_per_frame;
  const int jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<scan::FileHasher>> hashers;
  for (int w = 0; w < jobs; ++w) hashers.push_back(std::make_unique<scan::FileHasher>(options));
  size_t errors = 0, matched_files = 0, matches = 0;
  struct Out {
    std::vector<Json> records;
    bool error = false;
    size_t matches = 0;
  };
  OrderedParallelFor(
      entries.size(), jobs,
      [&](size_t i, int worker) {
        Out out;
        const evidence::WalkEntry& e = entries[i];
        Json subject;
        AddPath(subject, "path", e.path);
        if (e.kind == evidence::WalkEntry::Kind::kError) {
          subject["error"] = e.error.ToString();
          out.error = true;
          out.records.push_back(subject);
          return out;
        }
        const scan::FileHashRecord r = hashers[static_cast<size_t>(worker)]->HashFile(e.path);
        subject["sha256"] = r.digests ? Json(r.digests->sha256.ToHex()) : Json(nullptr);
        subject["md5"] = r.digests ? Json(r.digests->md5.ToHex()) : Json(nullptr);
        subject["query_pdq"] = r.pdq ? Json(r.pdq->hash.ToHex()) : Json(nullptr);
        subject["query_quality"] = r.pdq ? Json(r.pdq->quality) : Json(nullptr);
        subject["video_frames"] = r.video_frames ? Json(r.video_frames->size()) : Json(nullptr);
        subject["error"] = r.error.ok() ? Json(nullptr) : Json(r.error.ToString());
        out.error = !r.error.ok();
        Result<std::vector<scan::Match>> found = matcher.Find(scan::QueryFor(r));
        if (!found.ok()) {
          subject["error"] = found.status().ToString();
          out.error = true;
          out.records.push_back(NoMatchJson(subject));
          return out;
        }
        for (const auto& m : *found) out.records.push_back(MatchJson(subject, m));
        out.matches = found->size();
        if (found->empty() && (a.all || out.error)) out.records.push_back(NoMatchJson(subject));
        return out;
      },
      [&](size_t, Out out) {
        errors += out.error;
        matches += out.matches;
        matched_files += out.matches > 0;
        Emit(out.records);
      });
  std::fflush(stdout);
  if (!a.quiet) {
    std::fprintf(stderr, "cairn match: %zu files, %zu matched (%zu matches), %zu with errors\n",
                 entries.size(), matched_files, matches, errors);
  }
  return errors == 0 ? 0 : 1;
}

int RunMatch(const MatchArgs& a) {
  const bool by_hash = !a.md5.empty() || !a.sha1.empty() || !a.sha256.empty() || !a.pdq.empty() ||
                       a.stdin_hashes || !a.vpdq_files.empty();
  if (by_hash == !a.paths.empty()) {
    return Fail(Status::InvalidArgument("give either files/folders or --md5/--sha1/--sha256/--pdq/--vpdq/--stdin"),
                "usage") + 1;
  }
  auto lib = hashset::Library::Open(a.home.empty() ? hashset::Library::DefaultHome()
                                                   : std::filesystem::path(a.home));
  if (!lib.ok()) return Fail(lib.status(), "library");
  std::vector<std::shared_ptr<const hashset::CompiledList>> lists;
  for (const std::string& spec : SplitCommaList(a.lists_text)) {
    auto list = (*lib)->OpenList(spec);
    if (!list.ok()) return Fail(list.status(), spec);
    lists.push_back(*list);
  }
  scan::MatchOptions options;
  options.pdq_threshold = a.rule.threshold;
  options.min_quality = a.rule.min_quality;
  options.dihedral = !a.rule.no_dihedral;
  options.vpdq.distance = a.vpdq_distance;
  options.vpdq.min_quality = a.rule.min_quality;
  options.vpdq.min_percent = a.vpdq_min_percent;
  const scan::Matcher matcher(std::move(lists), options);
  return by_hash ? RunHashQueries(a, matcher) : RunFileMatches(a, matcher);
}

}  // namespace

void AddMatchRuleOptions(CLI::App* cmd, MatchRuleArgs& r) {
  cmd->add_option("--threshold", r.threshold, "PDQ match when distance <= this")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  cmd->add_option("--min-quality", r.min_quality, "Ignore PDQ hashes of lower quality")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd->add_flag("--no-dihedral", r.no_dihedral,
                "Match PDQ hashes only as they are, not their 8 rotations/mirrors");
  cmd->add_flag("--fast", r.fast, "Fast JPEG decoding (see docs/PDQ.md)");
}

void AddVideoRuleOptions(CLI::App* cmd, double& seconds_per_frame, int& vpdq_distance,
                         double& vpdq_min_percent) {
  cmd->add_option("--video-seconds-per-frame", seconds_per_frame,
                  "Videos: hash one frame every this many seconds (0: every frame)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--vpdq-distance", vpdq_distance,
                  "vPDQ: frames match when their distance is below this (strict, as vPDQ)")
      ->check(CLI::Range(1, 257))
      ->capture_default_str();
  cmd->add_option("--vpdq-min-percent", vpdq_min_percent,
                  "vPDQ: a video matches when both shares of matching distinct good frames reach this")
      ->check(CLI::Range(0.001, 100.0))
      ->capture_default_str();
}

void RegisterMatchCommand(CLI::App& app) {
  auto a = std::make_shared<MatchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "match",
      "Match files (digests and PDQ) or given hashes against lists in the library.\n"
      "One record per match, naming the list and version, the entry, the rule, the distance and\n"
      "the threshold. Exit status: 0 done, 1 some input failed, 2 usage error.");
  cmd->add_option("paths", a->paths, "Files or folders to hash and match");
  cmd->add_option("--lists,-l", a->lists_text,
                  "Lists to match against: NAME or NAME@VERSION, comma-separated")
      ->required();
  cmd->add_option("--home", a->home, "Library folder (default $CAIRN_HOME, else ~/.local/share/cairn)");
  cmd->add_option("--md5", a->md5, "Look up one MD5");
  cmd->add_option("--sha1", a->sha1, "Look up one SHA-1");
  cmd->add_option("--sha256", a->sha256, "Look up one SHA-256");
  cmd->add_option("--pdq", a->pdq, "Look up one PDQ hash (64 hex digits)");
  cmd->add_option("--vpdq", a->vpdq_files,
                  "Match a video by its vPDQ frame lines (a .vpdq file as cairn hash --vpdq-dir writes)");
  cmd->add_flag("--stdin", a->stdin_hashes,
                "Read hashes from standard input, one per line: 'md5|sha1|sha256|pdq HEX' or a bare MD5/SHA-1");
  cmd->add_flag("--all", a->all, "Also output a record for files (or hashes) without a match");
  AddMatchRuleOptions(cmd, a->rule);
  AddVideoRuleOptions(cmd, a->video_seconds_per_frame, a->vpdq_distance, a->vpdq_min_percent);
  cmd->add_option("--jobs,-j", a->jobs, "Worker threads (default: one per core)");
  cmd->add_option("--format", a->format, "Output format")->check(CLI::IsMember({"jsonl"}))->capture_default_str();
  cmd->add_flag("--quiet,-q", a->quiet, "No summary line on stderr");
  cmd->callback([a] { throw CommandResult{RunMatch(*a)}; });
}

}  // namespace cairn::cli
