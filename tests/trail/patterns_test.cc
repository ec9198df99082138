#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "cairn/store/case.h"
#include "cairn/trail/graph.h"
#include "cairn/trail/ledger.h"
#include "cairn/trail/links.h"
#include "cairn/trail/patterns.h"
#include "cairn_test_support.h"

namespace cairn::trail {
namespace {

std::vector<std::string> Names(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(std::string("a").append(std::to_string(i)));
  return v;
}

size_t Count(const PatternReport& r, PatternKind k) {
  size_t n = 0;
  for (const Pattern& p : r.patterns) n += p.kind == k;
  return n;
}

TEST(Patterns, FindsPlantedFanInFanOutCyclePayout) {
  std::vector<Transfer> t;
  int64_t id = 1;
  for (uint32_t s = 1; s <= 6; ++s) t.push_back({s, 0, 1000, 100 + s, id++});      // fan-in to a0
  for (uint32_t d = 11; d <= 16; ++d) t.push_back({10, d, 500, 200 + d, id++});    // fan-out of a10
  t.push_back({20, 21, 10000, 300, id++});                                          // cycle 20-21-22-23
  t.push_back({21, 22, 9500, 301, id++});
  t.push_back({22, 23, 9000, 302, id++});
  t.push_back({23, 20, 8600, 303, id++});
  t.push_back({23, 20, 100, 299, id++});  // earlier and far smaller: no cycle 23-20-21-22
  for (int k = 0; k < 12; ++k) t.push_back({31, 30, 4900, 1000 + 24 * k, id++});  // payout
  for (int k = 0; k < 12; ++k) t.push_back({33, 32, 4900, 1000 + k * k * 30, id++});  // irregular
  LedgerGraph g = LedgerGraph::Build(Names(40), t);
  PatternOptions o;
  PatternReport r = FindPatterns(g, o);
  EXPECT_FALSE(r.truncated);
  ASSERT_EQ(Count(r, PatternKind::kFanIn), 1u);
  ASSERT_EQ(Count(r, PatternKind::kFanOut), 1u);
  ASSERT_EQ(Count(r, PatternKind::kCycle), 1u);
  ASSERT_EQ(Count(r, PatternKind::kPayout), 1u);
  for (const Pattern& p : r.patterns) {
    switch (p.kind) {
      case PatternKind::kFanIn:
        EXPECT_EQ(g.name(p.accounts[0]), "a0");
        EXPECT_EQ(p.accounts.size(), 7u);
        EXPECT_EQ(p.total, 6000);
        EXPECT_EQ(p.rule, "fan_window");
        EXPECT_EQ(p.parameters, "window=10 min_degree=5 min_repeats=1 amount_min=1 amount_max=0");
        break;
      case PatternKind::kFanOut:
        EXPECT_EQ(g.name(p.accounts[0]), "a10");
        EXPECT_EQ(p.rule, "fan_window");
        break;
      case PatternKind::kCycle:
        EXPECT_EQ(p.rule, "cycle_time_respecting");  // 5 % per hop: beyond the window rule's 2 %
        EXPECT_EQ(p.accounts, (std::vector<uint32_t>{20, 21, 22, 23}));
        EXPECT_EQ(p.first_time, 300);
        EXPECT_EQ(p.last_time, 303);
        break;
      case PatternKind::kPayout:
        EXPECT_EQ(g.name(p.accounts[0]), "a30");
        EXPECT_EQ(g.name(p.accounts[1]), "a31");
        EXPECT_EQ(p.rule, "payout_regular");
        EXPECT_EQ(p.parameters, "min_count=10 max_amount=10000 max_gap_cv=0.5");
        break;
    }
  }
  // Thresholds are honoured: one more sender needed → no fan-in.
  o.fan_min_degree = 7;
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kFanIn), 0u);
  o.cycle_max_drift = 0.01;
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kCycle), 0u);
}

// AMLSim's cycle typology pays the hops in any order: no time-respecting cycle, but a cycle in
// the window. Every parallel transfer of a hop with the cycle's amount belongs to the pattern.
TEST(Patterns, WindowCycleInAnyOrder) {
  std::vector<Transfer> t = {
      {1, 2, 5000, 50, 1}, {1, 2, 5000, 50, 2},  // a burst of two equal transfers
      {2, 3, 5000, 30, 3},                       // times fall along the cycle: money cannot
      {3, 1, 5000, 10, 4},                       // have flowed round
      {3, 1, 7000, 11, 5},  // another amount: not part of the cycle
  };
  LedgerGraph g = LedgerGraph::Build(Names(4), t);
  PatternOptions o;
  PatternReport r = FindPatterns(g, o);
  ASSERT_EQ(r.patterns.size(), 1u);
  const Pattern& p = r.patterns[0];
  EXPECT_EQ(p.kind, PatternKind::kCycle);
  EXPECT_EQ(p.rule, "cycle_window");
  EXPECT_EQ(p.parameters, "window=0 max_length=6 max_drift=0.02 amount_min=1 amount_max=0");
  EXPECT_EQ(p.accounts, (std::vector<uint32_t>{1, 2, 3}));
  std::vector<int64_t> ids;
  for (uint32_t e : p.edges) ids.push_back(g.edge(e).tx_id);
  EXPECT_EQ(ids, (std::vector<int64_t>{4, 3, 1, 2}));  // in time order
  EXPECT_EQ(p.total, 20000);
  EXPECT_EQ(p.first_time, 10);
  EXPECT_EQ(p.last_time, 50);
  EXPECT_EQ(p.detail, "3 hops, 4 transfers in a span of 40");
  o.cycle_window = 40;
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kCycle), 1u);
  o.cycle_window = 39;  // the span is 40
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kCycle), 0u);
  o.cycle_window = 0;
  o.cycle_in_window = false;  // the time-respecting rule alone does not see it
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kCycle), 0u);
}

// Decaying amounts (a fee kept at each hop) are read from the account where the money entered,
// whatever its index; the jump back to the first amount is not a hop-to-hop drift.
TEST(Patterns, WindowCycleWithDecayingAmounts) {
  std::vector<Transfer> t = {{7, 3, 1000, 6, 1}, {3, 5, 985, 5, 2}, {5, 7, 970, 2, 3}};
  LedgerGraph g = LedgerGraph::Build(Names(8), t);
  PatternOptions o;
  o.cycle_window_drift = 0.016;  // 15/1000 and 15/985 fit; 30/1000 would not
  PatternReport r = FindPatterns(g, o);
  ASSERT_EQ(r.patterns.size(), 1u);
  EXPECT_EQ(r.patterns[0].accounts, (std::vector<uint32_t>{7, 3, 5}));
  EXPECT_EQ(r.patterns[0].rule, "cycle_window");
  o.cycle_window_drift = 0.014;  // 15/985 > 0.014
  EXPECT_EQ(FindPatterns(g, o).patterns.size(), 0u);
}

// The window rule against brute force on random small ledgers: every choice of one transfer per hop
// over every sequence of distinct accounts, kept when the span fits the window and each hop's
// amount is within the drift of the previous hop's (from the first account; the closing jump back
// is not checked). The account sets must be equal, and every reported pattern must be such a
// choice plus parallel transfers of the hops.
TEST(Patterns, WindowCyclesMatchBruteForce) {
  std::mt19937 rng(20261129);
  const int64_t amounts[] = {100, 101, 102, 110, 150, 0};
  for (int round = 0; round < 3000; ++round) {
    const uint32_t n = 2 + rng() % 4;
    std::vector<Transfer> t;
    const int m = 2 + static_cast<int>(rng() % 13);
    const bool one_amount = rng() % 2 == 0;  // many parallel transfers of one amount
    for (int k = 0; k < m; ++k) {
      t.push_back({static_cast<uint32_t>(rng() % n), static_cast<uint32_t>(rng() % n),
                   one_amount ? 100 : amounts[rng() % 6], static_cast<int64_t>(rng() % 20), k + 1});
    }
    PatternOptions o;
    o.cycle_time_respecting = false;
    o.fan_min_degree = 1000;
    o.payout_min_count = 1000;
    o.cycle_window = std::array<int64_t, 3>{0, 4, 10}[rng() % 3];
    o.cycle_window_drift = std::array<double, 3>{0.0, 0.02, 0.1}[rng() % 3];
    o.cycle_max_length = 2 + static_cast<int>(rng() % 4);
    o.amount_min = rng() % 2 ? 1 : 101;
    const LedgerGraph g = LedgerGraph::Build(Names(static_cast<int>(n)), t);

    std::set<std::vector<uint32_t>> expected;
    std::vector<uint32_t> seq;
    std::function<void()> accounts = [&] {
      if (seq.size() >= 2) {
        // Every choice of one transfer per hop seq[i] -> seq[i+1 mod k].
        const size_t k = seq.size();
        std::vector<uint32_t> pick;
        std::function<bool(size_t)> choose = [&](size_t hop) -> bool {
          if (hop == k) {
            int64_t lo = INT64_MAX, hi = INT64_MIN;
            for (uint32_t e : pick) lo = std::min(lo, g.edge(e).time), hi = std::max(hi, g.edge(e).time);
            if (o.cycle_window > 0 && hi - lo > o.cycle_window) return false;
            for (size_t i = 1; i < k; ++i) {
              const double a = static_cast<double>(g.edge(pick[i - 1]).amount), b = static_cast<double>(g.edge(pick[i]).amount);
              if (std::fabs(a - b) > o.cycle_window_drift * std::max(a, b)) return false;
            }
            return true;
          }
          for (uint32_t e = 0; e < g.num_transfers(); ++e) {
            const Transfer& x = g.edge(e);
            if (x.from != seq[hop] || x.to != seq[(hop + 1) % k] || x.amount < o.amount_min || x.amount <= 0) continue;
            pick.push_back(e);
            const bool ok = choose(hop + 1);
            pick.pop_back();
            if (ok) return true;
          }
          return false;
        };
        if (choose(0)) {
          std::vector<uint32_t> key(seq);
          std::sort(key.begin(), key.end());
          expected.insert(key);
        }
      }
      if (static_cast<int>(seq.size()) >= o.cycle_max_length) return;
      for (uint32_t v = 0; v < n; ++v) {
        if (std::find(seq.begin(), seq.end(), v) != seq.end()) continue;
        seq.push_back(v);
        accounts();
        seq.pop_back();
      }
    };
    accounts();

    const PatternReport r = FindPatterns(g, o);
    std::set<std::vector<uint32_t>> got;
    for (const Pattern& p : r.patterns) {
      ASSERT_EQ(p.kind, PatternKind::kCycle);
      std::vector<uint32_t> key(p.accounts);
      std::sort(key.begin(), key.end());
      EXPECT_TRUE(got.insert(key).second) << "round " << round << ": reported twice";
      // Its transfers run along the loop, within the window.
      EXPECT_LE(p.edges.size(), t.size());
      EXPECT_TRUE(o.cycle_window <= 0 || p.last_time - p.first_time <= o.cycle_window) << "round " << round;
      for (uint32_t e : p.edges) {
        const auto at = std::find(p.accounts.begin(), p.accounts.end(), g.edge(e).from);
        ASSERT_NE(at, p.accounts.end());
        const uint32_t next = p.accounts[(static_cast<size_t>(at - p.accounts.begin()) + 1) % p.accounts.size()];
        EXPECT_EQ(g.edge(e).to, next) << "round " << round;
      }
    }
    ASSERT_EQ(got, expected) << "round " << round;
  }
}

// A cycle that is also time-respecting is reported once, by that rule.
TEST(Patterns, CycleFoundByBothRulesIsReportedOnce) {
  std::vector<Transfer> t = {{0, 1, 1000, 1, 1}, {1, 2, 1000, 2, 2}, {2, 0, 1000, 3, 3}};
  LedgerGraph g = LedgerGraph::Build(Names(3), t);
  PatternReport r = FindPatterns(g, PatternOptions{});
  ASSERT_EQ(r.patterns.size(), 1u);
  EXPECT_EQ(r.patterns[0].rule, "cycle_time_respecting");
  EXPECT_EQ(r.patterns[0].parameters, "max_length=6 max_drift=0.2 max_span=0 amount_min=1 amount_max=0");
}

// Fan-in over the whole ledger counting only senders that paid the hub repeatedly.
TEST(Patterns, FanInWithRepeatedSenders) {
  std::vector<Transfer> t;
  int64_t id = 1;
  for (uint32_t s = 1; s <= 3; ++s) {  // three senders pay a0 twice, 40 steps apart
    t.push_back({s, 0, 300, 10 * s, id++});
    t.push_back({s, 0, 320, 10 * s + 40, id++});
  }
  for (uint32_t s = 4; s <= 7; ++s) t.push_back({s, 0, 300, 100 + 40 * s, id++});  // once each
  t.push_back({0, 0, 300, 5, id++});                                           // self: never counts
  LedgerGraph g = LedgerGraph::Build(Names(8), t);
  PatternOptions o;
  o.fan_window = 0;
  o.fan_min_degree = 3;
  o.fan_min_repeats = 2;
  o.cycle_time_respecting = o.cycle_in_window = false;
  PatternReport r = FindPatterns(g, o);
  ASSERT_EQ(r.patterns.size(), 1u);
  const Pattern& p = r.patterns[0];
  EXPECT_EQ(p.kind, PatternKind::kFanIn);
  EXPECT_EQ(p.rule, "fan_window");
  EXPECT_EQ(p.parameters, "window=0 min_degree=3 min_repeats=2 amount_min=1 amount_max=0");
  EXPECT_EQ(p.accounts, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(p.edges.size(), 6u);
  EXPECT_EQ(p.total, 3 * 620);
  EXPECT_EQ(p.detail, "3 senders in the ledger, each with >= 2 transfers");
  o.fan_min_degree = 4;
  EXPECT_EQ(FindPatterns(g, o).patterns.size(), 0u);
  o.fan_min_repeats = 1;  // now the seven senders count (not the self-transfer)
  r = FindPatterns(g, o);
  ASSERT_EQ(r.patterns.size(), 1u);
  EXPECT_EQ(r.patterns[0].accounts.size(), 8u);
  EXPECT_EQ(r.patterns[0].edges.size(), 10u);
  o.fan_window = 30;  // no 30-step window holds 4 senders
  EXPECT_EQ(FindPatterns(g, o).patterns.size(), 0u);
}

// The saved row names the rule and its parameters in `detail` (the table has no rule column), and a
// second run replaces the first.
TEST(Patterns, SavedRowsCarryTheRule) {
  testing::TempDir tmp;
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  std::vector<Transfer> t = {{1, 2, 5000, 50, 7}, {2, 3, 5000, 30, 8}, {3, 1, 5000, 10, 9}};
  LedgerGraph g = LedgerGraph::Build(Names(4), t);
  PatternReport r = FindPatterns(g, PatternOptions{});
  ASSERT_EQ(r.patterns.size(), 1u);
  ASSERT_TRUE(SavePatterns(**c, g, r).ok());
  ASSERT_TRUE(SavePatterns(**c, g, r).ok());
  auto q = (*c)->db().Prepare("SELECT kind, accounts, tx_ids, total_minor, detail FROM trail_patterns");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(std::string(q->ColumnText(0)), "cycle");
  EXPECT_EQ(std::string(q->ColumnText(1)), "[\"a1\",\"a2\",\"a3\"]");
  EXPECT_EQ(std::string(q->ColumnText(2)), "[9,8,7]");
  EXPECT_EQ(q->ColumnInt(3), 15000);
  EXPECT_EQ(std::string(q->ColumnText(4)),
            "3 hops, 3 transfers in a span of 40; rule cycle_window (window=0 max_length=6 max_drift=0.02 "
            "amount_min=1 amount_max=0)");
  EXPECT_FALSE(*q->Step());
}

TEST(Links, MappingFileAutoLinksAndFlags) {
  testing::TempDir tmp;
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  testing::WriteFile(tmp / "stmt.csv",
                     "date,reference,counterparty,debit,credit\n"
                     "2024-03-01,UPI from 98765 43210,viewer1,,49.00\n"
                     "2024-03-02,pay ravi.k@example.org for access,viewer2,,49.00\n"
                     "2024-03-03,payout,9876543210@upi,40.00,\n");
  IngestOptions io;
  io.preset = Preset::kBank;
  io.statement_account = "ACC-1";
  io.default_currency = "INR";
  ASSERT_TRUE(IngestFile(**c, tmp / "stmt.csv", io).ok());
  ASSERT_TRUE((*c)->UpsertPerson("tel:+919876543210", "P1", "+919876543210", "", true, "3 known-material hits").ok());
  ASSERT_TRUE((*c)->UpsertPerson("email:ravi.k@example.org", "Ravi", "", "ravi.k@example.org", false, "").ok());
  auto auto_links = AutoLink(**c);
  ASSERT_TRUE(auto_links.ok()) << auto_links.status().ToString();
  std::set<std::string> got;
  for (const Link& l : auto_links->added) got.insert(l.account + "|" + l.person_id + "|" + l.reason);
  EXPECT_EQ(got, (std::set<std::string>{"9876543210@upi|tel:+919876543210|upi_vpa_phone",
                                        "viewer2|email:ravi.k@example.org|reference_email"}));
  // "98765 43210" is split by a space: not bridged (no false link to viewer1).
  testing::WriteFile(tmp / "map.csv", "account,person,reason\nACC-1,+91 98765 43210,bank KYC\nbad-line\n");
  auto file_links = LinkFromFile(**c, tmp / "map.csv");
  ASSERT_TRUE(file_links.ok()) << file_links.status().ToString();
  ASSERT_EQ(file_links->added.size(), 1u);
  EXPECT_EQ(file_links->added[0].person_id, "tel:+919876543210");
  ASSERT_EQ(file_links->bad_rows.size(), 1u);
  EXPECT_EQ(file_links->bad_rows[0].line, 3u);
  auto flagged = FlaggedAccounts(**c);
  ASSERT_TRUE(flagged.ok());
  EXPECT_EQ(flagged->size(), 2u);
  EXPECT_TRUE(flagged->count("ACC-1"));
  EXPECT_TRUE(flagged->count("9876543210@upi"));
  auto g = LedgerGraph::Load(**c);
  ASSERT_TRUE(g.ok());
  auto accounts = ResolveAccounts(**c, *g, "+919876543210");
  ASSERT_TRUE(accounts.ok());
  EXPECT_EQ(accounts->size(), 2u);
  EXPECT_FALSE(ResolveAccounts(**c, *g, "nobody").ok());
  EXPECT_EQ(NormalizePersonId("Ravi.K@Example.org"), "email:ravi.k@example.org");
  EXPECT_EQ(NormalizePersonId("+91 98765-43210"), "tel:+919876543210");
  EXPECT_EQ(NormalizePersonId("suspect A"), "id:suspect A");
}

}  // namespace
}  // namespace cairn::trail
