// Delimited lists read through one engine with a per-column plan: INTERPOL ICSE (';'), NSRL RDS
// v2 NSRLFile.txt, HashKeeper .hsh (+ .hke header), and generic CSV with a ColumnMap. Quoting
// follows RFC 4180 (CsvCursor).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cairn/core/file.h"
#include "readers.h"

namespace cairn::hashset::internal {
namespace {

enum class Role : uint8_t {
  kIgnore, kMd5, kSha1, kSha256, kPdq, kQuality, kHash, kName, kSize, kCategory, kSeries, kTags,
  kComments, kId, kVictim, kOffender, kDistributed, kPhotoDna, kVendor, kExtra, kHashsetId,
  kIcseBaseline,
};

std::optional<Role> RoleForField(std::string_view f) {
  static const std::pair<std::string_view, Role> kFields[] = {
      {"md5", Role::kMd5},         {"sha1", Role::kSha1},         {"sha256", Role::kSha256},
      {"pdq", Role::kPdq},         {"quality", Role::kQuality},   {"hash", Role::kHash},
      {"name", Role::kName},       {"size", Role::kSize},         {"category", Role::kCategory},
      {"series", Role::kSeries},   {"tags", Role::kTags},         {"comments", Role::kComments},
      {"id", Role::kId},           {"victim", Role::kVictim},     {"offender", Role::kOffender},
      {"distributed", Role::kDistributed}, {"photodna", Role::kPhotoDna},
  };
  for (const auto& [name, role] : kFields) {
    if (EqualsIgnoreCase(f, name)) return role;
  }
  return std::nullopt;
}

// Header names recognised when a generic CSV comes without a column map (letters and digits only).
std::optional<Role> RoleForHeader(std::string_view header) {
  std::string h;
  for (char c : header) {
    if (std::isalnum(static_cast<unsigned char>(c))) h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const std::pair<std::string_view, Role> kHeaders[] = {
      {"md5", Role::kMd5},           {"sha1", Role::kSha1},          {"sha256", Role::kSha256},
      {"pdq", Role::kPdq},           {"pdqhash", Role::kPdq},        {"quality", Role::kQuality},
      {"pdqquality", Role::kQuality}, {"hash", Role::kHash},         {"filename", Role::kName},
      {"name", Role::kName},         {"filepath", Role::kName},      {"path", Role::kName},
      {"size", Role::kSize},         {"filesize", Role::kSize},      {"mediasize", Role::kSize},
      {"category", Role::kCategory}, {"series", Role::kSeries},      {"tags", Role::kTags},
      {"comments", Role::kComments}, {"comment", Role::kComments},   {"id", Role::kId},
      {"mediaid", Role::kId},        {"photodna", Role::kPhotoDna},
  };
  for (const auto& [name, role] : kHeaders) {
    if (h == name) return role;
  }
  return std::nullopt;
}

bool IsHashRole(Role r) {
  return r == Role::kMd5 || r == Role::kSha1 || r == Role::kSha256 || r == Role::kPdq || r == Role::kHash;
}

char GuessSeparator(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  const char cands[] = {',', ';', '\t', '|'};
  char best = ',';
  size_t best_n = 0;
  for (char c : cands) {
    size_t n = 0;
    bool q = false;
    for (char x : first) {
      if (x == '"') q = !q;
      if (!q && x == c) ++n;
    }
    if (n > best_n) best = c, best_n = n;
  }
  return best;
}

struct ColumnPlan {
  Role role = Role::kIgnore;
  std::string header;
};

struct HashSetInfo {
  std::string name;
  std::string notable;  // notable_flag as written
};

class CsvReader final : public ReaderBase {
 public:
  CsvReader(Format format, MappedInput in, const ImportOptions& options, char sep)
      : ReaderBase(format, options), in_(std::move(in)), cursor_(in_.text(), sep) {}

  Status Init() {
    switch (report_.format) {
      case Format::kIcseCsv: return InitFixed("INTERPOL ICSE CSV", IcseRole, {"MD5"});
      case Format::kNsrlRdsV2: return InitFixed("NSRL RDS v2 NSRLFile.txt", NsrlRole, {"SHA-1", "MD5"});
      case Format::kHashKeeper:
        CAIRN_RETURN_IF_ERROR(LoadHke());
        return InitFixed("HashKeeper .hsh", HashKeeperRole, {"hash"});
      default: return InitGeneric();
    }
  }

  Result<bool> Next(Entry& out) override {
    while (true) {
      uint64_t line = 0, offset = 0;
      std::vector<std::string>* fields = &fields_;
      if (pending_first_) {
        pending_first_ = false;
        fields = &first_;
        line = first_line_;
        offset = first_offset_;
      } else {
        auto o = cursor_.Next(fields_, line, offset);
        if (o == CsvCursor::Outcome::kEnd) return false;
        if (o == CsvCursor::Outcome::kUnterminated) {
          CountRecord();
          Skip({++record_no_, line, offset}, "unterminated quoted field runs to the end of the file");
          return false;
        }
      }
      CountRecord();
      in_.ReleaseBefore(offset);
      out = Entry{};
      out.provenance = {++record_no_, line, offset};
      std::string why;
      if (!Fill(*fields, out, why)) {
        Skip(out.provenance, std::move(why));
        continue;
      }
      if (Admit(out)) return true;
    }
  }

 private:
  using RoleFn = Role (*)(std::string_view header);

  static Role IcseRole(std::string_view h) {
    static const std::pair<std::string_view, Role> k[] = {
        {"MD5", Role::kMd5}, {"SHA1", Role::kSha1}, {"SHA256", Role::kSha256},
        {"PhotoDNA", Role::kVendor}, {"ZZ40", Role::kVendor}, {"Lace", Role::kVendor},
        {"Image ID", Role::kId}, {"Is distributed", Role::kDistributed},
        {"Victim identified", Role::kVictim}, {"Offender identified", Role::kOffender},
        {"Series name", Role::kSeries}, {"Baseline", Role::kIcseBaseline}};
    for (const auto& [n, r] : k) {
      if (EqualsIgnoreCase(Trim(h), n)) return r;
    }
    return Role::kExtra;
  }
  static Role NsrlRole(std::string_view h) {
    h = Trim(h);
    if (EqualsIgnoreCase(h, "SHA-1")) return Role::kSha1;
    if (EqualsIgnoreCase(h, "MD5")) return Role::kMd5;
    if (EqualsIgnoreCase(h, "FileName")) return Role::kName;
    if (EqualsIgnoreCase(h, "FileSize")) return Role::kSize;
    return Role::kIgnore;
  }
  static Role HashKeeperRole(std::string_view h) {
    h = Trim(h);
    if (EqualsIgnoreCase(h, "hash")) return Role::kHash;
    if (EqualsIgnoreCase(h, "file_name")) return Role::kName;
    if (EqualsIgnoreCase(h, "file_size")) return Role::kSize;
    if (EqualsIgnoreCase(h, "comments")) return Role::kComments;
    if (EqualsIgnoreCase(h, "hashset_id")) return Role::kHashsetId;
    return Role::kIgnore;
  }

  Status ReadHeader(std::vector<std::string>& header) {
    uint64_t line, offset;
    if (cursor_.Next(header, line, offset) != CsvCursor::Outcome::kRecord) {
      return Status::Corrupt(in_.name() + ": empty file, no header row");
    }
    return Status::Ok();
  }

  Status InitFixed(std::string detail, RoleFn fn, std::vector<std::string_view> required) {
    report_.format_detail = std::move(detail);
    std::vector<std::string> header;
    CAIRN_RETURN_IF_ERROR(ReadHeader(header));
    plan_.clear();
    for (const auto& h : header) plan_.push_back({fn(h), std::string(Trim(h))});
    for (auto req : required) {
      bool found = std::any_of(plan_.begin(), plan_.end(), [&](const ColumnPlan& p) {
        return EqualsIgnoreCase(p.header, req);
      });
      if (!found) {
        return Status::Corrupt(in_.name() + ": line 1: header lacks the '" + std::string(req) +
                               "' column of a " + report_.format_detail + " (header: '" +
                               Excerpt(in_.text().substr(0, in_.text().find('\n')), 100) + "')");
      }
    }
    return Status::Ok();
  }

  Status InitGeneric() {
    report_.format_detail = "CSV";
    const ColumnMap& map = options_.columns;
    hash64_is_pdq_ = map.hash64_is_pdq;
    scheme_ = map.scheme;
    bool by_name = false;
    for (const auto& c : map.columns) by_name |= c.index == 0;
    bool header = map.header.value_or(by_name);
    std::vector<std::string> first;
    uint64_t line = 0, offset = 0;
    const auto o = cursor_.Next(first, line, offset);
    if (o == CsvCursor::Outcome::kEnd) return Status::Corrupt(in_.name() + ": empty file");
    if (map.columns.empty()) {
      // Recognised header names.
      header = true;
      for (const auto& h : first) plan_.push_back({RoleForHeader(h).value_or(Role::kIgnore), std::string(Trim(h))});
    } else {
      size_t width = first.size();
      for (const auto& c : map.columns) width = std::max(width, static_cast<size_t>(c.index));
      plan_.assign(width, {});
      for (size_t i = 0; i < first.size(); ++i) plan_[i].header = std::string(Trim(first[i]));
      for (const auto& c : map.columns) {
        auto role = RoleForField(c.field);
        if (!role) return Status::InvalidArgument("column map: unknown field '" + c.field + "'");
        size_t at = 0;
        if (c.index > 0) {
          at = static_cast<size_t>(c.index);
        } else {
          for (size_t i = 0; i < first.size(); ++i) {
            if (EqualsIgnoreCase(Trim(first[i]), c.header)) at = i + 1;
          }
          if (at == 0) {
            return Status::InvalidArgument(in_.name() + ": column map names '" + c.header +
                                           "', which the header row does not have");
          }
        }
        plan_[at - 1].role = *role;
      }
      if (!map.header.has_value() && !by_name) {
        // Index-only map: the first row is a header when its hash column is not hex.
        for (size_t i = 0; i < plan_.size() && i < first.size(); ++i) {
          if (IsHashRole(plan_[i].role) && !IsHex(Trim(first[i]))) header = true;
        }
      }
    }
    if (!std::any_of(plan_.begin(), plan_.end(), [](const ColumnPlan& p) { return IsHashRole(p.role); })) {
      return Status::InvalidArgument(in_.name() + ": no hash column (md5, sha1, sha256, pdq or hash) " +
                                     (map.columns.empty() ? "among the header names; give a column map"
                                                          : "in the column map"));
    }
    if (!header) {
      pending_first_ = true;
      first_ = std::move(first);
      first_line_ = line;
      first_offset_ = offset;
    }
    return Status::Ok();
  }

  Status LoadHke() {
    std::filesystem::path hke = options_.hashkeeper_header;
    if (hke.empty() && !in_.path().empty()) {
      for (const char* ext : {".hke", ".HKE"}) {
        auto p = in_.path();
        p.replace_extension(ext);
        std::error_code ec;
        if (std::filesystem::exists(p, ec)) hke = p;
      }
    }
    if (hke.empty()) {
      Note("no HashKeeper .hke header beside the .hsh: hash-set names and notable flags unknown");
      return Status::Ok();
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadWholeFile(hke, 16u << 20));
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    CsvCursor c(text, ',');
    std::vector<std::string> header, row;
    uint64_t line, offset;
    if (c.Next(header, line, offset) != CsvCursor::Outcome::kRecord) {
      return Status::Corrupt(hke.string() + ": empty HashKeeper header file");
    }
    int id = -1, name = -1, notable = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      if (EqualsIgnoreCase(Trim(header[i]), "hashset_id")) id = static_cast<int>(i);
      if (EqualsIgnoreCase(Trim(header[i]), "name")) name = static_cast<int>(i);
      if (EqualsIgnoreCase(Trim(header[i]), "notable_flag")) notable = static_cast<int>(i);
    }
    if (id < 0) return Status::Corrupt(hke.string() + ": line 1: no hashset_id column (not a .hke file)");
    while (c.Next(row, line, offset) == CsvCursor::Outcome::kRecord) {
      if (static_cast<size_t>(id) >= row.size()) continue;
      HashSetInfo info;
      if (name >= 0 && static_cast<size_t>(name) < row.size()) info.name = row[name];
      if (notable >= 0 && static_cast<size_t>(notable) < row.size()) info.notable = std::string(Trim(row[notable]));
      if (sets_.size() < 100000) sets_[std::string(Trim(row[id]))] = info;
    }
    Note("HashKeeper header " + hke.filename().string() + ": " + std::to_string(sets_.size()) + " hash set(s)");
    return Status::Ok();
  }

  bool Fill(const std::vector<std::string>& f, Entry& e, std::string& why) {
    const Format fmt = report_.format;
    if (fmt == Format::kNsrlRdsV2) e.category = {CategoryScheme::kNsrl, "", "known", TriageClass::kUncategorised};
    if (fmt == Format::kIcseCsv) e.category = {CategoryScheme::kIcse, "", "listed", TriageClass::kUncategorised};
    for (size_t i = 0; i < plan_.size() && i < f.size(); ++i) {
      const std::string_view v = Trim(f[i]);
      const ColumnPlan& p = plan_[i];
      switch (p.role) {
        case Role::kIgnore: break;
        case Role::kMd5:
          if (!ParseDigestField(p.header.empty() ? "MD5" : p.header, v, e.md5, why)) return false;
          break;
        case Role::kSha1:
          if (!ParseDigestField(p.header.empty() ? "SHA1" : p.header, v, e.sha1, why)) return false;
          break;
        case Role::kSha256:
          if (!ParseDigestField(p.header.empty() ? "SHA256" : p.header, v, e.sha256, why)) return false;
          break;
        case Role::kPdq:
          if (!ParsePdqField(v, e.pdq, why)) return false;
          break;
        case Role::kQuality:
          if (!ParseQualityField(v, e.pdq_quality, why)) return false;
          break;
        case Role::kHash:
          if (v.empty()) break;
          if (v.size() == 32) {
            if (!ParseDigestField("hash", v, e.md5, why)) return false;
          } else if (v.size() == 40) {
            if (!ParseDigestField("hash", v, e.sha1, why)) return false;
          } else if (v.size() == 64 && hash64_is_pdq_) {
            if (!ParsePdqField(v, e.pdq, why)) return false;
          } else if (v.size() == 64) {
            if (!ParseDigestField("hash", v, e.sha256, why)) return false;
          } else {
            why = "hash '" + Excerpt(v) + "' has " + std::to_string(v.size()) +
                  " characters; expected 32, 40 or 64 hex digits";
            return false;
          }
          break;
        case Role::kName:
          if (!v.empty()) e.file_name = std::string(v);
          break;
        case Role::kSize:
          if (!v.empty()) {
            auto n = ParseUint(v);
            if (!n) {
              why = "size '" + Excerpt(v) + "' is not a non-negative integer";
              return false;
            }
            e.file_size = *n;
          }
          break;
        case Role::kCategory:
          e.category.scheme = scheme_;
          e.category.raw = std::string(v);
          break;
        case Role::kSeries: e.series = std::string(v); break;
        case Role::kTags: e.tags = std::string(v); break;
        case Role::kComments: e.comments = std::string(v); break;
        case Role::kId: e.source_id = std::string(v); break;
        case Role::kVictim: e.victim_identified = ParseTristate(v); break;
        case Role::kOffender: e.offender_identified = ParseTristate(v); break;
        case Role::kDistributed: e.is_distributed = ParseTristate(v); break;
        case Role::kPhotoDna:
          if (!v.empty()) e.vendor_hashes.push_back({"PhotoDNA", std::string(v)});
          break;
        case Role::kVendor:
          if (!v.empty()) e.vendor_hashes.push_back({p.header, std::string(v)});
          break;
        case Role::kExtra:
          if (!v.empty()) {
            if (!e.comments.empty()) e.comments += "; ";
            e.comments += p.header + ": " + std::string(v);
          }
          break;
        case Role::kHashsetId: {
          auto it = sets_.find(std::string(v));
          if (it != sets_.end()) {
            e.tags = it->second.name;
            e.category = {CategoryScheme::kHashKeeper, "", it->second.notable, TriageClass::kUncategorised};
          } else if (!sets_.empty()) {
            e.tags = "hashset " + std::string(v);
          }
          break;
        }
        case Role::kIcseBaseline:
          if (ParseBoolLenient(v).value_or(false)) e.category.raw = "baseline";
          break;
      }
    }
    if (e.category.scheme == CategoryScheme::kNone) e.category.raw.clear();
    return true;
  }

  MappedInput in_;
  CsvCursor cursor_;
  std::vector<ColumnPlan> plan_;
  std::vector<std::string> fields_;
  std::vector<std::string> first_;
  bool pending_first_ = false;
  uint64_t first_line_ = 0, first_offset_ = 0;
  uint64_t record_no_ = 0;
  bool hash64_is_pdq_ = false;
  CategoryScheme scheme_ = CategoryScheme::kNone;
  std::map<std::string, HashSetInfo> sets_;
};

}  // namespace

Result<std::unique_ptr<EntryReader>> MakeCsvReader(Format format, MappedInput in, const ImportOptions& options) {
  char sep = ',';
  if (format == Format::kIcseCsv) {
    // ICSE exports use ';'; re-saved copies (spreadsheets) may use ',' or tabs.
    const std::string_view first = in.text().substr(0, in.text().find('\n'));
    sep = first.find(';') != std::string_view::npos ? ';' : GuessSeparator(in.text());
  }
  if (format == Format::kGenericCsv) {
    sep = options.separator ? options.separator
                            : (options.columns.separator ? options.columns.separator : GuessSeparator(in.text()));
  }
  auto r = std::make_unique<CsvReader>(format, std::move(in), options, sep);
  CAIRN_RETURN_IF_ERROR(r->Init());
  return std::unique_ptr<EntryReader>(std::move(r));
}

}  // namespace cairn::hashset::internal
