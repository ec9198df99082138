// Reports of a scanned case (tables of module "scan", docs/SCAN.md) written to DIR/reports/:
// report.html (summary, hits, errors, skipped items; never any image, every value HTML-escaped),
// findings.csv, vics-case.json (VICS 2.0 Cases export: matched media with their categories, the
// rest uncategorised) and dfxml.xml (DFXML file inventory). Reads the case, writes only into
// the output folder (each file written to a temporary name and renamed). One thread per Case.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/store/case.h"

namespace cairn::report {

struct ReportSummary {
  uint64_t items = 0;
  uint64_t hits = 0;      // items with findings
  uint64_t findings = 0;
  uint64_t errors = 0;
  std::filesystem::path dir;  // where the files were written
};

// Writes all four files into `out_dir` (created when missing).
Result<ReportSummary> WriteReports(store::Case& c, const std::filesystem::path& out_dir);

Status WriteFindingsCsv(store::Case& c, const std::filesystem::path& out);
Status WriteHtmlReport(store::Case& c, const std::filesystem::path& out);
Status WriteVicsCase(store::Case& c, const std::filesystem::path& out);
Status WriteDfxml(store::Case& c, const std::filesystem::path& out);

// Helpers shared with tests.
std::string HtmlEscape(std::string_view text);  // & < > " ' escaped
std::string XmlEscape(std::string_view text);   // the same, and control bytes dropped
std::string CsvField(std::string_view value);   // RFC 4180 quoting

}  // namespace cairn::report
