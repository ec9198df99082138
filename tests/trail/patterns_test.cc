#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
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
        break;
      case PatternKind::kFanOut: EXPECT_EQ(g.name(p.accounts[0]), "a10"); break;
      case PatternKind::kCycle:
        EXPECT_EQ(p.accounts, (std::vector<uint32_t>{20, 21, 22, 23}));
        EXPECT_EQ(p.first_time, 300);
        EXPECT_EQ(p.last_time, 303);
        break;
      case PatternKind::kPayout:
        EXPECT_EQ(g.name(p.accounts[0]), "a30");
        EXPECT_EQ(g.name(p.accounts[1]), "a31");
        break;
    }
  }
  // Thresholds are honoured: one more sender needed → no fan-in.
  o.fan_min_degree = 7;
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kFanIn), 0u);
  o.cycle_max_drift = 0.01;
  EXPECT_EQ(Count(FindPatterns(g, o), PatternKind::kCycle), 0u);
}

// The AMLSim sample plants 200 cycles and 200 fan-ins, but labels only accounts (isFraud, 1804 of
// 20000). We measure, per configuration, how many patterns are found and the precision (share
// of accounts in found patterns that are fraud accounts; the base rate is 0.09) and recall
// (share of fraud accounts inside a found pattern). Numbers are printed and kept in
// docs/TRAIL.md. In this sample every transfer of at most 20.00 is between fraud accounts (the
// laundering is done in bursts of small transfers); that is what the "structuring" settings use.
struct AmlsimFixture {
  std::unique_ptr<store::Case> c;
  std::optional<LedgerGraph> g;
  std::set<std::string> fraud;
};

struct Score {
  size_t cycles = 0, fans = 0, cycle_accounts = 0, cycle_fraud = 0, fan_accounts = 0, fan_fraud = 0,
         all_fraud = 0;
  double recall = 0;
};

Score ScorePatterns(const AmlsimFixture& f, const PatternOptions& o, const char* label) {
  PatternReport r = FindPatterns(*f.g, o);
  EXPECT_FALSE(r.truncated) << r.truncated_reason;
  std::set<std::string> in_cycles, in_fans;
  Score s;
  for (const Pattern& p : r.patterns) {
    if (p.kind == PatternKind::kCycle) {
      ++s.cycles;
      for (uint32_t a : p.accounts) in_cycles.insert(f.g->name(a));
    } else if (p.kind == PatternKind::kFanIn) {
      ++s.fans;
      for (uint32_t a : p.accounts) in_fans.insert(f.g->name(a));
    }
  }
  auto fraud_in = [&](const std::set<std::string>& set) {
    size_t n = 0;
    for (const std::string& a : set) n += f.fraud.count(a);
    return n;
  };
  std::set<std::string> both(in_cycles);
  both.insert(in_fans.begin(), in_fans.end());
  s.cycle_accounts = in_cycles.size();
  s.cycle_fraud = fraud_in(in_cycles);
  s.fan_accounts = in_fans.size();
  s.fan_fraud = fraud_in(in_fans);
  s.all_fraud = fraud_in(both);
  s.recall = static_cast<double>(s.all_fraud) / static_cast<double>(f.fraud.size());
  std::printf("[ amlsim   ] %s: %zu cycles (%zu accounts, %zu fraud), %zu fan-ins (%zu accounts, %zu "
              "fraud); recall %.3f of %zu fraud accounts\n",
              label, s.cycles, s.cycle_accounts, s.cycle_fraud, s.fans, s.fan_accounts, s.fan_fraud,
              s.recall, f.fraud.size());
  return s;
}

TEST(Patterns, AmlsimSampleRecall) {
  CAIRN_REQUIRE_SHARED_DATA(money, "money/amlsim/20K_fanin200cycle200.tgz");
  testing::TempDir tmp;
  const std::string cmd = "tar xzf '" + money.string() + "' -C '" + tmp.path().string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  AmlsimFixture f;
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  f.c = std::move(*c);
  IngestOptions io;
  io.preset = Preset::kAmlsim;
  io.default_currency = "USD";
  ASSERT_TRUE(IngestFile(*f.c, tmp / "20K_fanin200cycle200" / "transactions.csv", io).ok());
  auto g = LedgerGraph::Load(*f.c);
  ASSERT_TRUE(g.ok());
  f.g = std::move(*g);
  {
    std::ifstream in(tmp / "20K_fanin200cycle200" / "nodes.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string id, is_fraud;
      std::getline(ss, id, ',');
      std::getline(ss, is_fraud, ',');
      if (is_fraud == "1") f.fraud.insert(id);
    }
  }
  ASSERT_EQ(f.fraud.size(), 1804u);

  // Defaults: cycles of similar amounts are 5.9x richer in fraud accounts than the base rate;
  // fan-in by degree alone (5 senders in 10 steps) is barely better than chance.
  Score d = ScorePatterns(f, PatternOptions{}, "defaults");
  EXPECT_GE(d.cycles, 100u);
  EXPECT_GE(static_cast<double>(d.cycle_fraud), 0.5 * static_cast<double>(d.cycle_accounts));

  // Structuring: transfers of at most 20.00, fan-in over the whole ledger from >= 2 senders.
  PatternOptions s;
  s.amount_max = 2000;
  s.fan_window = 1000;
  s.fan_min_degree = 2;
  s.cycle_max_drift = 0.5;
  Score st = ScorePatterns(f, s, "structuring");
  EXPECT_GE(st.fans, 150u);
  EXPECT_EQ(st.fan_fraud, st.fan_accounts);  // every account in a found fan-in is a fraud account
  EXPECT_GE(st.recall, 0.3);
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
