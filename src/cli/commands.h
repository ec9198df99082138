// The CLI's commands. Each Register* adds one subcommand (or a group) to the app; its callback
// runs the command and reports the exit status by throwing CommandResult, which main() turns
// into the process exit code.
#pragma once

#include <CLI/CLI.hpp>

#include "cairn/core/status.h"

namespace cairn::cli {

struct CommandResult {
  int exit_code = 0;
};

// The PDQ rule's options, shared by every command that matches against lists (match, scan).
struct MatchRuleArgs {
  int threshold = 31;
  int min_quality = 50;
  bool no_dihedral = false;
  bool fast = false;
};
void AddMatchRuleOptions(CLI::App* cmd, MatchRuleArgs& args);
// --video-seconds-per-frame, --vpdq-distance, --vpdq-min-percent (match and scan).
void AddVideoRuleOptions(CLI::App* cmd, double& seconds_per_frame, int& vpdq_distance,
                         double& vpdq_min_percent);

void RegisterHashCommand(CLI::App& app);
void RegisterHashsetCommand(CLI::App& app);
void RegisterMatchCommand(CLI::App& app);
void RegisterScanCommand(CLI::App& app);    // scan_command.cc
void RegisterReportCommand(CLI::App& app);  // report_command.cc
void RegisterNetCommand(CLI::App& app);     // net_command.cc

// In a command's Run function: `lhs = value of expr`, or print the error and return exit code 1.
#define CAIRN_ASSIGN_OR_RETURN_CLI(lhs, expr, what)                                  \
  auto CAIRN_CONCAT_(cli_result_, __LINE__) = (expr);                                \
  if (!CAIRN_CONCAT_(cli_result_, __LINE__).ok())                                     \
    return Fail(CAIRN_CONCAT_(cli_result_, __LINE__).status(), what);                \
  lhs = std::move(CAIRN_CONCAT_(cli_result_, __LINE__)).value()

}  // namespace cairn::cli
