// MoneyFlowSvg: a self-contained SVG flow diagram of one trace, for the money section of
// `cairn report` and `cairn trail trace --svg`. Accounts are boxes in columns by hop distance
// (money flows left to right), transfers carrying traced money are lines whose width grows with
// the traced amount; flagged accounts are outlined in red. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "cairn/trail/graph.h"
#include "cairn/trail/trace.h"

namespace cairn::trail {

// Shows the start accounts and up to `max_accounts` others with the most traced money.
std::string MoneyFlowSvg(const LedgerGraph& graph, const TraceResult& trace, bool forward,
                         const std::map<std::string, std::string>& flagged, size_t max_accounts = 40);

}  // namespace cairn::trail
