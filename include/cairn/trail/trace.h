// Trace: follow money forward from (or backward to) a set of accounts over a LedgerGraph.
// Two answers per trace: (1) reachability over time-respecting walks (each transfer strictly
// later than the one before, at most max_hops, through followed transfers only), and (2) FIFO
// attribution (Clayton's rule, precomputed in LedgerGraph) of exactly how many minor units of the
// starting money reached, stayed at, or came from each account, with the transfer chains that
// carry it. Both are capped (max_expansions, max_pieces) and say so. Pure function; thread-safe.
// Semantics in docs/TRAIL.md; checked against brute force in tests/trail/trace_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/trail/graph.h"

namespace cairn::trail {

enum class Direction { kForward, kBackward };

struct TraceOptions {
  Direction direction = Direction::kForward;
  int max_hops = 3;
  std::optional<int64_t> since;   // transfers before are not followed (inclusive bound)
  std::optional<int64_t> until;   // transfers after are not followed (inclusive bound)
  int64_t min_amount = 0;         // transfers below (minor units) are not followed
  // Also enumerate every time-respecting reachable account (TraceResult::reachable). It is the
  // costly half of a trace from a busy account (it explores all walks, not only where FIFO money
  // went); switch it off when only the money is wanted.
  bool reachability = true;
  size_t max_expansions = 2'000'000;  // reachability: transfer relaxations
  size_t max_pieces = 500'000;        // FIFO: traced fragments of transfers
  size_t max_paths = 50;              // explaining paths reported, largest first
  size_t max_paths_per_endpoint = 3;
};

// One account's share of the traced money. Forward: `traced` arrived at the account; it ends
// there as `terminal` = retained (still there at the end of the ledger) + beyond_hops (left by a
// transfer past max_hops) + unfollowed (left by a transfer outside since/until/min_amount) +
// returned (arrived back at a start account) + cut (dropped by max_pieces). Backward: `traced`
// left the account toward the targets; `retained` is the part it paid from its own funds (the
// money originated there), the rest came from further back.
struct AccountFlow {
  uint32_t account = 0;
  int min_hops = 0;       // fewest transfers between this account and the start set (FIFO chains)
  int64_t traced = 0;
  int64_t terminal = 0;
  int64_t retained = 0;   // forward: still held; backward: originated (own funds)
  int64_t beyond_hops = 0;
  int64_t unfollowed = 0;
  int64_t returned = 0;
  int64_t cut = 0;
};

struct ReachedAccount {
  uint32_t account = 0;
  int min_hops = 0;
  int64_t best_time = 0;  // forward: earliest arrival; backward: latest departure
};

struct TracedPath {
  std::vector<uint32_t> edges;  // in money-flow (time) order
  int64_t amount = 0;           // units carried along the whole chain that end at `account`
  uint32_t account = 0;         // forward: where it ends; backward: where it originated
};

struct EdgeFlow {
  uint32_t edge = 0;
  int64_t amount = 0;  // traced units carried by this transfer
};

struct TraceResult {
  std::vector<uint32_t> start;       // the start (forward) or target (backward) accounts
  int64_t start_amount = 0;          // units leaving (forward) / entering (backward) the start set
  std::vector<AccountFlow> accounts; // ranked: terminal desc, traced desc, name
  std::vector<TracedPath> paths;     // largest first
  std::vector<EdgeFlow> subgraph;    // transfers carrying traced money, in edge order
  std::vector<ReachedAccount> reachable;  // by account index (empty unless options.reachability)
  bool truncated = false;
  std::string truncated_reason;      // e.g. "max_pieces=500000"
};

Result<TraceResult> Trace(const LedgerGraph& graph, std::span<const uint32_t> start,
                          const TraceOptions& options);

}  // namespace cairn::trail
