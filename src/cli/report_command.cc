// `cairn report --case DIR`: writes DIR/reports/ (report.html with the scan, network and money
// sections; findings.csv, vics-case.json, dfxml.xml for a scan; network.json, money.json for chat
// exports and a ledger). See docs/SCAN.md.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cairn/report/report.h"
#include "cairn/store/case.h"
#include "commands.h"

namespace cairn::cli {
namespace {

struct ReportArgs {
  std::string case_dir;
  std::string out;
  std::string currency;
  bool quiet = false;
};

int RunReport(const ReportArgs& a) {
  auto c = store::Case::Open(a.case_dir, /*create=*/false);
  if (!c.ok()) {
    std::fprintf(stderr, "cairn report: %s: %s\n", a.case_dir.c_str(), c.status().ToString().c_str());
    return 1;
  }
  const std::filesystem::path out = a.out.empty() ? std::filesystem::path(a.case_dir) / "reports" : std::filesystem::path(a.out);
  report::ReportOptions options;
  options.currency = a.currency;
  auto s = report::WriteReports(**c, out, options);
  if (!s.ok()) {
    std::fprintf(stderr, "cairn report: %s: %s\n", a.case_dir.c_str(), s.status().ToString().c_str());
    return 1;
  }
  if (!a.quiet) {
    if (s->scan) {
      std::fprintf(stderr, "cairn report: %llu items, %llu hits (%llu findings), %llu errors; ",
                   static_cast<unsigned long long>(s->items), static_cast<unsigned long long>(s->hits),
                   static_cast<unsigned long long>(s->findings), static_cast<unsigned long long>(s->errors));
    } else {
      std::fprintf(stderr, "cairn report: no scan; ");
    }
    std::fprintf(stderr, "network %s, money %s; %s\n", s->network ? "yes" : "none", s->money ? "yes" : "none",
                 (out / "report.html").c_str());
  }
  return 0;
}

}  // namespace

void RegisterReportCommand(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the reports of a case: DIR/reports/report.html (scan hits, network and money\n"
      "sections with SVG pictures), findings.csv, vics-case.json (VICS 2.0), dfxml.xml, network.json\n"
      "and money.json, each when the case holds the data. No images, ever. Exit status: 0 done,\n"
      "1 failed.");
  cmd->add_option("--case", a->case_dir, "Case folder")->required();
  cmd->add_option("--out", a->out, "Output folder (default DIR/reports)");
  cmd->add_option("--currency", a->currency, "Money section: the currency, when the ledger holds several");
  cmd->add_flag("--quiet,-q", a->quiet, "No summary on stderr");
  cmd->callback([a] { throw CommandResult{RunReport(*a)}; });
}

}  // namespace cairn::cli
