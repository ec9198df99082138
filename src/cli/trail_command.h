// `cairn trail ...`: ledger ingest, account-person links, tracing, patterns and exports.
#pragma once

#include <CLI/CLI.hpp>

namespace cairn::cli {

void RegisterTrailCommands(CLI::App& app);

}  // namespace cairn::cli
