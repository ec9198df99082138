// Binary and database lists: NSRL RDS v3 (SQLite, one streaming SELECT grouped on the FILE
// primary-key prefix so each distinct hash triple comes once) and EnCase v4-v6 .hash (layout
// from forensicswiki docs/Encase_hash_files.md, marked "to be verified" there).
#include <sqlite3.h>

#include <cstring>
#include <string>

#include "readers.h"

namespace cairn::hashset::internal {
namespace {

std::string SqliteUri(const std::filesystem::path& path) {
  std::string uri = "file:";
  for (char c : std::filesystem::absolute(path).string()) {
    if (c == '?' || c == '#' || c == '%') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      uri += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?mode=ro&immutable=1";
}

std::string_view ColumnText(sqlite3_stmt* st, int i) {
  const unsigned char* p = sqlite3_column_text(st, i);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st, i)))
           : std::string_view();
}

class NsrlV3Reader final : public ReaderBase {
 public:
  NsrlV3Reader(std::string name, const ImportOptions& options)
      : ReaderBase(Format::kNsrlRdsV3, options), name_(std::move(name)) {}
  ~NsrlV3Reader() override {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }

  Status Open(const std::filesystem::path& path) {
    if (sqlite3_open_v2(SqliteUri(path).c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
      return Status::IoError(name_ + ": SQLite: " + (db_ ? sqlite3_errmsg(db_) : "cannot open"));
    }
    std::string version = "?";
    sqlite3_stmt* v = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT version FROM VERSION LIMIT 1", -1, &v, nullptr) == SQLITE_OK &&
        sqlite3_step(v) == SQLITE_ROW) {
      version = std::string(ColumnText(v, 0));
    }
    sqlite3_finalize(v);
    const char* sql =
        "SELECT sha256, sha1, md5, MIN(file_name), MIN(file_size) FROM FILE GROUP BY sha256, sha1, md5";
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      return Status::Corrupt(name_ + ": not an NSRL RDS v3 database (no FILE table with sha256, sha1, md5, "
                             "file_name, file_size): " + sqlite3_errmsg(db_));
    }
    report_.format_detail = "NSRL RDS v3 " + version;
    return Status::Ok();
  }

  Result<bool> Next(Entry& out) override {
    while (true) {
      const int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_DONE) return false;
      if (rc != SQLITE_ROW) return Status::Corrupt(name_ + ": SQLite: " + sqlite3_errmsg(db_));
      CountRecord();
      out = Entry{};
      out.provenance = {++record_no_, 0, 0};
      out.category = {CategoryScheme::kNsrl, "", "known", TriageClass::kUncategorised};
      std::string why;
      if (!ParseDigestField("sha256", ColumnText(stmt_, 0), out.sha256, why) ||
          !ParseDigestField("sha1", ColumnText(stmt_, 1), out.sha1, why) ||
          !ParseDigestField("md5", ColumnText(stmt_, 2), out.md5, why)) {
        Skip(out.provenance, std::move(why));
        continue;
      }
      if (auto n = ColumnText(stmt_, 3); !n.empty()) out.file_name = std::string(n);
      if (sqlite3_column_type(stmt_, 4) == SQLITE_INTEGER) {
        const sqlite3_int64 s = sqlite3_column_int64(stmt_, 4);
        if (s >= 0) out.file_size = static_cast<uint64_t>(s);
      }
      if (Admit(out)) return true;
    }
  }

 private:
  std::string name_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  uint64_t record_no_ = 0;
};

constexpr std::string_view kEncaseMagic("HASH\r\n\xff\0", 8);
constexpr size_t kEncaseCountAt = 0x10;
constexpr size_t kEncaseNameAt = 0x408;
constexpr size_t kEncaseCategoryAt = 0x458;
constexpr size_t kEncaseEntriesAt = 0x480;
constexpr size_t kEncaseEntrySize = 18;

std::string Utf16Field(std::string_view d, size_t at, size_t max_bytes) {
  std::string out;
  for (size_t i = at; i + 1 < d.size() && i < at + max_bytes; i += 2) {
    const uint16_t u = static_cast<uint8_t>(d[i]) | static_cast<uint16_t>(static_cast<uint8_t>(d[i + 1]) << 8);
    if (u == 0) break;
    if (u < 0x80) {
      out += static_cast<char>(u);
    } else if (u < 0x800) {
      out += static_cast<char>(0xC0 | (u >> 6));
      out += static_cast<char>(0x80 | (u & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (u >> 12));
      out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  return out;
}

class EncaseReader final : public ReaderBase {
 public:
  EncaseReader(MappedInput in, const ImportOptions& options)
      : ReaderBase(Format::kEncaseHash, options), in_(std::move(in)) {}

  Result<bool> Next(Entry& out) override {
    const std::string_view d = in_.text();
    if (!started_) {
      started_ = true;
      if (d.substr(0, 8) != kEncaseMagic) {
        return Status::Corrupt(in_.name() + ": not an EnCase .hash file (magic is not 'HASH\\r\\n\\xff\\0')");
      }
      if (d.size() < kEncaseEntriesAt) {
        return Status::Corrupt(in_.name() + ": EnCase .hash header truncated at " + std::to_string(d.size()) +
                               " bytes (entries start at 0x480)");
      }
      uint32_t count = 0;
      std::memcpy(&count, d.data() + kEncaseCountAt, 4);  // little-endian hosts only (x86-64, arm64)
      set_name_ = Utf16Field(d, kEncaseNameAt, kEncaseCategoryAt - kEncaseNameAt);
      category_ = Utf16Field(d, kEncaseCategoryAt, kEncaseEntriesAt - kEncaseCategoryAt);
      const size_t room = (d.size() - kEncaseEntriesAt) / kEncaseEntrySize;
      total_ = std::min<size_t>(count, room);
      report_.format_detail = "EnCase .hash \"" + set_name_ + "\" (" + category_ + ")";
      Note("EnCase .hash layout follows forensicswiki and is not verified against EnCase itself");
      if (count != room) {
        Note("header says " + std::to_string(count) + " entries, the file has room for " + std::to_string(room) +
             (((d.size() - kEncaseEntriesAt) % kEncaseEntrySize) ? " (plus a partial entry)" : ""));
      }
      if (count > room) {
        for (size_t i = room; i < count && i < room + 1; ++i) {
          CountRecord();
          Skip({i + 1, 0, kEncaseEntriesAt + i * kEncaseEntrySize}, "entry lies beyond the end of the file");
        }
      }
    }
    while (next_ < total_) {
      const size_t at = kEncaseEntriesAt + next_ * kEncaseEntrySize;
      ++next_;
      CountRecord();
      out = Entry{};
      out.provenance = {next_, 0, at};
      Md5 md5;
      std::memcpy(md5.bytes.data(), d.data() + at, 16);
      out.md5 = md5;
      out.tags = set_name_;
      out.category = {CategoryScheme::kEncase, "", category_, TriageClass::kUncategorised};
      if (Admit(out)) return true;
    }
    return false;
  }

 private:
  MappedInput in_;
  bool started_ = false;
  size_t total_ = 0;
  size_t next_ = 0;
  std::string set_name_;
  std::string category_;
};

}  // namespace

Result<std::unique_ptr<EntryReader>> MakeNsrlV3Reader(const std::filesystem::path& path,
                                                      const ImportOptions& options) {
  auto r = std::make_unique<NsrlV3Reader>(path.string(), options);
  CAIRN_RETURN_IF_ERROR(r->Open(path));
  return std::unique_ptr<EntryReader>(std::move(r));
}

std::unique_ptr<EntryReader> MakeEncaseReader(MappedInput in, const ImportOptions& options) {
  return std::make_unique<EncaseReader>(std::move(in), options);
}

}  // namespace cairn::hashset::internal
