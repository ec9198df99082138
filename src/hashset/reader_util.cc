#include "reader_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace cairn::hashset::internal {

// ---- MappedInput -------------------------------------------------------------------------------

Result<MappedInput> MappedInput::Open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path.string() + ": no such file");
    return Status::IoError(path.string() + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path.string() + ": not a regular file");
  }
  MappedInput in;
  in.name_ = path.string();
  in.path_ = path;
  in.size_ = static_cast<size_t>(st.st_size);
  if (in.size_ > 0) {
    void* p = ::mmap(nullptr, in.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return Status::IoError(path.string() + ": mmap: " + std::strerror(err));
    }
    ::madvise(p, in.size_, MADV_SEQUENTIAL);
    in.data_ = static_cast<const char*>(p);
    in.owned_map_ = true;
  }
  ::close(fd);
  return in;
}

MappedInput MappedInput::Borrow(std::span<const uint8_t> bytes, std::string name) {
  MappedInput in;
  in.data_ = reinterpret_cast<const char*>(bytes.data());
  in.size_ = bytes.size();
  in.name_ = std::move(name);
  return in;
}

void MappedInput::ReleaseBefore(size_t offset) {
  constexpr size_t kStep = 64u << 20;
  if (!owned_map_ || offset < released_ + kStep) return;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t upto = offset / page * page;
  if (upto <= released_) return;
  ::madvise(const_cast<char*>(data_) + released_, upto - released_, MADV_DONTNEED);
  released_ = upto;
}

MappedInput::MappedInput(MappedInput&& o) noexcept { *this = std::move(o); }

MappedInput& MappedInput::operator=(MappedInput&& o) noexcept {
  if (this != &o) {
    if (owned_map_) ::munmap(const_cast<char*>(data_), size_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    owned_map_ = std::exchange(o.owned_map_, false);
    released_ = std::exchange(o.released_, 0);
    name_ = std::move(o.name_);
    path_ = std::move(o.path_);
  }
  return *this;
}

MappedInput::~MappedInput() {
  if (owned_map_) ::munmap(const_cast<char*>(data_), size_);
}

// ---- scalars -----------------------------------------------------------------------------------

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<bool> ParseBoolLenient(std::string_view s) {
  s = Trim(s);
  static constexpr std::string_view kTrue[] = {"true", "1", "yes", "y", "t"};
  static constexpr std::string_view kFalse[] = {"false", "0", "no", "n", "f"};
  for (auto t : kTrue) {
    if (EqualsIgnoreCase(s, t)) return true;
  }
  for (auto f : kFalse) {
    if (EqualsIgnoreCase(s, f)) return false;
  }
  return std::nullopt;
}

Tristate ParseTristate(std::string_view s) {
  auto b = ParseBoolLenient(s);
  if (!b) return Tristate::kUnknown;
  return ToTristate(*b);
}

std::optional<uint64_t> ParseUint(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::string Excerpt(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > max) out += "...";
  return out;
}

namespace {
struct HexTable {
  int8_t v[256];
  constexpr HexTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = -1;
    for (int i = 0; i < 10; ++i) v['0' + i] = static_cast<int8_t>(i);
    for (int i = 0; i < 6; ++i) {
      v['a' + i] = static_cast<int8_t>(10 + i);
      v['A' + i] = static_cast<int8_t>(10 + i);
    }
  }
};
constexpr HexTable kHex;
}  // namespace

bool ParseHexFast(std::string_view text, std::span<uint8_t> out) {
  if (text.size() != out.size() * 2) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  int bad = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = kHex.v[p[2 * i]];
    const int lo = kHex.v[p[2 * i + 1]];
    bad |= hi | lo;
    out[i] = static_cast<uint8_t>((hi << 4) | (lo & 0xf));
  }
  return bad >= 0;
}

bool ParsePdqField(std::string_view text, std::optional<Hash256>& out, std::string& why) {
  text = Trim(text);
  if (text.empty()) return true;
  std::optional<Hash256> h = Hash256{};
  if (!ParseHexFast(text, h->bytes)) {
    why = "PDQ '" + Excerpt(text, 80) + "' is not 64 hex digits";
    return false;
  }
  out = *h;
  return true;
}

bool ParseQualityField(std::string_view text, std::optional<int>& out, std::string& why) {
  text = Trim(text);
  if (text.empty()) return true;
  auto q = ParseUint(text);
  if (!q || *q > 100) {
    why = "PDQ quality '" + Excerpt(text) + "' is not an integer 0..100";
    return false;
  }
  out = static_cast<int>(*q);
  return true;
}

// ---- cursors -----------------------------------------------------------------------------------

namespace {
size_t BomLength(std::string_view t) { return t.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; }
}  // namespace

LineCursor::LineCursor(std::string_view text) : text_(text), pos_(BomLength(text)) {}

bool LineCursor::Next(std::string_view& line, uint64_t& line_no, uint64_t& offset) {
  if (pos_ >= text_.size()) return false;
  const size_t nl = text_.find('\n', pos_);
  const size_t end = nl == std::string_view::npos ? text_.size() : nl;
  line = text_.substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  offset = pos_;
  line_no = ++line_no_;
  pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  return true;
}

CsvCursor::CsvCursor(std::string_view text, char sep) : text_(text), sep_(sep), pos_(BomLength(text)) {}

CsvCursor::Outcome CsvCursor::Next(std::vector<std::string>& fields, uint64_t& line_no,
                                   uint64_t& offset) {
  // Skip blank lines (empty or only spaces/tabs): they are not records.
  while (pos_ < text_.size()) {
    size_t p = pos_;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
    if (p < text_.size() && text_[p] != '\n') break;
    if (p == text_.size()) {
      pos_ = p;
      break;
    }
    pos_ = p + 1;
    ++line_no_;
  }
  if (pos_ >= text_.size()) return Outcome::kEnd;
  line_no = line_no_;
  offset = pos_;
  size_t n = 0;
  auto field = [&]() -> std::string& {
    if (n == fields.size()) fields.emplace_back();
    std::string& f = fields[n++];
    f.clear();
    return f;
  };
  std::string* cur = &field();
  bool at_field_start = true;
  bool in_quotes = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          cur->push_back('"');
          pos_ += 2;
          continue;
        }
        in_quotes = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++line_no_;
      cur->push_back(c);
      ++pos_;
      continue;
    }
    if (c == sep_) {
      cur = &field();
      at_field_start = true;
      ++pos_;
      continue;
    }
    if (c == '\n' || c == '\r') {
      // End of record (CRLF, LF or a lone CR).
      if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_no_;
      fields.resize(n);
      return Outcome::kRecord;
    }
    if (c == '"' && at_field_start) {
      in_quotes = true;
      at_field_start = false;
      ++pos_;
      continue;
    }
    at_field_start = false;
    cur->push_back(c);
    ++pos_;
  }
  fields.resize(n);
  return in_quotes ? Outcome::kUnterminated : Outcome::kRecord;
}

bool DecodeBase32(std::string_view text, std::vector<uint8_t>& out) {
  out.clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      return false;
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((buffer >> bits) & 0xff));
    }
  }
  return true;
}

// ---- ReaderBase --------------------------------------------------------------------------------

namespace {
const Md5 kEmptyMd5 = *Md5::FromHex("d41d8cd98f00b204e9800998ecf8427e");
const Sha1 kEmptySha1 = *Sha1::FromHex("da39a3ee5e6b4b0d3255bfef95601890afd80709");
const Sha256 kEmptySha256 =
    *Sha256::FromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
constexpr size_t kMaxUnmappedListed = 100;
}  // namespace

ReaderBase::ReaderBase(Format format, const ImportOptions& options)
    : options_(options), categories_(options.category_overrides) {
  report_.format = format;
}

void ReaderBase::Skip(const Provenance& where, std::string reason) {
  ++report_.skipped;
  if (report_.skips.size() < options_.max_skip_details) {
    report_.skips.push_back({where, std::move(reason)});
  } else {
    ++report_.skips_not_listed;
  }
}

bool ReaderBase::Admit(Entry& e) {
  int dropped_empty = 0;
  if (e.md5 && *e.md5 == kEmptyMd5) e.md5.reset(), ++dropped_empty;
  if (e.sha1 && *e.sha1 == kEmptySha1) e.sha1.reset(), ++dropped_empty;
  if (e.sha256 && *e.sha256 == kEmptySha256) e.sha256.reset(), ++dropped_empty;
  report_.zero_length_digests_ignored += static_cast<uint64_t>(dropped_empty);
  bool dropped_pdq = false;
  if (e.pdq && e.pdq->IsZero()) {
    e.pdq.reset();
    e.pdq_quality.reset();
    ++report_.zero_pdq_rejected;
    dropped_pdq = true;
  }
  if (!e.pdq) e.pdq_quality.reset();

  const bool usable = e.kind == EntryKind::kDelete ? (e.HasAnyHash() || !e.source_id.empty())
                                                   : e.HasAnyHash();
  if (!usable) {
    std::string why;
    if (dropped_empty > 0) {
      why = "only the digest of the zero-length file (ignored)";
    } else if (dropped_pdq) {
      why = "only an all-zero PDQ hash (rejected)";
    } else if (!e.vendor_hashes.empty()) {
      why = "no MD5, SHA-1, SHA-256 or PDQ (only " + e.vendor_hashes.front().name + ")";
    } else {
      why = "no MD5, SHA-1, SHA-256 or PDQ hash";
    }
    Skip(e.provenance, std::move(why));
    return false;
  }
  // Category: the source's own, else the caller's default; then the table.
  if (e.category.scheme == CategoryScheme::kNone || Trim(e.category.raw).empty()) {
    if (options_.default_category.scheme != CategoryScheme::kNone &&
        !options_.default_category.raw.empty()) {
      const std::string profile = e.category.profile;
      e.category = options_.default_category;
      if (e.category.profile.empty()) e.category.profile = profile;
    }
  }
  if (e.category.scheme != CategoryScheme::kNone && !Trim(e.category.raw).empty()) {
    if (auto cls = categories_.Lookup(e.category.scheme, e.category.raw)) {
      e.category.triage = *cls;
    } else {
      e.category.triage = TriageClass::kUncategorised;
      ++report_.uncategorised_unmapped;
      auto it = std::find_if(report_.unmapped.begin(), report_.unmapped.end(), [&](const UnmappedCategory& u) {
        return u.scheme == e.category.scheme && u.raw == e.category.raw;
      });
      if (it != report_.unmapped.end()) {
        ++it->count;
      } else if (report_.unmapped.size() < kMaxUnmappedListed) {
        report_.unmapped.push_back({e.category.scheme, e.category.raw, 1});
      }
    }
  } else {
    e.category.triage = TriageClass::kUncategorised;
  }

  ++report_.imported;
  if (e.kind == EntryKind::kDelete) ++report_.deletions;
  return true;
}

}  // namespace cairn::hashset::internal
