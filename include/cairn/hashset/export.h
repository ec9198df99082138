// Writers for hash lists: VICS 2.0 JSON (Media list), CSV (columns in docs/HASHLISTS.md), PDQ
// list and md5sum. Each writes records to its std::ostream as they come (nothing is buffered
// beyond one record), so exports of any size run in constant memory. Finish() closes the document
// and reports what was left out (e.g. entries without an MD5 in an md5sum export). One writer
// per stream, one thread at a time; the stream must outlive the writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/hashset/entry.h"

namespace cairn::hashset {

enum class ExportFormat : uint8_t { kVics20, kCsv, kPdqList, kMd5sum };
std::string_view ExportFormatName(ExportFormat f);  // "vics", "csv", "pdq", "md5sum"
std::optional<ExportFormat> ParseExportFormat(std::string_view name);

struct ExportStats {
  uint64_t written = 0;
  uint64_t left_out = 0;  // entries the format cannot carry (no MD5 for md5sum, no PDQ, deletions)
};

class EntryWriter {
 public:
  virtual ~EntryWriter() = default;
  virtual Status Write(const Entry& entry) = 0;
  // Completes the document (closing brackets) and flushes. Call once; Write after it is a bug.
  virtual Status Finish() = 0;
  virtual const ExportStats& stats() const = 0;
};

struct ExportOptions {
  // VICS: the profile segment of @odata.context ("Default", "US", "UK" or a custom name); empty
  // picks it from the first entry's category scheme, else "Default".
  std::string vics_profile;
};

std::unique_ptr<EntryWriter> MakeWriter(ExportFormat format, std::ostream& out,
                                        const ExportOptions& options = {});

// The CSV header row the kCsv writer emits (also documented in docs/HASHLISTS.md).
std::string_view CsvExportHeader();

}  // namespace cairn::hashset
