// Laundering and payout patterns over a LedgerGraph: fan-in and fan-out (many distinct
// counterparties within a time window, optionally each paying repeatedly), cycles found by two
// rules — "cycle_time_respecting" (money flowing round: each hop strictly later) and
// "cycle_window" (AMLSim's cycle typology: a closed loop of near-equal amounts whose transfers lie
// in one time window, in any order; IBM/AMLSim CycleTypology) — and the per-view payout. Every
// pattern names its rule and parameters. Options and defaults: docs/TRAIL.md. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/trail/graph.h"

namespace cairn::store {
class Case;
}

namespace cairn::trail {

struct PatternOptions {
  // Only transfers with amount_min <= amount <= amount_max (minor units; 0 = no upper bound)
  // take part in fan-in, fan-out and cycle patterns (e.g. small "structuring" transfers).
  int64_t amount_min = 1;
  int64_t amount_max = 0;
  // Fan-in / fan-out (rule "fan_window"): at least fan_min_degree distinct senders (receivers)
  // within fan_window time units (steps, or seconds for calendar ledgers; 0 = the whole ledger),
  // counting only counterparties with at least fan_min_repeats transfers in that window.
  int fan_min_degree = 5;
  int64_t fan_window = 10;
  int fan_min_repeats = 1;
  // Cycles: 2..cycle_max_length transfers returning to the first account, no account twice.
  int cycle_max_length = 6;
  // Rule "cycle_time_respecting": each transfer strictly later than the one before; each hop's
  // amount within cycle_max_drift (fraction) of the previous hop's; the whole cycle within
  // cycle_max_span time units (0 = no limit).
  bool cycle_time_respecting = true;
  double cycle_max_drift = 0.2;
  int64_t cycle_max_span = 0;
  // Rule "cycle_window": the transfers may come in any order but lie within cycle_window time
  // units of each other (0 = the whole ledger); each hop's amount within cycle_window_drift of the
  // previous hop's along the cycle, read from the account where the money entered (so decaying
  // amounts are found). All parallel transfers of a hop with such an amount inside the cycle's
  // time span belong to the pattern. A set of accounts is reported once (time-respecting first).
  bool cycle_in_window = true;
  int64_t cycle_window = 0;
  double cycle_window_drift = 0.02;
  // Payout (rule "payout_regular"): at least payout_min_count transfers from one payer to one
  // account, each at most payout_max_amount minor units, with the gaps between them regular:
  // coefficient of variation (stddev / mean) of the gaps at most payout_max_gap_cv.
  int payout_min_count = 10;
  int64_t payout_max_amount = 10000;
  double payout_max_gap_cv = 0.5;
  // Work caps: stop and say so.
  size_t max_patterns = 100000;
  size_t max_expansions = 50'000'000;
};

enum class PatternKind { kFanIn, kFanOut, kCycle, kPayout };
std::string_view PatternKindName(PatternKind kind);  // "fan_in", "fan_out", "cycle", "payout"

struct Pattern {
  PatternKind kind = PatternKind::kCycle;
  // fan_in/payout: the receiving account first; fan_out: the sender first; cycle: in order.
  std::vector<uint32_t> accounts;
  std::vector<uint32_t> edges;  // the transfers that make it, in time order
  int64_t total = 0;            // minor units over those transfers
  int64_t first_time = 0;
  int64_t last_time = 0;
  std::string detail;           // e.g. "12 credits, median 4900, gap cv 0.08"
  std::string rule;             // "fan_window", "cycle_time_respecting", "cycle_window", "payout_regular"
  std::string parameters;       // the rule's thresholds, e.g. "window=10 min_degree=5 min_repeats=1 ..."
};

struct PatternReport {
  std::vector<Pattern> patterns;  // by kind, then first account
  bool truncated = false;
  std::string truncated_reason;
};

PatternReport FindPatterns(const LedgerGraph& graph, const PatternOptions& options);

// Replaces the case's trail_patterns rows with `report` (one transaction, audit-logged). The table
// has no rule column: `detail` is stored as "<detail>; rule <rule> (<parameters>)".
Status SavePatterns(store::Case& c, const LedgerGraph& graph, const PatternReport& report);

}  // namespace cairn::trail
