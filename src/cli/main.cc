// cairn: the command-line front end. Each command is a thin layer over a module; see
// `cairn --help` and docs/CLI.md. Errors become a message naming the input and a non-zero exit:
// 1 when the command ran but some input failed, 2 for usage errors.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "commands.h"
#include "trail_command.h"

namespace cairn::cli {
void RegisterExtractCommand(CLI::App& app);  // extract_command.cc
void RegisterAuditCommand(CLI::App& app);    // audit_command.cc
}  // namespace cairn::cli

int main(int argc, char** argv) {
  CLI::App app{"Cairn: find known material on seized media, map the network, follow the money."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cairn 0.1.0");
  cairn::cli::RegisterHashCommand(app);
  cairn::cli::RegisterHashsetCommand(app);
  cairn::cli::RegisterMatchCommand(app);
  cairn::cli::RegisterScanCommand(app);
  cairn::cli::RegisterReportCommand(app);
  cairn::cli::RegisterTrailCommands(app);
  cairn::cli::RegisterExtractCommand(app);
  cairn::cli::RegisterNetCommand(app);
  cairn::cli::RegisterAuditCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const cairn::cli::CommandResult& result) {
    return result.exit_code;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cairn: %s\n", e.what());
    return 1;
  }
  return 0;
}
