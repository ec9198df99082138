// `cairn scan`: evidence into a case (DIR/case.db, DIR/findings.jsonl); `--resume` continues an
// interrupted or killed run. SIGINT finishes the current batch and marks the run interrupted.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cairn/hashset/library.h"
#include "cairn/scan/scan.h"
#include "cairn/store/case.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSigint(int) { g_stop.store(true); }

struct ScanArgs {
  std::vector<std::string> evidence;
  std::string case_dir;
  std::string lists_text;
  std::string home;
  int jobs = 0;
  MatchRuleArgs rule;
  double video_seconds_per_frame = 1.0;
  int vpdq_distance = 31;
  double vpdq_min_percent = 80.0;
  bool quiet = false;
  bool resume = false;
  std::string format = "jsonl";
};

int Fail(const Status& s, std::string_view what) {
  std::fprintf(stderr, "cairn scan: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               s.ToString().c_str());
  return 1;
}

void PrintProgress(const scan::ScanProgress& p) {
  const double secs = p.seconds > 0 ? p.seconds : 1e-9;
  const double fps = static_cast<double>(p.items_done) / secs;
  const double mbs = static_cast<double>(p.bytes_done) / 1e6 / secs;
  std::string eta = "?";
  if (p.items_total > 0 && fps > 0) {
    const double left = static_cast<double>(p.items_total - p.items_done) / fps;
    eta = std::to_string(static_cast<long long>(left)) + " s";
  }
  std::fprintf(stderr, "\rcairn scan: %llu/%llu items, %.1f files/s, %.1f MB/s, %llu hits, %llu errors, ETA %s   ",
               static_cast<unsigned long long>(p.items_done), static_cast<unsigned long long>(p.items_total),
               fps, mbs, static_cast<unsigned long long>(p.hits), static_cast<unsigned long long>(p.errors),
               eta.c_str());
}

int RunScan(const ScanArgs& a) {
  if (a.resume != a.evidence.empty()) {
    Fail(Status::InvalidArgument("give EVIDENCE... --lists, or --resume alone"), "usage");
    return 2;
  }
  if (!a.resume && a.lists_text.empty()) {
    Fail(Status::InvalidArgument("--lists is required for a new scan"), "usage");
    return 2;
  }
  auto opened = store::Case::Open(a.case_dir, /*create=*/!a.resume);
  if (!opened.ok()) return Fail(opened.status(), a.case_dir);
  store::Case& c = **opened;
  const std::filesystem::path home = a.home.empty() ? hashset::Library::DefaultHome() : std::filesystem::path(a.home);

  g_stop.store(false);
  struct sigaction sa {};
  sa.sa_handler = OnSigint;
  sigemptyset(&sa.sa_mask);
  struct sigaction old {};
  sigaction(SIGINT, &sa, &old);
  sigaction(SIGTERM, &sa, nullptr);

  scan::ScanHooks hooks;
  hooks.stop = &g_stop;
  if (!a.quiet) hooks.progress = PrintProgress;
  Result<scan::ScanSummary> result = [&]() -> Result<scan::ScanSummary> {
    if (a.resume) return scan::ResumeScan(c, home, hooks);
    scan::ScanRequest req;
    for (const std::string& e : a.evidence) req.evidence.emplace_back(e);
    req.lists = SplitCommaList(a.lists_text);
    req.options.jobs = a.jobs;
    req.options.threshold = a.rule.threshold;
    req.options.min_quality = a.rule.min_quality;
    req.options.dihedral = !a.rule.no_dihedral;
    req.options.fast = a.rule.fast;
    req.options.video_seconds_per_frame = a.video_seconds_per_frame;
    req.options.vpdq_distance = a.vpdq_distance;
    req.options.vpdq_min_percent = a.vpdq_min_percent;
    return scan::StartScan(c, home, req, hooks);
  }();
  sigaction(SIGINT, &old, nullptr);
  if (!a.quiet) std::fprintf(stderr, "\n");
  if (!result.ok()) return Fail(result.status(), a.case_dir);
  const std::filesystem::path findings = std::filesystem::path(a.case_dir) / "findings.jsonl";
  if (Status s = scan::WriteFindingsJsonl(c, findings); !s.ok()) return Fail(s, findings.string());
  const scan::ScanSummary& s = *result;
  if (!a.quiet) {
    std::fprintf(stderr,
                 "cairn scan: run %lld %s: %llu items (%llu already recorded), %llu hits (%llu findings), "
                 "%llu known-good, %llu empty, %llu errors; %s\n",
                 static_cast<long long>(s.run_id), s.interrupted ? "interrupted (continue with --resume)" : "complete",
                 static_cast<unsigned long long>(s.items), static_cast<unsigned long long>(s.resumed_skipped),
                 static_cast<unsigned long long>(s.hits), static_cast<unsigned long long>(s.findings),
                 static_cast<unsigned long long>(s.known_good), static_cast<unsigned long long>(s.empty),
                 static_cast<unsigned long long>(s.errors), findings.c_str());
  }
  if (s.interrupted) return 130;
  return s.errors == 0 ? 0 : 1;
}

}  // namespace

void RegisterScanCommand(CLI::App& app) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Scan evidence (folders, files, archives, raw/E01 disk images incl. deleted files) against hash\n"
      "lists into a case folder: DIR/case.db and "
      "DIR/findings.jsonl. Ctrl-C stops after the current batch; --resume continues.\n"
      "Exit status: 0 done, 1 some items failed, 2 usage, 130 interrupted.");
  cmd->add_option("evidence", a->evidence, "Folders or files to scan (read-only)");
  cmd->add_option("--case", a->case_dir, "Case folder (created when missing)")->required();
  cmd->add_option("--lists,-l", a->lists_text, "Lists: NAME or NAME@VERSION, comma-separated");
  cmd->add_option("--home", a->home, "Library folder (default $CAIRN_HOME, else ~/.local/share/cairn)");
  cmd->add_flag("--resume", a->resume, "Continue the case's last run (interrupted or killed)");
  cmd->add_option("--jobs,-j", a->jobs, "Worker threads (default: one per core)");
  AddMatchRuleOptions(cmd, a->rule);
  AddVideoRuleOptions(cmd, a->video_seconds_per_frame, a->vpdq_distance, a->vpdq_min_percent);
  cmd->add_flag("--quiet,-q", a->quiet, "No progress or summary on stderr");
  cmd->add_option("--format", a->format, "findings file format")->check(CLI::IsMember({"jsonl"}))->capture_default_str();
  cmd->callback([a] { throw CommandResult{RunScan(*a)}; });
}

}  // namespace cairn::cli
