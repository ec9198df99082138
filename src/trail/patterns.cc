#include "cairn/trail/patterns.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>

#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "cairn/trail/ledger.h"

namespace cairn::trail {

std::string_view PatternKindName(PatternKind kind) {
  switch (kind) {
    case PatternKind::kFanIn: return "fan_in";
    case PatternKind::kFanOut: return "fan_out";
    case PatternKind::kCycle: return "cycle";
    case PatternKind::kPayout: return "payout";
  }
  return "unknown";
}

namespace {

bool InRange(const Transfer& t, const PatternOptions& o) {
  return t.amount >= o.amount_min && (o.amount_max <= 0 || t.amount <= o.amount_max);
}

std::string Fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string AmountBand(const PatternOptions& o) {
  return " amount_min=" + std::to_string(o.amount_min) + " amount_max=" + std::to_string(o.amount_max);
}

void Finish(const LedgerGraph& g, Pattern* p) {
  std::sort(p->edges.begin(), p->edges.end());
  p->edges.erase(std::unique(p->edges.begin(), p->edges.end()), p->edges.end());
  p->total = 0;
  for (uint32_t e : p->edges) p->total += g.edge(e).amount;
  p->first_time = g.edge(p->edges.front()).time;
  p->last_time = g.edge(p->edges.back()).time;
}

// Sliding window over one account's transfers (in time order): emits maximal windows holding at
// least min_degree distinct counterparties that each have min_repeats transfers in the window,
// then continues after them. Self-transfers never count.
void Fans(const LedgerGraph& g, const PatternOptions& o, bool fan_in, PatternReport* r) {
  const size_t min_degree = static_cast<size_t>(std::max(o.fan_min_degree, 1));
  const int repeats = std::max(o.fan_min_repeats, 1);
  const std::string params = "window=" + std::to_string(o.fan_window) + " min_degree=" +
                             std::to_string(o.fan_min_degree) + " min_repeats=" + std::to_string(repeats) +
                             AmountBand(o);
  for (uint32_t v = 0; v < g.num_accounts(); ++v) {
    auto list = fan_in ? g.in(v) : g.out(v);
    if (list.size() < min_degree) continue;
    auto other = [&](const Transfer& e) { return fan_in ? e.from : e.to; };
    auto counts = [&](const Transfer& e) { return InRange(e, o) && other(e) != v; };
    std::unordered_map<uint32_t, int> count;
    size_t qualified = 0;  // counterparties with >= repeats transfers in the window
    size_t lo = 0;
    size_t hi = 0;  // window [lo, hi)
    while (lo < list.size()) {
      const int64_t t0 = g.edge(list[lo]).time;
      while (hi < list.size() && (o.fan_window <= 0 || g.edge(list[hi]).time - t0 <= o.fan_window)) {
        const Transfer& e = g.edge(list[hi]);
        if (counts(e) && ++count[other(e)] == repeats) ++qualified;
        ++hi;
      }
      if (qualified >= min_degree) {
        Pattern p;
        p.kind = fan_in ? PatternKind::kFanIn : PatternKind::kFanOut;
        p.accounts.push_back(v);
        std::set<uint32_t> others;
        for (size_t k = lo; k < hi; ++k) {
          const Transfer& e = g.edge(list[k]);
          if (!counts(e) || count[other(e)] < repeats) continue;
          p.edges.push_back(list[k]);
          others.insert(other(e));
        }
        p.accounts.insert(p.accounts.end(), others.begin(), others.end());
        p.detail = std::to_string(others.size()) + (fan_in ? " senders" : " receivers") +
                   (o.fan_window > 0 ? " within " + std::to_string(o.fan_window) : std::string(" in the ledger")) +
                   (repeats > 1 ? ", each with >= " + std::to_string(repeats) + " transfers" : std::string());
        p.rule = "fan_window";
        p.parameters = params;
        Finish(g, &p);
        r->patterns.push_back(std::move(p));
        if (r->patterns.size() >= o.max_patterns) return;
        count.clear();
        qualified = 0;
        lo = hi;
        continue;
      }
      const Transfer& e = g.edge(list[lo]);
      if (counts(e)) {
        auto it = count.find(other(e));
        if (it->second-- == repeats) --qualified;
        if (it->second == 0) count.erase(it);
      }
      ++lo;
    }
  }
}

bool WithinDrift(int64_t prev, int64_t next, double drift) {
  const double a = static_cast<double>(prev), b = static_cast<double>(next);
  return std::fabs(a - b) <= drift * std::max(a, b);
}

std::vector<uint32_t> SortedKey(const std::vector<uint32_t>& nodes) {
  std::vector<uint32_t> key(nodes);
  std::sort(key.begin(), key.end());
  return key;
}

struct CycleSearch {
  const LedgerGraph& g;
  const PatternOptions& o;
  PatternReport* r;
  size_t* expansions;
  std::set<std::vector<uint32_t>>* seen;  // account sets already reported (by either rule)
  bool stop = false;
  std::vector<uint32_t> path_edges, path_nodes;
  std::vector<char> on_path;

  bool Expand() {
    if (++*expansions > o.max_expansions) stop = true;
    return !stop;
  }
  void Emit(Pattern p) {
    r->patterns.push_back(std::move(p));
    if (r->patterns.size() >= o.max_patterns) stop = true;
  }
};

// Rule "cycle_time_respecting": depth-first along transfers strictly later than the previous.
void TimeRespectingCycles(CycleSearch& s) {
  const LedgerGraph& g = s.g;
  const PatternOptions& o = s.o;
  const std::string params = "max_length=" + std::to_string(o.cycle_max_length) + " max_drift=" +
                             Fmt(o.cycle_max_drift) + " max_span=" + std::to_string(o.cycle_max_span) +
                             AmountBand(o);
  std::function<void(uint32_t, int64_t, int64_t, int64_t)> dfs = [&](uint32_t v, int64_t t, int64_t amount,
                                                                      int64_t t0) {
    auto outs = g.out(v);
    auto it = std::upper_bound(outs.begin(), outs.end(), t,
                               [&](int64_t time, uint32_t e) { return time < g.edge(e).time; });
    for (; it != outs.end(); ++it) {
      if (!s.Expand()) return;
      const Transfer& e = g.edge(*it);
      if (o.cycle_max_span > 0 && e.time - t0 > o.cycle_max_span) break;
      if (!InRange(e, o) || !WithinDrift(amount, e.amount, o.cycle_max_drift)) continue;
      if (e.to == s.path_nodes.front()) {
        if (!s.seen->insert(SortedKey(s.path_nodes)).second) continue;
        Pattern p;
        p.kind = PatternKind::kCycle;
        p.accounts = s.path_nodes;
        p.edges = s.path_edges;
        p.edges.push_back(*it);
        p.detail = std::to_string(p.edges.size()) + " transfers, each later than the one before";
        p.rule = "cycle_time_respecting";
        p.parameters = params;
        Finish(g, &p);
        s.Emit(std::move(p));
        if (s.stop) return;
        continue;
      }
      if (s.on_path[e.to] || static_cast<int>(s.path_edges.size()) + 1 >= o.cycle_max_length) continue;
      s.on_path[e.to] = 1;
      s.path_nodes.push_back(e.to);
      s.path_edges.push_back(*it);
      dfs(e.to, e.time, e.amount, t0);
      s.path_edges.pop_back();
      s.path_nodes.pop_back();
      s.on_path[e.to] = 0;
      if (s.stop) return;
    }
  };
  for (uint32_t e0 = 0; e0 < g.num_transfers() && !s.stop; ++e0) {
    const Transfer& e = g.edge(e0);
    if (e.from == e.to || e.amount <= 0 || !InRange(e, o)) continue;
    s.path_nodes = {e.from, e.to};
    s.path_edges = {e0};
    s.on_path[e.from] = s.on_path[e.to] = 1;
    dfs(e.to, e.time, e.amount, e.time);
    s.on_path[e.from] = s.on_path[e.to] = 0;
  }
}

// Rule "cycle_window": depth-first over each account's transfers sorted by amount, so a hop only
// looks at transfers within the drift of the previous hop's amount; times may come in any order
// but the span of the chosen transfers stays within the window. Every account is tried as the
// start (the account where money entered the loop), so a decaying amount is followed from there.
void WindowCycles(CycleSearch& s) {
  const LedgerGraph& g = s.g;
  const PatternOptions& o = s.o;
  const double drift = std::clamp(o.cycle_window_drift, 0.0, 0.999999);
  const std::string params = "window=" + std::to_string(o.cycle_window) + " max_length=" +
                             std::to_string(o.cycle_max_length) + " max_drift=" + Fmt(drift) + AmountBand(o);
  // Per account: its in-range outgoing transfers ordered by (amount, to, time).
  std::vector<uint32_t> offsets(g.num_accounts() + 1, 0), by_amount;
  by_amount.reserve(g.num_transfers());
  for (uint32_t v = 0; v < g.num_accounts(); ++v) {
    offsets[v] = static_cast<uint32_t>(by_amount.size());
    for (uint32_t e : g.out(v)) {
      const Transfer& t = g.edge(e);
      if (t.amount > 0 && t.to != v && InRange(t, o)) by_amount.push_back(e);
    }
    std::sort(by_amount.begin() + offsets[v], by_amount.end(), [&](uint32_t a, uint32_t b) {
      const Transfer &x = g.edge(a), &y = g.edge(b);
      return std::tie(x.amount, x.to, x.time, a) < std::tie(y.amount, y.to, y.time, b);
    });
  }
  offsets[g.num_accounts()] = static_cast<uint32_t>(by_amount.size());
  auto span = [&](uint32_t v) {
    return std::span<const uint32_t>(by_amount.data() + offsets[v], offsets[v + 1] - offsets[v]);
  };
  auto fits = [&](int64_t lo, int64_t hi) { return o.cycle_window <= 0 || hi - lo <= o.cycle_window; };
  // Parallel transfers that lead to the same search: same receiver and amount, and (with a window,
  // where the time matters) the same time.
  auto same = [&](const Transfer* a, const Transfer& b) {
    return a != nullptr && a->to == b.to && a->amount == b.amount && (o.cycle_window <= 0 || a->time == b.time);
  };

  auto report = [&](int64_t tmin, int64_t tmax) {
    Pattern p;
    p.kind = PatternKind::kCycle;
    p.accounts = s.path_nodes;
    // Each hop: every parallel transfer with an amount within the drift of the chosen one, inside
    // the cycle's time span (AMLSim pays a hop in bursts of equal transfers).
    for (size_t k = 0; k < s.path_edges.size(); ++k) {
      const Transfer& chosen = g.edge(s.path_edges[k]);
      for (uint32_t e : span(chosen.from)) {
        const Transfer& t = g.edge(e);
        if (t.to == chosen.to && t.time >= tmin && t.time <= tmax && WithinDrift(chosen.amount, t.amount, drift)) {
          p.edges.push_back(e);
        }
      }
    }
    p.detail = std::to_string(s.path_edges.size()) + " hops, " + std::to_string(p.edges.size()) +
               " transfers in a span of " + std::to_string(tmax - tmin);
    p.rule = "cycle_window";
    p.parameters = params;
    Finish(g, &p);
    s.Emit(std::move(p));
  };

  std::function<void(uint32_t, int64_t, int64_t, int64_t)> dfs = [&](uint32_t v, int64_t amount, int64_t tmin,
                                                                      int64_t tmax) {
    auto outs = span(v);
    const double lo_amount = std::floor(static_cast<double>(amount) * (1.0 - drift));
    auto it = std::lower_bound(outs.begin(), outs.end(), lo_amount,
                               [&](uint32_t e, double a) { return static_cast<double>(g.edge(e).amount) < a; });
    const Transfer* last = nullptr;  // the last transfer expanded here
    for (; it != outs.end(); ++it) {
      const Transfer& e = g.edge(*it);
      if (!WithinDrift(amount, e.amount, drift)) {
        if (e.amount > amount) break;
        continue;
      }
      if (same(last, e)) continue;
      if (!s.Expand()) return;
      const int64_t nmin = std::min(tmin, e.time), nmax = std::max(tmax, e.time);
      if (!fits(nmin, nmax)) continue;
      last = &e;
      if (e.to == s.path_nodes.front()) {
        if (!s.seen->insert(SortedKey(s.path_nodes)).second) continue;
        s.path_edges.push_back(*it);
        report(nmin, nmax);
        s.path_edges.pop_back();
        if (s.stop) return;
        continue;
      }
      if (s.on_path[e.to] || static_cast<int>(s.path_edges.size()) + 1 >= o.cycle_max_length) continue;
      s.on_path[e.to] = 1;
      s.path_nodes.push_back(e.to);
      s.path_edges.push_back(*it);
      dfs(e.to, e.amount, nmin, nmax);
      s.path_edges.pop_back();
      s.path_nodes.pop_back();
      s.on_path[e.to] = 0;
      if (s.stop) return;
    }
  };
  for (uint32_t v = 0; v < g.num_accounts() && !s.stop; ++v) {
    const Transfer* last = nullptr;
    for (uint32_t e0 : span(v)) {
      const Transfer& e = g.edge(e0);
      if (same(last, e)) continue;
      last = &e;
      if (!s.Expand()) break;
      s.path_nodes = {v, e.to};
      s.path_edges = {e0};
      s.on_path[v] = s.on_path[e.to] = 1;
      dfs(e.to, e.amount, e.time, e.time);
      s.on_path[v] = s.on_path[e.to] = 0;
      if (s.stop) break;
    }
  }
}

void Payouts(const LedgerGraph& g, const PatternOptions& o, PatternReport* r) {
  for (uint32_t v = 0; v < g.num_accounts(); ++v) {
    auto ins = g.in(v);
    if (ins.size() < static_cast<size_t>(o.payout_min_count)) continue;
    std::map<uint32_t, std::vector<uint32_t>> by_payer;
    for (uint32_t e : ins) {
      const Transfer& t = g.edge(e);
      if (t.amount > 0 && t.amount <= o.payout_max_amount && t.from != v) by_payer[t.from].push_back(e);
    }
    for (auto& [payer, edges] : by_payer) {
      if (edges.size() < static_cast<size_t>(o.payout_min_count)) continue;
      std::vector<double> gaps;
      for (size_t k = 1; k < edges.size(); ++k) {
        gaps.push_back(static_cast<double>(g.edge(edges[k]).time - g.edge(edges[k - 1]).time));
      }
      double mean = 0;
      for (double x : gaps) mean += x;
      mean /= static_cast<double>(gaps.size());
      if (mean <= 0) continue;
      double var = 0;
      for (double x : gaps) var += (x - mean) * (x - mean);
      const double cv = std::sqrt(var / static_cast<double>(gaps.size())) / mean;
      if (cv > o.payout_max_gap_cv) continue;
      std::vector<int64_t> amounts;
      for (uint32_t e : edges) amounts.push_back(g.edge(e).amount);
      std::nth_element(amounts.begin(), amounts.begin() + static_cast<long>(amounts.size() / 2), amounts.end());
      Pattern p;
      p.kind = PatternKind::kPayout;
      p.accounts = {v, payer};
      p.edges = edges;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%zu credits, median %lld, mean gap %.1f, gap cv %.2f",
                    edges.size(), static_cast<long long>(amounts[amounts.size() / 2]), mean, cv);
      p.detail = buf;
      p.rule = "payout_regular";
      p.parameters = "min_count=" + std::to_string(o.payout_min_count) + " max_amount=" +
                     std::to_string(o.payout_max_amount) + " max_gap_cv=" + Fmt(o.payout_max_gap_cv);
      Finish(g, &p);
      r->patterns.push_back(std::move(p));
      if (r->patterns.size() >= o.max_patterns) return;
    }
  }
}

}  // namespace

PatternReport FindPatterns(const LedgerGraph& g, const PatternOptions& o) {
  PatternReport r;
  Fans(g, o, true, &r);
  if (r.patterns.size() < o.max_patterns) Fans(g, o, false, &r);
  size_t expansions = 0;
  std::set<std::vector<uint32_t>> seen;
  CycleSearch search{g, o, &r, &expansions, &seen, false, {}, {}, {}};
  search.on_path.assign(g.num_accounts(), 0);
  if (o.cycle_time_respecting && r.patterns.size() < o.max_patterns) TimeRespectingCycles(search);
  if (o.cycle_in_window && !search.stop && r.patterns.size() < o.max_patterns) WindowCycles(search);
  if (r.patterns.size() < o.max_patterns) Payouts(g, o, &r);
  if (expansions > o.max_expansions) {
    r.truncated = true;
    r.truncated_reason = "max_expansions=" + std::to_string(o.max_expansions);
  }
  if (r.patterns.size() >= o.max_patterns) {
    r.truncated = true;
    if (!r.truncated_reason.empty()) r.truncated_reason += ",";
    r.truncated_reason += "max_patterns=" + std::to_string(o.max_patterns);
  }
  return r;
}

Status SavePatterns(store::Case& c, const LedgerGraph& g, const PatternReport& report) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  store::Database& db = c.db();
  CAIRN_ASSIGN_OR_RETURN(store::Transaction txn, store::Transaction::Begin(db));
  CAIRN_RETURN_IF_ERROR(db.Exec("DELETE FROM trail_patterns"));
  CAIRN_ASSIGN_OR_RETURN(store::Statement ins, db.Prepare(
      "INSERT INTO trail_patterns(kind, accounts, tx_ids, total_minor, first_time, last_time, detail) "
      "VALUES(?,?,?,?,?,?,?)"));
  for (const Pattern& p : report.patterns) {
    std::string accounts = "[", txs = "[";
    for (uint32_t a : p.accounts) {
      if (accounts.size() > 1) accounts += ',';
      accounts += '"';
      for (char ch : g.name(a)) {
        if (ch == '"' || ch == '\\') accounts += '\\';
        accounts += ch;
      }
      accounts += '"';
    }
    for (uint32_t e : p.edges) {
      if (txs.size() > 1) txs += ',';
      txs += std::to_string(g.edge(e).tx_id);
    }
    CAIRN_RETURN_IF_ERROR(ins.BindText(1, PatternKindName(p.kind)));
    CAIRN_RETURN_IF_ERROR(ins.BindText(2, accounts + "]"));
    CAIRN_RETURN_IF_ERROR(ins.BindText(3, txs + "]"));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(4, p.total));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(5, p.first_time));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(6, p.last_time));
    CAIRN_RETURN_IF_ERROR(ins.BindText(7, p.detail + "; rule " + p.rule + " (" + p.parameters + ")"));
    CAIRN_RETURN_IF_ERROR(ins.Run());
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit("trail.patterns", "{\"patterns\":" + std::to_string(report.patterns.size()) + "}"));
  return txn.Commit();
}

}  // namespace cairn::trail
