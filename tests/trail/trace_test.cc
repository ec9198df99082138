// Trace() against brute force on random ledgers: reachability against an enumeration of every
// time-respecting walk, FIFO amounts against a unit-by-unit simulation of every account's queue.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "cairn/trail/graph.h"
#include "cairn/trail/trace.h"

namespace cairn::trail {
namespace {

struct Ledger {
  std::vector<std::string> names;
  std::vector<Transfer> transfers;  // sorted by (time, tx_id): index == graph edge index
};

Ledger RandomLedger(std::mt19937_64& rng) {
  Ledger l;
  const int n = 3 + static_cast<int>(rng() % 6);
  const int m = 1 + static_cast<int>(rng() % 30);
  for (int i = 0; i < n; ++i) l.names.push_back(std::string("acct").append(std::to_string(i)));
  for (int i = 0; i < m; ++i) {
    Transfer t;
    t.from = static_cast<uint32_t>(rng() % n);
    t.to = static_cast<uint32_t>(rng() % n);
    t.amount = static_cast<int64_t>(rng() % 12);  // zero amounts too
    t.time = static_cast<int64_t>(rng() % 10);     // many ties
    t.tx_id = 1000 - i;                            // tx ids not in time order
    l.transfers.push_back(t);
  }
  std::sort(l.transfers.begin(), l.transfers.end(), [](const Transfer& a, const Transfer& b) {
    return a.time != b.time ? a.time < b.time : a.tx_id < b.tx_id;
  });
  return l;
}

bool Followed(const Transfer& t, const TraceOptions& o) {
  return (!o.since || t.time >= *o.since) && (!o.until || t.time <= *o.until) &&
         t.amount >= o.min_amount && t.amount > 0;
}

// Every time-respecting walk of followed transfers from the start set, never through it again.
std::map<uint32_t, std::pair<int, int64_t>> BruteReach(const Ledger& l, const std::set<uint32_t>& start,
                                                       const TraceOptions& o) {
  std::map<uint32_t, std::pair<int, int64_t>> best;  // account -> (min hops, best time)
  const bool fwd = o.direction == Direction::kForward;
  std::function<void(uint32_t, int64_t, int, bool)> walk = [&](uint32_t v, int64_t t, int h, bool first) {
    if (h == o.max_hops) return;
    for (const Transfer& e : l.transfers) {
      if (!Followed(e, o)) continue;
      const uint32_t near = fwd ? e.from : e.to, far = fwd ? e.to : e.from;
      if (near != v || start.count(far)) continue;
      if (!first && (fwd ? e.time <= t : e.time >= t)) continue;
      auto [it, fresh] = best.try_emplace(far, h + 1, e.time);
      if (!fresh) {
        it->second.first = std::min(it->second.first, h + 1);
        it->second.second = fwd ? std::min(it->second.second, e.time) : std::max(it->second.second, e.time);
      }
      walk(far, e.time, h + 1, false);
    }
  };
  for (uint32_t s : start) walk(s, 0, 0, true);
  return best;
}

struct RefFlow {
  int64_t traced = 0, retained = 0, beyond = 0, unfollowed = 0, returned = 0;
  int min_hops = 1 << 30;
  bool operator==(const RefFlow&) const = default;
};

struct RefResult {
  int64_t start_amount = 0;
  std::map<uint32_t, RefFlow> flows;
  std::map<uint32_t, int64_t> edge_flow;
};

// Unit-level FIFO: every minor unit is an object carrying the list of transfers it rode.
RefResult BruteFifo(const Ledger& l, const std::set<uint32_t>& start, const TraceOptions& o) {
  std::vector<std::deque<std::vector<uint32_t>>> queue(l.names.size());
  size_t e = 0;
  while (e < l.transfers.size()) {
    size_t group_end = e;
    while (group_end < l.transfers.size() && l.transfers[group_end].time == l.transfers[e].time) ++group_end;
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>> arrivals;
    for (size_t k = e; k < group_end; ++k) {
      const Transfer& t = l.transfers[k];
      auto& q = queue[t.from];
      for (int64_t u = 0; u < t.amount; ++u) {
        std::vector<uint32_t> chain;
        if (!q.empty()) {
          chain = std::move(q.front());
          q.pop_front();
        }
        chain.push_back(static_cast<uint32_t>(k));
        arrivals.emplace_back(t.to, std::move(chain));
      }
    }
    for (auto& [to, chain] : arrivals) queue[to].push_back(std::move(chain));
    e = group_end;
  }
  RefResult r;
  const bool fwd = o.direction == Direction::kForward;
  for (const auto& q : queue) {
    for (const auto& c : q) {
      const int n = static_cast<int>(c.size());
      for (int j = 0; j < n; ++j) {
        const Transfer& first = l.transfers[c[j]];
        if (!Followed(first, o) || !start.count(fwd ? first.from : first.to) ||
            start.count(fwd ? first.to : first.from)) {
          continue;  // not from (to) the start set, or inside it
        }
        ++r.start_amount;
        ++r.edge_flow[c[j]];
        int k = j, depth = 1;
        while (true) {
          const Transfer& t = l.transfers[c[k]];
          const uint32_t v = fwd ? t.to : t.from;
          RefFlow& f = r.flows[v];
          ++f.traced;
          f.min_hops = std::min(f.min_hops, depth);
          if (start.count(v)) { ++f.returned; break; }
          if (fwd ? k == n - 1 : k == 0) { ++f.retained; break; }
          const int next = fwd ? k + 1 : k - 1;
          if (!Followed(l.transfers[c[next]], o)) { ++f.unfollowed; break; }
          if (depth + 1 > o.max_hops) { ++f.beyond; break; }
          k = next;
          ++depth;
          ++r.edge_flow[c[k]];
        }
      }
    }
  }
  return r;
}

TraceOptions RandomOptions(std::mt19937_64& rng) {
  TraceOptions o;
  o.direction = rng() % 2 ? Direction::kForward : Direction::kBackward;
  o.max_hops = 1 + static_cast<int>(rng() % 4);
  if (rng() % 3 == 0) o.since = static_cast<int64_t>(rng() % 5);
  if (rng() % 3 == 0) o.until = 4 + static_cast<int64_t>(rng() % 6);
  if (rng() % 3 == 0) o.min_amount = static_cast<int64_t>(rng() % 6);
  return o;
}

TEST(TraceBruteForce, ReachabilityAndFifoEqualReferenceOnRandomLedgers) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    std::mt19937_64 rng(seed);
    Ledger l = RandomLedger(rng);
    LedgerGraph g = LedgerGraph::Build(l.names, l.transfers);
    for (uint32_t e = 0; e < l.transfers.size(); ++e) ASSERT_EQ(g.edge(e).tx_id, l.transfers[e].tx_id);
    TraceOptions o = RandomOptions(rng);
    std::set<uint32_t> start;
    const int k = 1 + static_cast<int>(rng() % 2);
    for (int i = 0; i < k; ++i) start.insert(static_cast<uint32_t>(rng() % l.names.size()));
    std::vector<uint32_t> start_v(start.begin(), start.end());
    auto r = Trace(g, start_v, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    SCOPED_TRACE(std::string("seed ").append(std::to_string(seed)));
    ASSERT_FALSE(r->truncated);

    auto reach = BruteReach(l, start, o);
    std::map<uint32_t, std::pair<int, int64_t>> got;
    for (const ReachedAccount& a : r->reachable) got[a.account] = {a.min_hops, a.best_time};
    ASSERT_EQ(got, reach);

    RefResult ref = BruteFifo(l, start, o);
    EXPECT_EQ(r->start_amount, ref.start_amount);
    std::map<uint32_t, RefFlow> flows;
    int64_t terminal_sum = 0;
    for (const AccountFlow& f : r->accounts) {
      flows[f.account] = {f.traced, f.retained, f.beyond_hops, f.unfollowed, f.returned, f.min_hops};
      EXPECT_EQ(f.cut, 0);
      EXPECT_EQ(f.terminal, f.retained + f.beyond_hops + f.unfollowed + f.returned);
      EXPECT_LE(f.terminal, f.traced);  // conservation: what leaves <= what came
      terminal_sum += f.terminal;
    }
    ASSERT_EQ(flows, ref.flows);
    EXPECT_EQ(terminal_sum, r->start_amount);  // every traced unit ends somewhere, once
    std::map<uint32_t, int64_t> edges;
    for (const EdgeFlow& ef : r->subgraph) edges[ef.edge] = ef.amount;
    ASSERT_EQ(edges, ref.edge_flow);

    // Without reachability the money answer is the same and nothing else is enumerated.
    TraceOptions money_only = o;
    money_only.reachability = false;
    auto m = Trace(g, start_v, money_only);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->reachable.empty());
    EXPECT_EQ(m->start_amount, r->start_amount);
    ASSERT_EQ(m->accounts.size(), r->accounts.size());
    for (size_t i = 0; i < m->accounts.size(); ++i) {
      EXPECT_EQ(m->accounts[i].account, r->accounts[i].account);
      EXPECT_EQ(m->accounts[i].terminal, r->accounts[i].terminal);
    }

    // Every explaining path is a time-respecting chain of followed transfers from/to the start.
    for (const TracedPath& p : r->paths) {
      ASSERT_FALSE(p.edges.empty());
      ASSERT_LE(static_cast<int>(p.edges.size()), o.max_hops);
      for (size_t i = 0; i + 1 < p.edges.size(); ++i) {
        const Transfer& a = g.edge(p.edges[i]);
        const Transfer& b = g.edge(p.edges[i + 1]);
        EXPECT_EQ(a.to, b.from);
        EXPECT_LT(a.time, b.time);
      }
      const Transfer& first = g.edge(p.edges.front());
      const Transfer& last = g.edge(p.edges.back());
      if (o.direction == Direction::kForward) {
        EXPECT_TRUE(start.count(first.from));
        EXPECT_EQ(last.to, p.account);
      } else {
        EXPECT_TRUE(start.count(last.to));
        EXPECT_EQ(first.from, p.account);
      }
      EXPECT_GT(p.amount, 0);
    }
  }
}

// A -> B -> C with FIFO: B's first outflow uses B's earlier (clean) money first.
TEST(Trace, FifoAttributesEarliestFundsFirst) {
  std::vector<Transfer> t = {
      {3, 1, 100, 1, 1},  // X pays B 100 at t=1 (clean money)
      {0, 1, 50, 2, 2},   // A pays B 50 at t=2 (traced)
      {1, 2, 120, 3, 3},  // B pays C 120 at t=3: 100 clean + 20 of A's
      {1, 4, 30, 4, 4},   // B pays D 30 at t=4: the remaining 30 of A's
  };
  LedgerGraph g = LedgerGraph::Build({"A", "B", "C", "X", "D"}, t);
  TraceOptions o;
  o.max_hops = 3;
  std::vector<uint32_t> start = {0};
  auto r = Trace(g, start, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start_amount, 50);
  std::map<std::string, int64_t> terminal;
  for (const AccountFlow& f : r->accounts) terminal[g.name(f.account)] = f.terminal;
  EXPECT_EQ(terminal["C"], 20);
  EXPECT_EQ(terminal["D"], 30);
  EXPECT_EQ(terminal["B"], 0);
  // Backward from D: the 30 came from A (two hops), not from X.
  o.direction = Direction::kBackward;
  std::vector<uint32_t> target = {4};
  auto b = Trace(g, target, o);
  ASSERT_TRUE(b.ok());
  std::map<std::string, int64_t> origin;
  for (const AccountFlow& f : b->accounts) origin[g.name(f.account)] = f.retained;
  EXPECT_EQ(origin["A"], 30);
  EXPECT_EQ(origin["X"], 0);
}

TEST(Trace, StrictlyLaterHopsOnly) {
  // The onward transfer happens at the same time step as the arrival: not followed.
  LedgerGraph g = LedgerGraph::Build({"A", "B", "C"}, {{0, 1, 10, 5, 1}, {1, 2, 10, 5, 2}});
  std::vector<uint32_t> start = {0};
  auto r = Trace(g, start, TraceOptions{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->reachable.size(), 1u);
  EXPECT_EQ(g.name(r->reachable[0].account), "B");
  EXPECT_EQ(r->accounts[0].retained, 10);
}

TEST(Trace, BusyAccountIsCappedAndSaysSo) {
  std::vector<std::string> names = {"hub"};
  std::vector<Transfer> t;
  for (uint32_t i = 1; i <= 5000; ++i) {
    names.push_back(std::string("n").append(std::to_string(i)));
    t.push_back({0, i, 10, static_cast<int64_t>(i), i});
    t.push_back({i, 0, 5, static_cast<int64_t>(i) + 1, 100000 + i});  // money comes back
  }
  LedgerGraph g = LedgerGraph::Build(names, t);
  TraceOptions o;
  o.max_pieces = 1000;
  o.max_expansions = 2000;
  std::vector<uint32_t> start = {0};
  auto r = Trace(g, start, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->truncated);
  EXPECT_NE(r->truncated_reason.find("max_pieces=1000"), std::string::npos);
  EXPECT_NE(r->truncated_reason.find("max_expansions=2000"), std::string::npos);
  int64_t terminal = 0, cut = 0;
  for (const AccountFlow& f : r->accounts) {
    terminal += f.terminal;
    cut += f.cut;
  }
  EXPECT_EQ(terminal, r->start_amount);  // still conserved: the cut part is reported as cut
  EXPECT_GT(cut, 0);
}

TEST(Trace, RejectsBadArguments) {
  LedgerGraph g = LedgerGraph::Build({"A"}, {});
  std::vector<uint32_t> start = {0};
  TraceOptions o;
  o.max_hops = 0;
  EXPECT_FALSE(Trace(g, start, o).ok());
  std::vector<uint32_t> bad = {7};
  EXPECT_FALSE(Trace(g, bad, TraceOptions{}).ok());
}

}  // namespace
}  // namespace cairn::trail
