// Writers for the ledger graph: GraphML, GEXF 1.3, CSV (one transfer per row) and JSON (one
// document with accounts and transfers). Accounts linked to a flagged person carry flagged=true.
// Amounts are integer minor units; times are as stored (steps or UTC seconds, plus ISO text).
// Writes to a caller-owned stream; pure otherwise. Field names are stable (docs/TRAIL.md).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/trail/graph.h"

namespace cairn::trail {

enum class ExportFormat { kGraphMl, kGexf, kCsv, kJson };
Result<ExportFormat> ParseExportFormat(std::string_view name);  // graphml, gexf, csv, json

// `flagged`: account name → reason (FlaggedAccounts()).
Status WriteExport(const LedgerGraph& graph, const std::map<std::string, std::string>& flagged,
                   ExportFormat format, std::ostream& out);

}  // namespace cairn::trail
