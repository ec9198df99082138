// `cairn report --case DIR`: writes DIR/reports/ (report.html, findings.csv, vics-case.json,
// dfxml.xml) from a scanned case. See docs/SCAN.md.
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
  bool quiet = false;
};

int RunReport(const ReportArgs& a) {
  auto c = store::Case::Open(a.case_dir, /*create=*/false);
  if (!c.ok()) {
    std::fprintf(stderr, "cairn report: %s: %s\n", a.case_dir.c_str(), c.status().ToString().c_str());
    return 1;
  }
  const std::filesystem::path out = a.out.empty() ? std::filesystem::path(a.case_dir) / "reports" : std::filesystem::path(a.out);
  auto s = report::WriteReports(**c, out);
  if (!s.ok()) {
    std::fprintf(stderr, "cairn report: %s: %s\n", a.case_dir.c_str(), s.status().ToString().c_str());
    return 1;
  }
  if (!a.quiet) {
    std::fprintf(stderr, "cairn report: %llu items, %llu hits (%llu findings), %llu errors; %s\n",
                 static_cast<unsigned long long>(s->items), static_cast<unsigned long long>(s->hits),
                 static_cast<unsigned long long>(s->findings), static_cast<unsigned long long>(s->errors),
                 (out / "report.html").c_str());
  }
  return 0;
}

}  // namespace

void RegisterReportCommand(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the reports of a scanned case: DIR/reports/report.html, findings.csv,\n"
      "vics-case.json (VICS 2.0) and dfxml.xml. No images, ever. Exit status: 0 done, 1 failed.");
  cmd->add_option("--case", a->case_dir, "Case folder")->required();
  cmd->add_option("--out", a->out, "Output folder (default DIR/reports)");
  cmd->add_flag("--quiet,-q", a->quiet, "No summary on stderr");
  cmd->callback([a] { throw CommandResult{RunReport(*a)}; });
}

}  // namespace cairn::cli
