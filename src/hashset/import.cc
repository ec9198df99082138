// Format names, detection from content, and the dispatch from Format to reader.
#include "cairn/hashset/import.h"

#include <array>
#include <cctype>
#include <utility>

#include "readers.h"

namespace cairn::hashset {

using internal::EqualsIgnoreCase;
using internal::Excerpt;
using internal::Trim;

namespace {

constexpr std::array<std::pair<Format, std::string_view>, 15> kFormatNames = {{
    {Format::kVicsJson, "vics"},
    {Format::kCaidJson, "caid"},
    {Format::kIcseCsv, "icse"},
    {Format::kNcmecXml, "ncmec"},
    {Format::kNsrlRdsV3, "nsrl-v3"},
    {Format::kNsrlRdsV2, "nsrl-v2"},
    {Format::kHashKeeper, "hashkeeper"},
    {Format::kEncaseHash, "encase"},
    {Format::kHashsum, "hashsum"},
    {Format::kPdqList, "pdq"},
    {Format::kPytxSignals, "pytx"},
    {Format::kStopNciiJson, "stopncii"},
    {Format::kArachnidJson, "arachnid"},
    {Format::kHmaLookupJson, "hma"},
    {Format::kGenericCsv, "csv"},
}};

bool IsHexRun(std::string_view s, size_t n) {
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return s.size() == n || !std::isxdigit(static_cast<unsigned char>(s[n]));
}

std::string_view HexPrefix(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && std::isxdigit(static_cast<unsigned char>(s[n]))) ++n;
  return s.substr(0, n);
}

Detection D(Format f, std::string reason) { return {f, std::move(reason)}; }

}  // namespace

std::string_view FormatName(Format f) {
  for (const auto& [format, name] : kFormatNames) {
    if (format == f) return name;
  }
  return "csv";
}

std::optional<Format> ParseFormat(std::string_view name) {
  for (const auto& [format, n] : kFormatNames) {
    if (EqualsIgnoreCase(name, n)) return format;
  }
  static const std::pair<std::string_view, Format> kAliases[] = {
      {"md5sum", Format::kHashsum}, {"sha1sum", Format::kHashsum}, {"sha256sum", Format::kHashsum},
      {"nsrl", Format::kNsrlRdsV3}, {"rds", Format::kNsrlRdsV3}, {"vpdq", Format::kPdqList},
  };
  for (const auto& [n, f] : kAliases) {
    if (EqualsIgnoreCase(name, n)) return f;
  }
  return std::nullopt;
}

Result<ColumnMap> ParseColumnMap(std::string_view text) {
  ColumnMap map;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(',', i);
    // "sep=," is the one item whose value may be a comma.
    if (j != std::string_view::npos && text.substr(i, j - i) == "sep=") j = text.find(',', j + 1);
    if (j == std::string_view::npos) j = text.size();
    std::string_view item = text.substr(i, j - i);
    i = j + 1;
    if (Trim(item).empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("column map item '" + std::string(item) + "' lacks '='");
    }
    const std::string key = internal::ToLower(Trim(item.substr(0, eq)));
    std::string_view value = item.substr(eq + 1);
    if (key != "sep") value = Trim(value);
    if (key == "sep") {
      if (EqualsIgnoreCase(value, "tab") || value == "\\t") {
        map.separator = '\t';
      } else if (value.size() == 1) {
        map.separator = value[0];
      } else {
        return Status::InvalidArgument("column map: sep must be one character or 'tab'");
      }
    } else if (key == "scheme") {
      auto s = ParseCategoryScheme(value);
      if (!s) return Status::InvalidArgument("column map: unknown category scheme '" + std::string(value) + "'");
      map.scheme = *s;
    } else if (key == "header") {
      auto b = internal::ParseBoolLenient(value);
      if (!b) return Status::InvalidArgument("column map: header must be yes or no");
      map.header = *b;
    } else if (key == "hash64") {
      if (EqualsIgnoreCase(value, "pdq")) {
        map.hash64_is_pdq = true;
      } else if (!EqualsIgnoreCase(value, "sha256")) {
        return Status::InvalidArgument("column map: hash64 must be sha256 or pdq");
      }
    } else {
      static constexpr std::string_view kFields[] = {
          "md5", "sha1", "sha256", "pdq", "quality", "hash", "name", "size", "category", "series",
          "tags", "comments", "id", "victim", "offender", "distributed", "photodna"};
      bool known = false;
      for (auto f : kFields) known |= key == f;
      if (!known) return Status::InvalidArgument("column map: unknown field '" + key + "'");
      if (value.empty()) return Status::InvalidArgument("column map: field '" + key + "' has no column");
      ColumnMap::Column c;
      c.field = key;
      if (auto n = internal::ParseUint(value)) {
        if (*n == 0 || *n > 10000) return Status::InvalidArgument("column map: column indexes are 1-based");
        c.index = static_cast<int>(*n);
      } else {
        c.header = std::string(value);
      }
      map.columns.push_back(std::move(c));
    }
  }
  return map;
}

std::string ImportReport::Summary() const {
  std::string s = std::string(FormatName(format));
  if (!format_detail.empty()) s += " (" + format_detail + ")";
  s += ": " + std::to_string(records_read) + " read, " + std::to_string(imported) + " imported, " +
       std::to_string(skipped) + " skipped";
  if (deletions) s += ", " + std::to_string(deletions) + " deletions";
  if (zero_length_digests_ignored) s += ", " + std::to_string(zero_length_digests_ignored) + " zero-length-file digests ignored";
  if (zero_pdq_rejected) s += ", " + std::to_string(zero_pdq_rejected) + " all-zero PDQ rejected";
  if (uncategorised_unmapped) s += ", " + std::to_string(uncategorised_unmapped) + " with unmapped categories";
  return s;
}

Result<Detection> DetectFormat(std::span<const uint8_t> head_bytes, std::string_view file_name) {
  std::string_view head(reinterpret_cast<const char*>(head_bytes.data()), head_bytes.size());
  const std::string lname = internal::ToLower(file_name);
  if (head.empty()) return Status::InvalidArgument("empty file: no format to detect");
  if (head.substr(0, 8) == std::string_view("HASH\r\n\xff\0", 8)) {
    return D(Format::kEncaseHash, "starts with the EnCase .hash magic 'HASH\\r\\n\\xff\\0'");
  }
  if (head.substr(0, 16) == std::string_view("SQLite format 3\0", 16)) {
    return D(Format::kNsrlRdsV3, "an SQLite database: the only SQLite hash list Cairn reads is NSRL RDS v3");
  }
  if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") {
    return Status::Unsupported(std::string("UTF-16 ") + (head[0] == '\xFF' ? "little" : "big") +
                               "-endian text (byte-order mark): convert it to UTF-8 first "
                               "(e.g. iconv -f UTF-16 -t UTF-8)");
  }
  std::string_view t = head;
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  size_t p = 0;
  while (p < t.size() && std::isspace(static_cast<unsigned char>(t[p]))) ++p;
  t.remove_prefix(p);
  if (t.empty()) return Status::InvalidArgument("file holds only white space");
  if (t.front() == '<') {
    if (t.find("queryResult") != std::string_view::npos || t.find("hashsharing.ncmec.org") != std::string_view::npos) {
      return D(Format::kNcmecXml, "XML in the NCMEC hash-sharing namespace");
    }
    return Status::Unsupported("XML that is not an NCMEC hash-sharing document (no queryResult / "
                               "hashsharing.ncmec.org in the first bytes)");
  }
  if (t.front() == '{' || t.front() == '[') {
    for (std::string_view key : {"\"@odata.context\"", "\"odata.metadata\""}) {
      if (size_t k = t.find(key); k != std::string_view::npos) {
        size_t q1 = t.find('"', k + key.size());
        size_t q2 = q1 == std::string_view::npos ? q1 : t.find('"', q1 + 1);
        std::string url = q2 == std::string_view::npos ? "" : std::string(t.substr(q1 + 1, q2 - q1 - 1));
        return D(Format::kVicsJson, "JSON with " + std::string(key) + " " + Excerpt(url, 120));
      }
    }
    if (t.find("\"hashRecords\"") != std::string_view::npos) {
      return D(Format::kStopNciiJson, "JSON with \"hashRecords\" (StopNCII FetchHashes)");
    }
    if (t.find("\"sha256_hex\"") != std::string_view::npos || t.find("\"sha1_base32\"") != std::string_view::npos) {
      return D(Format::kArachnidJson, "JSON with sha256_hex / sha1_base32 (Arachnid Shield)");
    }
    if (t.find("\"bank\"") != std::string_view::npos && t.find("\"signal\"") != std::string_view::npos) {
      return D(Format::kHmaLookupJson, "JSON with \"signal\" and \"bank\" (HMA lookup answer)");
    }
    if (t.front() == '[' && t.find("\"MD5\"") != std::string_view::npos) {
      return D(Format::kVicsJson, "JSON array of objects with \"MD5\" (VICS Media without OData wrapper)");
    }
    return Status::Unsupported("JSON without @odata.context / odata.metadata (VICS), hashRecords (StopNCII) "
                               "or sha256_hex (Arachnid)");
  }
  // Text: the first line that is not blank or a '#' comment.
  internal::LineCursor lines(t);
  std::string_view line;
  uint64_t ln = 0, off = 0;
  int data_lines = 0;
  while (lines.Next(line, ln, off)) {
    std::string_view l = Trim(line);
    if (l.empty() || l.front() == '#') continue;
    ++data_lines;
    const std::string lower = internal::ToLower(l);
    if (internal::StartsWithIgnoreCase(l, "\"SHA-1\",\"MD5\"")) {
      return D(Format::kNsrlRdsV2, "header \"SHA-1\",\"MD5\",... of an NSRL RDS v2 NSRLFile.txt");
    }
    if (internal::StartsWithIgnoreCase(l, "\"file_id\",\"hashset_id\"")) {
      return D(Format::kHashKeeper, "header \"file_id\",\"hashset_id\",... of a HashKeeper .hsh");
    }
    for (std::string_view side : {"\"ProductCode\"", "\"OpSystemCode\"", "\"MfgCode\""}) {
      if (internal::StartsWithIgnoreCase(l, side)) {
        return Status::Unsupported("an NSRL RDS v2 " + std::string(side) +
                                   " side table: it carries no hashes; import NSRLFile.txt");
      }
    }
    if (internal::StartsWithIgnoreCase(l, "\"hashset_id\",\"name\"")) {
      return Status::Unsupported("a HashKeeper .hke header file: import the .hsh hash file beside it");
    }
    if (lower.find("md5") != std::string::npos &&
        (lower.find("image id") != std::string::npos || lower.find("victim identified") != std::string::npos)) {
      return D(Format::kIcseCsv, "header with MD5 and ICSE columns (Image ID, Victim identified)");
    }
    for (std::string_view algo : {"MD5 (", "SHA1 (", "SHA256 (", "SHA-256 (", "SHA2-256 ("}) {
      if (l.substr(0, algo.size()) == algo && l.find(") = ") != std::string_view::npos) {
        return D(Format::kHashsum, "BSD-style '" + std::string(algo) + "name) = HEX' lines");
      }
    }
    std::string_view body = l.front() == '\\' ? l.substr(1) : l;
    const std::string_view hex = HexPrefix(body);
    const std::string_view rest = body.substr(hex.size());
    if ((hex.size() == 32 || hex.size() == 40 || hex.size() == 64) && rest.size() >= 2 &&
        (rest.substr(0, 2) == "  " || rest.substr(0, 2) == " *")) {
      return D(Format::kHashsum, std::to_string(hex.size()) + "-hex digest, two-character separator and a name "
                                 "(md5sum/sha1sum/sha256sum)");
    }
    if (hex.size() == 64 && (rest.empty() || rest.front() == ',')) {
      return D(Format::kPdqList, "64-hex lines without a file name (PDQ list; sha256sum lines carry a name)");
    }
    if ((hex.size() == 32 || hex.size() == 40) && rest.empty()) {
      return D(Format::kHashsum, "bare " + std::to_string(hex.size()) + "-hex digests, one per line");
    }
    {
      // vPDQ: frame,quality,hash,seconds
      size_t c1 = l.find(','), c2 = c1 == std::string_view::npos ? c1 : l.find(',', c1 + 1);
      if (c2 != std::string_view::npos && IsHexRun(l.substr(c2 + 1), 64) && internal::ParseUint(l.substr(0, c1))) {
        return D(Format::kPdqList, "'frame,quality,hash,seconds' lines (vPDQ)");
      }
    }
    {
      const size_t sp = l.find(' ');
      if (sp != std::string_view::npos && sp < 24) {
        const std::string_view type = l.substr(0, sp);
        static constexpr std::string_view kTypes[] = {"pdq", "video_md5", "photo_md5", "md5", "raw_text", "url",
                                                      "video_tmk_pdqf", "vpdq"};
        for (auto k : kTypes) {
          if (type == k) return D(Format::kPytxSignals, "'" + std::string(k) + " <value>' lines (python-threatexchange)");
        }
      }
    }
    // A delimited header naming a hash column.
    for (std::string_view name : {"md5", "sha1", "sha-1", "sha256", "sha-256", "pdq", "hash"}) {
      const size_t at = lower.find(name);
      if (at != std::string::npos && (l.find(',') != std::string_view::npos || l.find('\t') != std::string_view::npos ||
                                      l.find(';') != std::string_view::npos || l.find('|') != std::string_view::npos)) {
        return D(Format::kGenericCsv, "delimited header naming a '" + std::string(name) + "' column (generic CSV)");
      }
    }
    if (data_lines >= 1) break;
  }
  (void)lname;
  return Status::Unsupported("text in no known hash-list layout (first line: '" + Excerpt(Trim(line), 80) + "')");
}

Result<Detection> DetectFormat(const std::filesystem::path& path) {
  CAIRN_ASSIGN_OR_RETURN(internal::MappedInput in, internal::MappedInput::Open(path));
  const std::string_view t = in.text();
  auto r = DetectFormat(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(t.data()), std::min<size_t>(t.size(), 64 * 1024)),
                        path.filename().string());
  if (!r.ok()) return r.status().WithContext(path.string());
  return r;
}

namespace {

Result<std::unique_ptr<EntryReader>> Dispatch(Format format, internal::MappedInput in, const ImportOptions& options) {
  switch (format) {
    case Format::kVicsJson: return internal::MakeVicsReader(std::move(in), options, false);
    case Format::kCaidJson: return internal::MakeVicsReader(std::move(in), options, true);
    case Format::kIcseCsv:
    case Format::kNsrlRdsV2:
    case Format::kHashKeeper:
    case Format::kGenericCsv: return internal::MakeCsvReader(format, std::move(in), options);
    case Format::kNcmecXml: return internal::MakeNcmecReader(std::move(in), options);
    case Format::kEncaseHash: return internal::MakeEncaseReader(std::move(in), options);
    case Format::kHashsum:
    case Format::kPdqList:
    case Format::kPytxSignals: return internal::MakeLineReader(format, std::move(in), options);
    case Format::kStopNciiJson:
    case Format::kArachnidJson:
    case Format::kHmaLookupJson: return internal::MakeApiJsonReader(format, std::move(in), options);
    case Format::kNsrlRdsV3: break;
  }
  return Status::Unsupported(in.name() + ": NSRL RDS v3 is an SQLite database and is read from a file");
}

Result<Format> Choose(const internal::MappedInput& in, const ImportOptions& options) {
  if (options.format) return *options.format;
  const std::string_view t = in.text();
  auto d = DetectFormat(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(t.data()), std::min<size_t>(t.size(), 64 * 1024)),
                        in.path().filename().string());
  if (!d.ok()) return d.status().WithContext(in.name());
  return d->format;
}

}  // namespace

Result<std::unique_ptr<EntryReader>> OpenReader(const std::filesystem::path& path, const ImportOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(internal::MappedInput in, internal::MappedInput::Open(path));
  CAIRN_ASSIGN_OR_RETURN(Format format, Choose(in, options));
  if (format == Format::kNsrlRdsV3) return internal::MakeNsrlV3Reader(path, options);
  return Dispatch(format, std::move(in), options);
}

Result<std::unique_ptr<EntryReader>> OpenReaderFromBytes(std::span<const uint8_t> bytes, const ImportOptions& options,
                                                         std::string name) {
  internal::MappedInput in = internal::MappedInput::Borrow(bytes, std::move(name));
  CAIRN_ASSIGN_OR_RETURN(Format format, Choose(in, options));
  return Dispatch(format, std::move(in), options);
}

Result<ImportReport> ImportFile(const std::filesystem::path& path, const ImportOptions& options,
                                const std::function<Status(const Entry&)>& sink) {
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<EntryReader> reader, OpenReader(path, options));
  Entry e;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool more, reader->Next(e));
    if (!more) break;
    CAIRN_RETURN_IF_ERROR(sink(e));
  }
  return reader->report();
}

}  // namespace cairn::hashset
