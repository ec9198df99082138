#include "cairn/hashset/compiled_list.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace cairn::hashset {
namespace {

// Byte layout (little-endian), documented in docs/HASHLISTS.md:
//   [0, 64)             preamble: "CAIRNHL\0", u32 format version, zero padding
//   sections            each starting at a multiple of 64
//   [size-512, size)    footer: "CAIRNEND", u32 version, u32 section count, u64 entries,
//                       u64 body size, body SHA-256, 12 section slots of 32 bytes
//                       {u32 kind, u32 zero, u64 offset, u64 size, u64 count}, padding,
//                       SHA-256 of footer bytes [0, 480) at 480.
constexpr char kMagic[8] = {'C', 'A', 'I', 'R', 'N', 'H', 'L', '\0'};
constexpr char kFooterMagic[8] = {'C', 'A', 'I', 'R', 'N', 'E', 'N', 'D'};
constexpr size_t kPreambleSize = 64;
constexpr size_t kFooterSize = 512;
constexpr size_t kFooterHashAt = 480;
constexpr size_t kMaxSections = 12;
constexpr size_t kRecordSize = 160;
constexpr uint64_t kFlatBelow = 65536;  // PDQ lists smaller than this get a flat index
constexpr uint32_t kAbsent = 0xFFFFFFFFu;

enum SectionKind : uint32_t {
  kRecords = 1,
  kStrings = 2,
  kMd5Set = 3,
  kSha1Set = 4,
  kSha256Set = 5,
  kPdqFlat = 6,
  kPdqMih = 7,
  kMeta = 8,
};

// Record flags.
enum : uint32_t {
  kHasMd5 = 1u << 0,
  kHasSha1 = 1u << 1,
  kHasSha256 = 1u << 2,
  kHasPdq = 1u << 3,
  kHasQuality = 1u << 4,
  kHasFileSize = 1u << 5,
  kIsDelete = 1u << 6,
};
constexpr int kVictimShift = 8, kOffenderShift = 10, kDistributedShift = 12;

template <typename T>
void Put(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}
template <typename T>
T Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void PutString(std::string& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out.append(s);
}

// Reads strings back from one entry's extras, with bounds checks.
class ExtrasReader {
 public:
  explicit ExtrasReader(std::span<const uint8_t> b) : b_(b) {}
  bool ok() const { return ok_; }
  std::optional<std::string> Optional() {
    if (pos_ + 4 > b_.size()) return Fail();
    const uint32_t n = Get<uint32_t>(b_.data() + pos_);
    pos_ += 4;
    if (n == kAbsent) return std::nullopt;
    if (n > b_.size() - pos_) return Fail();
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::string String() { return Optional().value_or(std::string()); }
  uint32_t Count() {
    if (pos_ + 4 > b_.size()) {
      Fail();
      return 0;
    }
    const uint32_t n = Get<uint32_t>(b_.data() + pos_);
    pos_ += 4;
    return n;
  }

 private:
  std::optional<std::string> Fail() {
    ok_ = false;
    pos_ = b_.size();
    return std::nullopt;
  }
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string ToJson(const ListInfo& info) {
  nlohmann::ordered_json j;
  j["name"] = info.name;
  j["version"] = info.version;
  j["format"] = info.format;
  j["format_detail"] = info.format_detail;
  j["source_name"] = info.source_name;
  j["source_sha256"] = info.source_sha256;
  j["source_size"] = info.source_size;
  j["created_utc"] = info.created_utc;
  j["import_summary"] = info.import_summary;
  return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

Result<ListInfo> InfoFromJson(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corrupt("meta section is not a JSON object");
  ListInfo info;
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  info.name = str("name");
  info.version = str("version");
  info.format = str("format");
  info.format_detail = str("format_detail");
  info.source_name = str("source_name");
  info.source_sha256 = str("source_sha256");
  if (auto it = j.find("source_size"); it != j.end() && it->is_number_unsigned()) {
    info.source_size = it->get<uint64_t>();
  }
  info.created_utc = str("created_utc");
  info.import_summary = str("import_summary");
  return info;
}

}  // namespace

struct CompiledListWriter::State {
  std::filesystem::path path;
  std::optional<index::AtomicFileWriter> out;
  int strings_fd = -1;  // an unlinked temporary file: nothing is left behind by a kill
  uint64_t strings_size = 0;
  Sha256Digester body;
  uint64_t count = 0;
  index::DigestSetBuilder<Md5> md5;
  index::DigestSetBuilder<Sha1> sha1;
  index::DigestSetBuilder<Sha256> sha256;
  std::vector<Hash256> pdq_hashes;
  std::vector<uint64_t> pdq_ids;
  std::string extras;  // scratch
  bool finished = false;

  ~State() {
    if (strings_fd >= 0) ::close(strings_fd);
  }

  Status Write(std::span<const uint8_t> bytes) {
    CAIRN_RETURN_IF_ERROR(out->Append(bytes));
    body.Update(bytes);
    return Status();
  }
  Status PadTo(uint64_t alignment) {
    static constexpr uint8_t kZeros[64] = {};
    const uint64_t rem = out->offset() % alignment;
    if (rem == 0) return Status();
    return Write(std::span(kZeros, alignment - rem));
  }
};

CompiledListWriter::CompiledListWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
CompiledListWriter::~CompiledListWriter() = default;

Result<std::unique_ptr<CompiledListWriter>> CompiledListWriter::Create(
    const std::filesystem::path& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  CAIRN_ASSIGN_OR_RETURN(index::AtomicFileWriter out, index::AtomicFileWriter::Create(path));
  state->out.emplace(std::move(out));
  const std::string tmpl = path.parent_path() / ".strings-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  state->strings_fd = ::mkstemp(name.data());
  if (state->strings_fd < 0) {
    return Status::IoError(path.string() + ": cannot create a temporary file: " +
                           std::strerror(errno));
  }
  ::unlink(name.data());
  uint8_t preamble[kPreambleSize] = {};
  std::memcpy(preamble, kMagic, sizeof kMagic);
  Put<uint32_t>(preamble + 8, kFormatVersion);
  CAIRN_RETURN_IF_ERROR(state->Write(preamble));
  return std::unique_ptr<CompiledListWriter>(new CompiledListWriter(std::move(state)));
}

Status CompiledListWriter::Add(const Entry& e) {
  State& s = *state_;
  CAIRN_ASSERT(!s.finished);
  const uint64_t id = s.count++;
  uint8_t rec[kRecordSize] = {};
  uint32_t flags = 0;
  if (e.md5) {
    flags |= kHasMd5;
    std::memcpy(rec + 8, e.md5->bytes.data(), 16);
  }
  if (e.sha1) {
    flags |= kHasSha1;
    std::memcpy(rec + 24, e.sha1->bytes.data(), 20);
  }
  if (e.sha256) {
    flags |= kHasSha256;
    std::memcpy(rec + 44, e.sha256->bytes.data(), 32);
  }
  if (e.pdq) {
    flags |= kHasPdq;
    std::memcpy(rec + 76, e.pdq->bytes.data(), 32);
  }
  if (e.pdq_quality) {
    flags |= kHasQuality;
    Put<int16_t>(rec + 6, static_cast<int16_t>(*e.pdq_quality));
  }
  if (e.file_size) {
    flags |= kHasFileSize;
    Put<uint64_t>(rec + 112, *e.file_size);
  }
  if (e.kind == EntryKind::kDelete) flags |= kIsDelete;
  flags |= static_cast<uint32_t>(e.victim_identified) << kVictimShift;
  flags |= static_cast<uint32_t>(e.offender_identified) << kOffenderShift;
  flags |= static_cast<uint32_t>(e.is_distributed) << kDistributedShift;
  Put<uint32_t>(rec, flags);
  rec[4] = static_cast<uint8_t>(e.category.scheme);
  rec[5] = static_cast<uint8_t>(e.category.triage);
  Put<uint64_t>(rec + 120, e.provenance.record);
  Put<uint64_t>(rec + 128, e.provenance.line);
  Put<uint64_t>(rec + 136, e.provenance.offset);

  std::string& x = s.extras;
  x.clear();
  PutString(x, e.category.raw);
  PutString(x, e.category.profile);
  PutString(x, e.series);
  PutString(x, e.source_id);
  PutString(x, e.tags);
  PutString(x, e.comments);
  if (e.file_name) {
    PutString(x, *e.file_name);
  } else {
    x.append(reinterpret_cast<const char*>(&kAbsent), 4);
  }
  const auto vendors = static_cast<uint32_t>(e.vendor_hashes.size());
  x.append(reinterpret_cast<const char*>(&vendors), 4);
  for (const VendorHash& v : e.vendor_hashes) {
    PutString(x, v.name);
    PutString(x, v.value);
  }
  Put<uint64_t>(rec + 144, s.strings_size);
  Put<uint32_t>(rec + 152, static_cast<uint32_t>(x.size()));
  for (size_t done = 0; done < x.size();) {
    const ssize_t n = ::write(s.strings_fd, x.data() + done, x.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(s.path.string() + ": cannot write temporary strings: " +
                             std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  s.strings_size += x.size();
  CAIRN_RETURN_IF_ERROR(s.Write(rec));

  if (e.kind == EntryKind::kDelete) return Status();
  if (e.md5) s.md5.Add(*e.md5, id);
  if (e.sha1) s.sha1.Add(*e.sha1, id);
  if (e.sha256) s.sha256.Add(*e.sha256, id);
  if (e.pdq) {
    s.pdq_hashes.push_back(*e.pdq);
    s.pdq_ids.push_back(id);
  }
  return Status();
}

Result<CompiledCounts> CompiledListWriter::Finish(const ListInfo& info) {
  State& s = *state_;
  CAIRN_ASSERT(!s.finished);
  s.finished = true;
  struct Section {
    uint32_t kind;
    uint64_t offset, size, count;
  };
  std::vector<Section> sections;
  sections.push_back({kRecords, kPreambleSize, s.count * kRecordSize, s.count});

  auto add_section = [&](uint32_t kind, std::span<const uint8_t> bytes, uint64_t count) -> Status {
    CAIRN_RETURN_IF_ERROR(s.PadTo(64));
    sections.push_back({kind, s.out->offset(), bytes.size(), count});
    return s.Write(bytes);
  };

  // Strings: copy the temporary file in.
  CAIRN_RETURN_IF_ERROR(s.PadTo(64));
  sections.push_back({kStrings, s.out->offset(), s.strings_size, 0});
  std::vector<uint8_t> buf(1 << 20);
  for (uint64_t off = 0; off < s.strings_size;) {
    const ssize_t n = ::pread(s.strings_fd, buf.data(), buf.size(), static_cast<off_t>(off));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return Status::IoError(s.path.string() + ": cannot read temporary strings");
    }
    CAIRN_RETURN_IF_ERROR(s.Write(std::span(buf).first(static_cast<size_t>(n))));
    off += static_cast<uint64_t>(n);
  }

  CompiledCounts counts;
  counts.entries = s.count;
  counts.md5 = s.md5.pending();
  counts.sha1 = s.sha1.pending();
  counts.sha256 = s.sha256.pending();
  counts.pdq = s.pdq_hashes.size();
  CAIRN_RETURN_IF_ERROR(add_section(kMd5Set, s.md5.Finish(), counts.md5));
  CAIRN_RETURN_IF_ERROR(add_section(kSha1Set, s.sha1.Finish(), counts.sha1));
  CAIRN_RETURN_IF_ERROR(add_section(kSha256Set, s.sha256.Finish(), counts.sha256));
  {
    const bool flat = s.pdq_hashes.size() < kFlatBelow;
    Result<std::vector<uint8_t>> pdq =
        flat ? index::FlatIndex::Serialize(s.pdq_hashes, s.pdq_ids)
             : index::MihIndex::Serialize(s.pdq_hashes, s.pdq_ids);
    if (!pdq.ok()) return pdq.status().WithContext(s.path.string());
    CAIRN_RETURN_IF_ERROR(add_section(flat ? kPdqFlat : kPdqMih, *pdq, counts.pdq));
    std::vector<Hash256>().swap(s.pdq_hashes);
    std::vector<uint64_t>().swap(s.pdq_ids);
  }
  const std::string meta = ToJson(info);
  CAIRN_RETURN_IF_ERROR(add_section(
      kMeta, std::span(reinterpret_cast<const uint8_t*>(meta.data()), meta.size()), 0));
  CAIRN_RETURN_IF_ERROR(s.PadTo(64));

  uint8_t footer[kFooterSize] = {};
  std::memcpy(footer, kFooterMagic, sizeof kFooterMagic);
  Put<uint32_t>(footer + 8, kFormatVersion);
  Put<uint32_t>(footer + 12, static_cast<uint32_t>(sections.size()));
  Put<uint64_t>(footer + 16, s.count);
  Put<uint64_t>(footer + 24, s.out->offset());
  const Sha256 body = s.body.Finish();
  std::memcpy(footer + 32, body.bytes.data(), 32);
  CAIRN_ASSERT(sections.size() <= kMaxSections);
  for (size_t i = 0; i < sections.size(); ++i) {
    uint8_t* slot = footer + 64 + 32 * i;
    Put<uint32_t>(slot, sections[i].kind);
    Put<uint64_t>(slot + 8, sections[i].offset);
    Put<uint64_t>(slot + 16, sections[i].size);
    Put<uint64_t>(slot + 24, sections[i].count);
  }
  const Sha256 footer_hash = Sha256Of(std::span(footer, kFooterHashAt));
  std::memcpy(footer + kFooterHashAt, footer_hash.bytes.data(), 32);
  CAIRN_RETURN_IF_ERROR(s.out->Append(footer));
  counts.file_size = s.out->offset();
  // The file's own SHA-256 = body hash continued over the footer; recompute it in one pass.
  Sha256Digester whole;
  CAIRN_RETURN_IF_ERROR(s.out->Commit());
  CAIRN_ASSIGN_OR_RETURN(index::MappedFile written,
                         index::MappedFile::Open(s.path, index::AccessPattern::kSequential));
  whole.Update(written.bytes());
  counts.file_sha256 = whole.Finish().ToHex();
  return counts;
}

Result<std::shared_ptr<const CompiledList>> CompiledList::Open(const std::filesystem::path& path) {
  auto corrupt = [&](std::string what) {
    return Status::Corrupt(path.string() + ": not a valid compiled hash list: " + what);
  };
  CAIRN_ASSIGN_OR_RETURN(index::MappedFile file, index::MappedFile::Open(path));
  std::shared_ptr<CompiledList> list(new CompiledList());
  list->path_ = path;
  list->bytes_ = index::SharedBytes::FromMappedFile(std::move(file));
  const std::span<const uint8_t> b = list->bytes_.span();
  if (b.size() < kPreambleSize + kFooterSize) return corrupt("file too small");
  if (std::memcmp(b.data(), kMagic, sizeof kMagic) != 0) return corrupt("bad magic");
  if (Get<uint32_t>(b.data() + 8) != CompiledListWriter::kFormatVersion) {
    return Status::Unsupported(path.string() + ": compiled list format version " +
                               std::to_string(Get<uint32_t>(b.data() + 8)) +
                               " is not supported (this Cairn reads version 1)");
  }
  const uint8_t* f = b.data() + b.size() - kFooterSize;
  if (std::memcmp(f, kFooterMagic, sizeof kFooterMagic) != 0) return corrupt("bad footer magic");
  Sha256 footer_hash;
  std::memcpy(footer_hash.bytes.data(), f + kFooterHashAt, 32);
  if (Sha256Of(std::span(f, kFooterHashAt)) != footer_hash) return corrupt("footer checksum mismatch");
  const uint32_t nsections = Get<uint32_t>(f + 12);
  list->entry_count_ = Get<uint64_t>(f + 16);
  list->body_size_ = Get<uint64_t>(f + 24);
  std::memcpy(list->body_sha256_.bytes.data(), f + 32, 32);
  if (list->body_size_ != b.size() - kFooterSize) return corrupt("footer body size mismatch");
  if (nsections > kMaxSections) return corrupt("too many sections");

  bool have_pdq = false, have_meta = false;
  for (uint32_t i = 0; i < nsections; ++i) {
    const uint8_t* slot = f + 64 + 32 * i;
    const uint32_t kind = Get<uint32_t>(slot);
    const uint64_t offset = Get<uint64_t>(slot + 8);
    const uint64_t size = Get<uint64_t>(slot + 16);
    if (offset < kPreambleSize || offset % 8 != 0 || offset > list->body_size_ ||
        size > list->body_size_ - offset) {
      return corrupt("section " + std::to_string(i) + " lies outside the file");
    }
    Result<index::SharedBytes> slice = list->bytes_.Slice(offset, size);
    if (!slice.ok()) return corrupt(slice.status().message());
    auto wrap = [&](const Status& st) { return corrupt("section " + std::to_string(i) + ": " + st.message()); };
    switch (kind) {
      case kRecords:
        if (size != list->entry_count_ * kRecordSize) return corrupt("record section size");
        list->records_ = slice->span();
        break;
      case kStrings:
        list->strings_ = slice->span();
        break;
      case kMd5Set: {
        auto s = index::DigestSet<Md5>::Open(*slice);
        if (!s.ok()) return wrap(s.status());
        list->md5_ = std::move(*s);
        break;
      }
      case kSha1Set: {
        auto s = index::DigestSet<Sha1>::Open(*slice);
        if (!s.ok()) return wrap(s.status());
        list->sha1_ = std::move(*s);
        break;
      }
      case kSha256Set: {
        auto s = index::DigestSet<Sha256>::Open(*slice);
        if (!s.ok()) return wrap(s.status());
        list->sha256_ = std::move(*s);
        break;
      }
      case kPdqFlat: {
        auto s = index::FlatIndex::Open(*slice);
        if (!s.ok()) return wrap(s.status());
        list->pdq_ = std::make_unique<index::FlatIndex>(std::move(*s));
        have_pdq = true;
        break;
      }
      case kPdqMih: {
        auto s = index::MihIndex::Open(*slice);
        if (!s.ok()) return wrap(s.status());
        list->pdq_ = std::make_unique<index::MihIndex>(std::move(*s));
        have_pdq = true;
        break;
      }
      case kMeta: {
        auto info = InfoFromJson(
            std::string_view(reinterpret_cast<const char*>(slice->data()), slice->size()));
        if (!info.ok()) return wrap(info.status());
        list->info_ = std::move(*info);
        have_meta = true;
        break;
      }
      default:
        return corrupt("unknown section kind " + std::to_string(kind));
    }
  }
  if (list->records_.size() != list->entry_count_ * kRecordSize || !have_pdq || !have_meta) {
    return corrupt("missing sections");
  }
  return std::shared_ptr<const CompiledList>(std::move(list));
}

Result<Entry> CompiledList::EntryAt(uint64_t id) const {
  if (id >= entry_count_) {
    return Status::NotFound(path_.string() + ": no entry " + std::to_string(id));
  }
  const uint8_t* rec = records_.data() + id * kRecordSize;
  Entry e;
  const uint32_t flags = Get<uint32_t>(rec);
  if (flags & kHasMd5) std::memcpy(e.md5.emplace().bytes.data(), rec + 8, 16);
  if (flags & kHasSha1) std::memcpy(e.sha1.emplace().bytes.data(), rec + 24, 20);
  if (flags & kHasSha256) std::memcpy(e.sha256.emplace().bytes.data(), rec + 44, 32);
  if (flags & kHasPdq) std::memcpy(e.pdq.emplace().bytes.data(), rec + 76, 32);
  if (flags & kHasQuality) e.pdq_quality = Get<int16_t>(rec + 6);
  if (flags & kHasFileSize) e.file_size = Get<uint64_t>(rec + 112);
  e.kind = (flags & kIsDelete) ? EntryKind::kDelete : EntryKind::kAdd;
  auto tri = [&](int shift) { return static_cast<Tristate>((flags >> shift) & 3); };
  e.victim_identified = tri(kVictimShift);
  e.offender_identified = tri(kOffenderShift);
  e.is_distributed = tri(kDistributedShift);
  e.category.scheme = static_cast<CategoryScheme>(rec[4]);
  e.category.triage = static_cast<TriageClass>(rec[5]);
  e.provenance.record = Get<uint64_t>(rec + 120);
  e.provenance.line = Get<uint64_t>(rec + 128);
  e.provenance.offset = Get<uint64_t>(rec + 136);
  const uint64_t xo = Get<uint64_t>(rec + 144);
  const uint32_t xn = Get<uint32_t>(rec + 152);
  if (xo > strings_.size() || xn > strings_.size() - xo) {
    return Status::Corrupt(path_.string() + ": entry " + std::to_string(id) +
                           " points outside the string section");
  }
  ExtrasReader x(strings_.subspan(xo, xn));
  e.category.raw = x.String();
  e.category.profile = x.String();
  e.series = x.String();
  e.source_id = x.String();
  e.tags = x.String();
  e.comments = x.String();
  e.file_name = x.Optional();
  const uint32_t vendors = x.Count();
  for (uint32_t i = 0; i < vendors && x.ok(); ++i) {
    VendorHash v;
    v.name = x.String();
    v.value = x.String();
    e.vendor_hashes.push_back(std::move(v));
  }
  if (!x.ok()) {
    return Status::Corrupt(path_.string() + ": entry " + std::to_string(id) +
                           " has damaged strings");
  }
  return e;
}

Status CompiledList::VerifyChecksum() const {
  Sha256Digester d;
  d.Update(bytes_.span().first(body_size_));
  if (d.Finish() != body_sha256_) {
    return Status::Corrupt(path_.string() + ": checksum mismatch: the file is damaged");
  }
  return Status();
}

}  // namespace cairn::hashset
