#include "cairn/trail/patterns.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
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

void Finish(const LedgerGraph& g, Pattern* p) {
  std::sort(p->edges.begin(), p->edges.end());
  p->total = 0;
  for (uint32_t e : p->edges) p->total += g.edge(e).amount;
  p->first_time = g.edge(p->edges.front()).time;
  p->last_time = g.edge(p->edges.back()).time;
}

// Sliding window over one account's transfers (in time order): emits maximal windows holding at
// least min_degree distinct counterparties, then continues after them.
void Fans(const LedgerGraph& g, const PatternOptions& o, bool fan_in, PatternReport* r) {
  for (uint32_t v = 0; v < g.num_accounts(); ++v) {
    auto list = fan_in ? g.in(v) : g.out(v);
    if (list.size() < static_cast<size_t>(o.fan_min_degree)) continue;
    std::unordered_map<uint32_t, int> count;
    size_t lo = 0;
    size_t hi = 0;  // window [lo, hi)
    while (lo < list.size()) {
      const int64_t t0 = g.edge(list[lo]).time;
      while (hi < list.size() && g.edge(list[hi]).time - t0 <= o.fan_window) {
        const Transfer& e = g.edge(list[hi]);
        if (InRange(e, o)) ++count[fan_in ? e.from : e.to];
        ++hi;
      }
      if (count.size() >= static_cast<size_t>(o.fan_min_degree)) {
        Pattern p;
        p.kind = fan_in ? PatternKind::kFanIn : PatternKind::kFanOut;
        p.accounts.push_back(v);
        std::set<uint32_t> others;
        for (size_t k = lo; k < hi; ++k) {
          const Transfer& e = g.edge(list[k]);
          if (!InRange(e, o)) continue;
          p.edges.push_back(list[k]);
          others.insert(fan_in ? e.from : e.to);
        }
        others.erase(v);
        p.accounts.insert(p.accounts.end(), others.begin(), others.end());
        p.detail = std::to_string(others.size()) + (fan_in ? " senders" : " receivers") +
                   " within " + std::to_string(o.fan_window);
        Finish(g, &p);
        r->patterns.push_back(std::move(p));
        if (r->patterns.size() >= o.max_patterns) return;
        count.clear();
        lo = hi;
        continue;
      }
      const Transfer& e = g.edge(list[lo]);
      if (!InRange(e, o)) {
        ++lo;
        continue;
      }
      auto it = count.find(fan_in ? e.from : e.to);
      if (it != count.end() && --it->second == 0) count.erase(it);
      ++lo;
    }
  }
}

bool WithinDrift(int64_t prev, int64_t next, double drift) {
  const double a = static_cast<double>(prev), b = static_cast<double>(next);
  return std::fabs(a - b) <= drift * std::max(a, b);
}

void Cycles(const LedgerGraph& g, const PatternOptions& o, PatternReport* r, size_t* expansions) {
  std::set<std::vector<uint32_t>> seen;  // account sets already reported
  std::vector<uint32_t> path_edges, path_nodes;
  std::vector<char> on_path(g.num_accounts(), 0);
  bool stop = false;
  std::function<void(uint32_t, int64_t, int64_t, int64_t)> dfs = [&](uint32_t v, int64_t t,
                                                                      int64_t amount, int64_t t0) {
    if (stop) return;
    auto outs = g.out(v);
    auto it = std::upper_bound(outs.begin(), outs.end(), t,
                               [&](int64_t time, uint32_t e) { return time < g.edge(e).time; });
    for (; it != outs.end(); ++it) {
      if (++*expansions > o.max_expansions) {
        stop = true;
        return;
      }
      const Transfer& e = g.edge(*it);
      if (o.cycle_max_span > 0 && e.time - t0 > o.cycle_max_span) break;
      if (!InRange(e, o) || !WithinDrift(amount, e.amount, o.cycle_max_drift)) continue;
      if (e.to == path_nodes.front()) {
        if (path_edges.size() + 1 < 2) continue;
        std::vector<uint32_t> key(path_nodes);
        std::sort(key.begin(), key.end());
        if (!seen.insert(key).second) continue;
        Pattern p;
        p.kind = PatternKind::kCycle;
        p.accounts = path_nodes;
        p.edges = path_edges;
        p.edges.push_back(*it);
        p.detail = std::to_string(p.edges.size()) + " transfers";
        Finish(g, &p);
        r->patterns.push_back(std::move(p));
        if (r->patterns.size() >= o.max_patterns) stop = true;
        continue;
      }
      if (on_path[e.to] || static_cast<int>(path_edges.size()) + 1 >= o.cycle_max_length) continue;
      on_path[e.to] = 1;
      path_nodes.push_back(e.to);
      path_edges.push_back(*it);
      dfs(e.to, e.time, e.amount, t0);
      path_edges.pop_back();
      path_nodes.pop_back();
      on_path[e.to] = 0;
      if (stop) return;
    }
  };
  for (uint32_t e0 = 0; e0 < g.num_transfers() && !stop; ++e0) {
    const Transfer& e = g.edge(e0);
    if (e.from == e.to || e.amount <= 0 || !InRange(e, o)) continue;
    path_nodes = {e.from, e.to};
    path_edges = {e0};
    on_path[e.from] = on_path[e.to] = 1;
    dfs(e.to, e.time, e.amount, e.time);
    on_path[e.from] = on_path[e.to] = 0;
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
  if (r.patterns.size() < o.max_patterns) Cycles(g, o, &r, &expansions);
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
    CAIRN_RETURN_IF_ERROR(ins.BindText(7, p.detail));
    CAIRN_RETURN_IF_ERROR(ins.Run());
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit("trail.patterns", "{\"patterns\":" + std::to_string(report.patterns.size()) + "}"));
  return txn.Commit();
}

}  // namespace cairn::trail
