// The CLI's commands. Each Register* adds one subcommand (or a group) to the app; its callback
// runs the command and reports the exit status by throwing CommandResult, which main() turns
// into the process exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace cairn::cli {

struct CommandResult {
  int exit_code = 0;
};

void RegisterHashCommand(CLI::App& app);

}  // namespace cairn::cli
