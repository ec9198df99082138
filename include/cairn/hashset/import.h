// Importers for every hash-list format Cairn reads. An EntryReader pulls one Entry at a time from
// a memory-mapped file (or a caller's buffer), so memory stays bounded by the largest record plus
// the mapped pages the kernel may drop at will; it skips what it cannot use and says why in its
// ImportReport. DetectFormat names the format from content (and the file name), with the reason;
// an explicit ImportOptions::format always wins. A reader is one stream: use it from one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/hashset/category.h"
#include "cairn/hashset/entry.h"

namespace cairn::hashset {

enum class Format : uint8_t {
  kVicsJson,      // Project VIC VICS 1.2 / 1.3 / 2.0 OData JSON (Media lists and Case exports)
  kCaidJson,      // UK CAID / NIST CAID in the VICS 1.2 JSON model (categories are CAID A/B/C)
  kIcseCsv,       // INTERPOL ICSE export, ';' separated
  kNcmecXml,      // NCMEC hash-sharing API v2 queryResult (entries and deletions)
  kNsrlRdsV3,     // NIST NSRL RDS v3 SQLite database (known software files)
  kNsrlRdsV2,     // NIST NSRL RDS v2 NSRLFile.txt (quoted CSV)
  kHashKeeper,    // HashKeeper .hsh hash file (with its .hke header beside it when present)
  kEncaseHash,    // EnCase v4-v6 binary .hash
  kHashsum,       // md5sum / sha1sum / sha256sum output, GNU or BSD style
  kPdqList,       // PDQ hashes, one per line, optional ",quality"; vPDQ frame lines
  kPytxSignals,   // python-threatexchange local file: "<signal_type> <value>" per line
  kStopNciiJson,  // StopNCII FetchHashes response page
  kArachnidJson,  // Arachnid Shield /v1/media response(s)
  kHmaLookupJson, // Hasher-Matcher-Actioner /m/lookup answer (layout sketched, unverified)
  kGenericCsv,    // any delimited text with a ColumnMap
};
std::string_view FormatName(Format f);  // "vics", "icse", "ncmec", "nsrl-v3", ...
std::optional<Format> ParseFormat(std::string_view name);

// Which column holds what, for kGenericCsv. Text form (ParseColumnMap):
//   "md5=MD5,sha1=3,pdq=PDQ Hash,category=Cat,scheme=vics-us,sep=;,header=yes"
// Columns are header names (case-insensitive) or 1-based indexes. Fields: md5 sha1 sha256 pdq
// quality hash (type by length; 64 hex digits mean `hash64`, sha256 unless hash64=pdq) name size
// category series tags comments id victim offender distributed photodna. Options: scheme (the
// category scheme), sep (one character or "tab"), header (yes/no; default yes when any column
// is named, else no), hash64 (sha256|pdq).
struct ColumnMap {
  struct Column {
    std::string field;   // "md5", "category", ...
    std::string header;  // header name, or empty when given by index
    int index = 0;       // 1-based, 0 when given by name
  };
  std::vector<Column> columns;
  CategoryScheme scheme = CategoryScheme::kNone;
  char separator = 0;          // 0: from the options or auto (',' ';' tab '|')
  std::optional<bool> header;  // nullopt: as documented above
  bool hash64_is_pdq = false;
};
Result<ColumnMap> ParseColumnMap(std::string_view text);

struct ImportOptions {
  std::optional<Format> format;  // nullopt: DetectFormat
  ColumnMap columns;             // kGenericCsv only; empty: built from recognised header names
  char separator = 0;            // kGenericCsv; 0: ColumnMap's, else auto
  // Category given to entries of formats without one (md5sum, PDQ lists, generic CSV without a
  // category column); scheme kNone leaves them uncategorised.
  Category default_category;
  std::vector<CategoryRule> category_overrides;
  size_t max_skip_details = 1000;  // skipped records listed individually; the rest only counted
  // kHashKeeper: the .hke header file; empty looks for <same stem>.hke beside the .hsh.
  std::filesystem::path hashkeeper_header;
};

struct SkippedRecord {
  Provenance where;
  std::string reason;
};

struct UnmappedCategory {
  CategoryScheme scheme;
  std::string raw;
  uint64_t count = 0;
};

// What an import read, kept and dropped. Invariant once the reader is done:
// records_read == imported + skipped.
struct ImportReport {
  Format format = Format::kGenericCsv;
  std::string format_detail;  // "VICS 2.0 US Media", "md5sum (GNU)", ...
  uint64_t records_read = 0;
  uint64_t imported = 0;
  uint64_t deletions = 0;  // imported entries of kind kDelete (part of imported)
  uint64_t skipped = 0;
  std::vector<SkippedRecord> skips;  // first max_skip_details skipped records
  uint64_t skips_not_listed = 0;     // skipped beyond the listed ones
  uint64_t zero_length_digests_ignored = 0;  // digests of the empty file dropped from entries
  uint64_t zero_pdq_rejected = 0;            // all-zero PDQ hashes dropped from entries
  uint64_t uncategorised_unmapped = 0;       // entries whose (scheme, raw) had no table row
  std::vector<UnmappedCategory> unmapped;    // distinct unmapped pairs (first 100)
  std::vector<std::string> notes;            // file-level remarks (header counts, layout caveats)

  std::string Summary() const;  // one line: "vics: 4 read, 3 imported, 1 skipped, ..."
};

class EntryReader {
 public:
  virtual ~EntryReader() = default;
  // Fills `out` with the next entry and returns true; false at the end of the input. A non-OK
  // status means the input cannot be read any further (not a format at all, truncated beyond
  // recovery): entries returned before it stay valid, and the status names file and place.
  virtual Result<bool> Next(Entry& out) = 0;
  virtual const ImportReport& report() const = 0;
};

struct Detection {
  Format format;
  std::string reason;  // "JSON with @odata.context .../2.0.xml/US/$metadata#Media"
};
// Detects from the first bytes (up to 64 KiB are enough) and the file name (may be empty).
Result<Detection> DetectFormat(std::span<const uint8_t> head, std::string_view file_name = {});
Result<Detection> DetectFormat(const std::filesystem::path& path);

// Opens `path` read-only and returns a reader positioned before the first entry.
Result<std::unique_ptr<EntryReader>> OpenReader(const std::filesystem::path& path,
                                                const ImportOptions& options = {});
// The same over a caller's buffer, which must outlive the reader (kNsrlRdsV3 needs a file).
Result<std::unique_ptr<EntryReader>> OpenReaderFromBytes(std::span<const uint8_t> bytes,
                                                         const ImportOptions& options = {},
                                                         std::string name = "<memory>");

// Reads everything, calling `sink` per entry (return a non-OK Status to stop). Returns the report,
// or the first error of the reader or the sink.
Result<ImportReport> ImportFile(const std::filesystem::path& path, const ImportOptions& options,
                                const std::function<Status(const Entry&)>& sink);

}  // namespace cairn::hashset
