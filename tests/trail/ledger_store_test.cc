// Ledger storage: what IngestFile stores (ledger segments beside case.db, references in SQL) must
// equal what ParseLedger reads, the graph must load the same transfers, an import fails as a whole
// at any write, orphans of killed imports are removed, and damaged segments are reported.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "cairn/store/case.h"
#include "cairn/trail/graph.h"
#include "cairn/trail/ledger.h"
#include "cairn_test_support.h"

namespace cairn::trail {
namespace {

std::vector<std::filesystem::path> SegmentFiles(const std::filesystem::path& case_dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(case_dir / "trail", ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(case_dir / "trail")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

int64_t Count(store::Case& c, const std::string& table) {
  auto q = c.db().Prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(q.ok());
  EXPECT_TRUE(*q->Step());
  return q->ColumnInt(0);
}

struct Flat {  // one transaction, comparable
  uint64_t line;
  std::string id, from, to;
  int64_t amount;
  std::string currency;
  int64_t time;
  std::string reference, type;
  int64_t dup, possible;
  auto Tie() const {
    return std::tie(line, id, from, to, amount, currency, time, reference, type, dup, possible);
  }
  bool operator==(const Flat& o) const { return Tie() == o.Tie(); }
};

std::ostream& operator<<(std::ostream& os, const Flat& f) {
  return os << f.line << ":" << f.id << "|" << f.from << ">" << f.to << " " << f.amount << f.currency
            << " t" << f.time << " ref=" << f.reference << " type=" << f.type << " dup=" << f.dup
            << " pdup=" << f.possible;
}

// A random ledger: few accounts (so rows repeat), ids on some files, references, types, two
// currencies, quoted fields with separators and newlines, repeated rows and repeated ids, bad rows.
std::string RandomLedger(std::mt19937_64& rng, bool with_id) {
  auto pick = [&](uint64_t n) { return rng() % n; };
  std::string csv = with_id ? "id,from,to,amount,currency,time,ref,kind\n" : "from,to,amount,currency,time,ref,kind\n";
  std::vector<std::string> lines;
  const int rows = 1 + static_cast<int>(pick(60));
  for (int i = 0; i < rows; ++i) {
    if (!lines.empty() && pick(6) == 0) {  // repeat an earlier row exactly
      lines.push_back(lines[pick(lines.size())]);
      continue;
    }
    std::string l;
    if (with_id) l += std::to_string(pick(40)) + ",";  // repeated ids are duplicates
    const char* names[] = {"a", "b", "\"c,d\"", "\"e\nf\"", "g"};
    l += std::string(names[pick(5)]) + "," + names[pick(5)] + ",";
    switch (pick(12)) {
      case 0: l += "x1"; break;  // bad amount
      case 1: l += "-3"; break;  // negative: bad
      default: l += std::to_string(pick(5)) + "." + std::to_string(pick(10)) + "0";
    }
    l += std::string(",") + (pick(3) == 0 ? "USD" : "EUR") + ",";
    l += pick(15) == 0 ? "2024-02-30" : "2024-01-0" + std::to_string(1 + pick(3));
    l += ",";
    if (pick(2) == 0) l += pick(2) == 0 ? "pay 9876543210" : "\"ref, \"\"q\"\"\"";
    l += ",";
    if (pick(3) == 0) l += "WIRE";
    if (pick(25) == 0) l = "only,two";
    lines.push_back(l);
  }
  for (const std::string& l : lines) csv += l + (pick(8) == 0 ? "\r\n" : "\n");
  return csv;
}

IngestOptions RandomOptions(bool with_id) {
  IngestOptions o;
  o.map = *ColumnMap::Parse(std::string(with_id ? "id=id," : "") +
                            "from=from,to=to,amount=amount,currency=currency,time=time,reference=ref,type=kind");
  return o;
}

TEST(LedgerStore, StoredRowsEqualParseLedgerAndGraphLoadsThem) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 60; ++round) {
    testing::TempDir tmp;
    auto c = store::Case::Open(tmp / "case", true);
    ASSERT_TRUE(c.ok());
    std::vector<Flat> expected;
    std::map<std::string, std::vector<Transfer>> expected_transfers;  // by currency, names in tx order
    std::vector<std::string> expected_names;
    const int files = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < files; ++f) {
      const bool with_id = rng() % 2 == 0;
      const std::string csv = RandomLedger(rng, with_id) + "# file " + std::to_string(f) + "," + std::to_string(round) + "\n";
      const auto path = tmp / ("l" + std::to_string(f) + ".csv");
      testing::WriteFile(path, csv);
      const IngestOptions o = RandomOptions(with_id);
      auto parsed = ParseLedger(csv, o);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      auto r = IngestFile(**c, path, o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->rows, parsed->rows.size());
      EXPECT_EQ(r->duplicates, parsed->duplicates);
      EXPECT_EQ(r->possible_duplicates, parsed->possible_duplicates);
      ASSERT_EQ(r->bad_rows.size(), parsed->bad_rows.size());
      for (size_t i = 0; i < r->bad_rows.size(); ++i) {
        EXPECT_EQ(r->bad_rows[i].line, parsed->bad_rows[i].line);
        EXPECT_EQ(r->bad_rows[i].message, parsed->bad_rows[i].message);
      }
      for (const LedgerRow& row : parsed->rows) {
        expected.push_back({row.line, std::string(row.id), std::string(row.from), std::string(row.to),
                            row.amount, std::string(row.currency), row.time, std::string(row.reference),
                            std::string(row.type), row.duplicate_of_line, row.possible_duplicate_of_line});
      }
    }
    std::vector<Flat> stored;
    std::vector<int64_t> tx_ids;
    std::map<std::string, std::vector<std::tuple<int64_t, std::string, std::string, int64_t, int64_t>>> by_currency;
    ASSERT_TRUE(ForEachTransaction(**c, [&](const StoredTransaction& t) {
                  stored.push_back({t.line, std::string(t.ext_id), std::string(t.from), std::string(t.to),
                                    t.amount, std::string(t.currency), t.time, std::string(t.reference),
                                    std::string(t.type), t.duplicate_of_line, t.possible_duplicate_of_line});
                  tx_ids.push_back(t.tx_id);
                  if (t.duplicate_of_line == 0) {
                    by_currency[std::string(t.currency)].emplace_back(t.tx_id, std::string(t.from),
                                                                      std::string(t.to), t.amount, t.time);
                  }
                  return Status::Ok();
                }).ok());
    ASSERT_EQ(stored.size(), expected.size());
    for (size_t i = 0; i < stored.size(); ++i) ASSERT_EQ(stored[i], expected[i]) << "round " << round << " row " << i;
    for (size_t i = 1; i < tx_ids.size(); ++i) EXPECT_EQ(tx_ids[i], tx_ids[i - 1] + 1);
    // References are also in trail_transactions, under the same tx_id.
    {
      std::map<int64_t, std::string> refs;
      auto q = (*c)->db().Prepare("SELECT tx_id, reference FROM trail_transactions");
      ASSERT_TRUE(q.ok());
      while (*q->Step()) refs[q->ColumnInt(0)] = std::string(q->ColumnText(1));
      size_t with_ref = 0;
      for (size_t i = 0; i < stored.size(); ++i) {
        if (stored[i].reference.empty()) continue;
        ++with_ref;
        EXPECT_EQ(refs[tx_ids[i]], stored[i].reference);
      }
      EXPECT_EQ(refs.size(), with_ref);
    }
    // The graph, one currency at a time, holds exactly the non-duplicate rows.
    for (const auto& [currency, rows] : by_currency) {
      auto g = LedgerGraph::Load(**c, currency);
      ASSERT_TRUE(g.ok()) << g.status().ToString();
      ASSERT_EQ(g->num_transfers(), rows.size());
      std::vector<std::tuple<int64_t, std::string, std::string, int64_t, int64_t>> got;
      for (uint32_t e = 0; e < g->num_transfers(); ++e) {
        const Transfer& t = g->edge(e);
        got.emplace_back(t.tx_id, g->name(t.from), g->name(t.to), t.amount, t.time);
      }
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, rows);
    }
    if (by_currency.size() > 1) {
      EXPECT_FALSE(LedgerGraph::Load(**c).ok());
    }
  }
}

TEST(LedgerStore, AllOrNothingAtEveryWrite) {
  testing::TempDir tmp;
  std::string csv = "id,from,to,amount,time,ref\n";
  for (int i = 0; i < 300; ++i) {
    csv += std::to_string(i % 290) + ",A" + std::to_string(i % 150) + ",B" + std::to_string(i % 7) + ",1.25," +
           std::to_string(i) + "," + (i % 3 == 0 ? "ref 9876543210" : "") + "\n";
  }
  csv += "x,y\n";
  testing::WriteFile(tmp / "t.csv", csv);
  IngestOptions o;
  o.map = *ColumnMap::Parse("id=id,from=from,to=to,amount=amount,time=time,reference=ref");
  o.default_currency = "EUR";
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  // A first file that must survive every failed import of the second.
  testing::WriteFile(tmp / "first.csv", "id,from,to,amount,time,ref\n1,A1,Z,5,1,x\n");
  ASSERT_TRUE(IngestFile(**c, tmp / "first.csv", o).ok());
  const auto segments_before = SegmentFiles(tmp / "case");
  ASSERT_EQ(segments_before.size(), 1u);
  std::map<std::string, int64_t> before;
  const std::vector<std::string> tables = {"trail_files", "trail_transactions", "trail_accounts", "trail_bad_rows",
                                           "trail_file_currencies", "audit_log"};
  for (const std::string& t : tables) before[t] = Count(**c, t);
  int failures = 0;
  for (int64_t writes = 0;; ++writes) {
    (*c)->db().FailAfterWrites(writes);
    auto r = IngestFile(**c, tmp / "t.csv", o);
    (*c)->db().FailAfterWrites(-1);
    if (r.ok()) {
      EXPECT_EQ(r->rows, 300u);
      EXPECT_EQ(r->duplicates, 10u);
      EXPECT_EQ(r->bad_rows.size(), 1u);
      break;
    }
    ++failures;
    EXPECT_EQ(r.status().code(), StatusCode::kIoError) << r.status().ToString();
    EXPECT_NE(r.status().message().find("t.csv"), std::string::npos) << r.status().message();
    for (const std::string& t : tables) ASSERT_EQ(Count(**c, t), before[t]) << t << " after " << writes << " writes";
    ASSERT_EQ(SegmentFiles(tmp / "case"), segments_before) << "after " << writes << " writes";
    ASSERT_LT(writes, 10000);
  }
  EXPECT_GT(failures, 5);
  EXPECT_EQ(SegmentFiles(tmp / "case").size(), 2u);
  auto g = LedgerGraph::Load(**c);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->num_transfers(), 291u);  // 300 rows, 10 repeated ids + the first file's row
  EXPECT_TRUE((*c)->VerifyAuditLog().ok());
}

TEST(LedgerStore, OrphansOfAKilledImportAreRemovedAndIgnored) {
  testing::TempDir tmp;
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(EnsureTrailSchema(**c).ok());
  // What a kill between writing the segment and committing leaves behind.
  std::filesystem::create_directories(tmp / "case" / "trail");
  testing::WriteFile(tmp / "case" / "trail" / "ledger-1-0123456789abcdef.seg", "CAIRNTL1 half written");
  testing::WriteFile(tmp / "case" / "trail" / ".tmp-99-ledger-1-0123456789abcdef.seg", "partial");
  testing::WriteFile(tmp / "case" / "trail" / "notes.txt", "not ours");
  {
    auto g = LedgerGraph::Load(**c);  // orphans are never read
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_EQ(g->num_transfers(), 0u);
  }
  testing::WriteFile(tmp / "a.csv", "from,to,amount,time\nA,B,1,1\nB,C,1,2\n");
  IngestOptions o;
  o.map = *ColumnMap::Parse("from=from,to=to,amount=amount,time=time");
  auto r = IngestFile(**c, tmp / "a.csv", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto files = SegmentFiles(tmp / "case");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename(), "ledger-1-" + r->sha256.substr(0, 16) + ".seg");
  EXPECT_EQ(files[1].filename(), "notes.txt");
  auto g = LedgerGraph::Load(**c);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->num_transfers(), 2u);
}

// A real kill (SIGKILL) of a process in the middle of an import, at several moments: afterwards the
// file is either wholly in the case or not at all, the graph loads, and the next import of the same
// file completes (or finds it done) and leaves no orphaned segment.
TEST(LedgerStore, KilledImportLeavesAllOrNothing) {
  testing::TempDir tmp;
  std::string csv = "id,from,to,amount,time\n";
  constexpr int kRows = 200000;
  for (int i = 0; i < kRows; ++i) {
    csv += std::to_string(i) + ",A" + std::to_string(i % 5003) + ",B" + std::to_string(i % 4001) + ",1.5," +
           std::to_string(i) + "\n";
  }
  testing::WriteFile(tmp / "big.csv", csv);
  IngestOptions o;
  o.map = *ColumnMap::Parse("id=id,from=from,to=to,amount=amount,time=time");
  o.default_currency = "EUR";
  int completed = 0, killed_before = 0;
  for (int delay_ms : {0, 5, 20, 60, 120, 250, 400}) {
    const auto dir = tmp / ("case" + std::to_string(delay_ms));
    { ASSERT_TRUE(store::Case::Open(dir, true).ok()); }
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto c = store::Case::Open(dir, false);
      const bool ok = c.ok() && IngestFile(**c, tmp / "big.csv", o).ok();
      ::_exit(ok ? 0 : 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    auto c = store::Case::Open(dir, false);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(EnsureTrailSchema(**c).ok());
    auto g = LedgerGraph::Load(**c);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    const int64_t files = Count(**c, "trail_files");
    if (files == 1) {
      ++completed;
      EXPECT_EQ(g->num_transfers(), static_cast<size_t>(kRows));
    } else {
      ++killed_before;
      EXPECT_EQ(files, 0);
      EXPECT_EQ(g->num_transfers(), 0u);
      EXPECT_EQ(Count(**c, "trail_accounts"), 0);
      EXPECT_EQ(Count(**c, "audit_log"), 0);
    }
    auto r = IngestFile(**c, tmp / "big.csv", o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->already_ingested, files == 1);
    const auto segs = SegmentFiles(dir);
    ASSERT_EQ(segs.size(), 1u) << "delay " << delay_ms;  // orphans gone, one committed segment
    auto again = LedgerGraph::Load(**c);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->num_transfers(), static_cast<size_t>(kRows));
    EXPECT_TRUE((*c)->VerifyAuditLog().ok());
  }
  EXPECT_GT(killed_before, 0);  // the 0 ms kill lands before the commit
  std::printf("killed imports: %d before the commit, %d after\n", killed_before, completed);
}

TEST(LedgerStore, DamagedOrMissingSegmentIsReported) {
  testing::TempDir tmp;
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  testing::WriteFile(tmp / "a.csv", "from,to,amount,time\nA,B,1,1\nB,C,1,2\n");
  IngestOptions o;
  o.map = *ColumnMap::Parse("from=from,to=to,amount=amount,time=time");
  ASSERT_TRUE(IngestFile(**c, tmp / "a.csv", o).ok());
  const auto seg = SegmentFiles(tmp / "case").at(0);
  std::string bytes;
  {
    std::ifstream in(seg, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto expect_corrupt = [&](const std::string& content, const char* what) {
    std::filesystem::remove(seg);
    testing::WriteFile(seg, content);
    auto g = LedgerGraph::Load(**c);
    ASSERT_FALSE(g.ok()) << what;
    EXPECT_EQ(g.status().code(), StatusCode::kCorrupt) << what;
    EXPECT_NE(g.status().message().find(seg.filename().string()), std::string::npos) << g.status().message();
    EXPECT_FALSE(ForEachTransaction(**c, [](const StoredTransaction&) { return Status::Ok(); }).ok()) << what;
  };
  std::string flipped = bytes;
  flipped[flipped.size() - 20] ^= 1;  // an amount or time bit: only the SHA-256 sees it
  expect_corrupt(flipped, "bit flip");
  expect_corrupt(bytes.substr(0, bytes.size() - 8), "truncated");
  expect_corrupt(bytes.substr(0, 30), "shorter than a header");
  std::string magic = bytes;
  magic[0] = 'X';
  expect_corrupt(magic, "magic");
  std::filesystem::remove(seg);
  auto g = LedgerGraph::Load(**c);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("missing"), std::string::npos) << g.status().message();
  testing::WriteFile(seg, bytes);  // restored: fine again
  EXPECT_TRUE(LedgerGraph::Load(**c).ok());
}

TEST(LedgerStore, RowsOfVersionOneFilesAndSegmentsLoadTogether) {
  testing::TempDir tmp;
  auto c = store::Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(EnsureTrailSchema(**c).ok());
  // A file ingested by a version-1 build: rows in trail_transactions, no segment.
  ASSERT_TRUE((*c)->db().Exec(
      "INSERT INTO trail_files(file_id, path, sha256, preset, time_kind, rows, duplicates, bad_rows, ingested_utc) "
      "VALUES(1, 'old.csv', 'aa', 'none', 'integer', 3, 1, 0, '2026-01-01T00:00:00Z');"
      "INSERT INTO trail_accounts(account_id, name) VALUES(1, 'A'), (2, 'B');"
      "INSERT INTO trail_transactions(tx_id, file_id, line, ext_id, from_account, to_account, amount_minor, "
      "currency, time, duplicate_of_line) VALUES(1, 1, 2, 'x', 1, 2, 100, 'EUR', 5, NULL), "
      "(2, 1, 3, 'y', 2, 1, 40, 'EUR', 6, NULL), (3, 1, 4, 'x', 1, 2, 100, 'EUR', 5, 2);").ok());
  testing::WriteFile(tmp / "new.csv", "from,to,amount,time\nB,C,0.30,7\nC,A,0.10,8\n");
  IngestOptions o;
  o.map = *ColumnMap::Parse("from=from,to=to,amount=amount,time=time");
  o.default_currency = "EUR";
  auto r = IngestFile(**c, tmp / "new.csv", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto g = LedgerGraph::Load(**c);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->num_transfers(), 4u);
  EXPECT_EQ(g->num_accounts(), 3u);
  std::vector<int64_t> ids;
  for (uint32_t e = 0; e < 4; ++e) ids.push_back(g->edge(e).tx_id);
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 4, 5}));  // new tx_ids continue after the old ones
  EXPECT_EQ(g->name(g->edge(2).from), "B");
  EXPECT_EQ(g->name(g->edge(2).to), "C");
  EXPECT_EQ(g->edge(2).amount, 30);
  int n = 0;
  ASSERT_TRUE(ForEachTransaction(**c, [&](const StoredTransaction& t) {
                ++n;
                if (t.tx_id == 3) {
                  EXPECT_EQ(t.duplicate_of_line, 2);
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(n, 5);
}

}  // namespace
}  // namespace cairn::trail
