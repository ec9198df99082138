// Reports of a case written to DIR/reports/: report.html (scan summary, hits, errors, skipped
// items; the network section with its group–person picture; the money section with its flow
// diagrams — inline SVG, never any image, every value HTML-escaped), findings.csv, vics-case.json
// (VICS 2.0 Cases export), dfxml.xml (DFXML inventory), network.json and money.json (docs/SCAN.md).
// Reads the case (net and trail bring their schemas up to date first), writes only into the
// output folder (each file written to a temporary name and renamed). One thread per Case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/store/case.h"

namespace cairn::report {

struct ReportOptions {
  std::string currency;         // money section: which currency when the ledger holds several
  size_t network_people = 150;  // people drawn one by one in the network picture
  int trace_hops = 3;           // money section: hops of the traces around flagged accounts
};

struct ReportSummary {
  uint64_t items = 0;
  uint64_t hits = 0;      // items with findings
  uint64_t findings = 0;
  uint64_t errors = 0;
  bool scan = false;      // the case holds a scan (findings.csv, vics-case.json, dfxml.xml written)
  bool network = false;   // ... chat exports (network.json written)
  bool money = false;     // ... a ledger (money.json written)
  std::filesystem::path dir;  // where the files were written
};

// Writes report.html and every other file the case has data for into `out_dir` (created when
// missing). kNotFound when the case holds no scan, no chat exports and no ledger.
Result<ReportSummary> WriteReports(store::Case& c, const std::filesystem::path& out_dir,
                                   const ReportOptions& options = {});

// One section of report.html built from another module's tables. `present` is false when the
// case holds none of its data; `html` then says so ("no chat exports ingested").
struct Section {
  bool present = false;
  std::string html;  // from <h2> on; SVG pictures inline
  std::string json;  // network.json / money.json (empty when !present)
};
// Network: groups, people, messages, countries attributed by number, top distributors with their
// known-material hits, posts of known material (list, rule, distance, threshold), linked groups,
// hosting platforms, and the group–person picture (net::NetworkSvg). JSON: net summary fields.
Result<Section> BuildNetworkSection(store::Case& c, const ReportOptions& options = {});
// Money: accounts, transfers, linked persons (reason, confidence), flagged accounts, patterns
// (cairn trail patterns' default thresholds), and the largest flows out of and into accounts
// linked to people with known-material hits, with trail::MoneyFlowSvg diagrams of both traces.
Result<Section> BuildMoneySection(store::Case& c, const ReportOptions& options = {});

Status WriteFindingsCsv(store::Case& c, const std::filesystem::path& out);
Status WriteHtmlReport(store::Case& c, const std::filesystem::path& out, const ReportOptions& options = {});
Status WriteVicsCase(store::Case& c, const std::filesystem::path& out);
Status WriteDfxml(store::Case& c, const std::filesystem::path& out);

}  // namespace cairn::report
