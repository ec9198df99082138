// `cairn trail` end to end through the binary on the checked-in ledger tests/cli/trail/ledger.csv
// (AMLSim v2 header; a fan-in to a flagged UPI hub, a payout to a phone-linked VPA, a time-
// respecting cycle, a cycle paid out of order, a weekly payout, a duplicate id and a bad amount).
// Every step's output is compared with a golden file in tests/cli/golden (regenerate with
// CAIRN_UPDATE_GOLDEN=1 after an intended change, and read the diff).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cairn_test_support.h"

namespace cairn {
namespace {

using TrailRun = testing::ShellRun;

// Runs `cairn trail ARGS` in `cwd` (stderr discarded) and captures stdout.
TrailRun RunTrail(const std::filesystem::path& cwd, const std::string& args) {
  return testing::RunShell("cd '" + cwd.string() + "' && '" CAIRN_BINARY "' trail " + args + " 2>/dev/null");
}

void ExpectTrailGolden(const std::string& name, const std::string& actual) {
  testing::ExpectGoldenFile(std::filesystem::path(CAIRN_GOLDEN_DIR) / name, actual);
}

// Copies the fixture files into `dir` so paths in the output are relative and stable.
void CopyFixture(const testing::TempDir& dir) {
  const std::filesystem::path src = std::filesystem::path(CAIRN_GOLDEN_DIR) / ".." / "trail";
  for (const char* f : {"ledger.csv", "people.csv", "accounts.csv"}) {
    std::filesystem::copy_file(src / f, dir / f);
  }
}

TEST(CliTrailTest, IngestLinkTracePatternsExportGolden) {
  testing::TempDir dir;
  CopyFixture(dir);
  TrailRun r = RunTrail(dir.path(), "ingest --case case ledger.csv --preset amlsim-v2 --currency INR");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-ingest.jsonl", r.out);

  r = RunTrail(dir.path(), "link --case case --people people.csv accounts.csv");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-link.jsonl", r.out);

  r = RunTrail(dir.path(), "trace --case case --from hub@upi --forward --hops 3");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-trace.jsonl", r.out);

  r = RunTrail(dir.path(), "trace --case case --from tel:+919876543210 --backward --hops 2 --format text");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-trace-backward.txt", r.out);

  const std::string pattern_args = "patterns --case case --fan-window 86400 --fan-min-degree 3 --payout-min-count 8";
  r = RunTrail(dir.path(), pattern_args);
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-patterns.jsonl", r.out);
  r = RunTrail(dir.path(), pattern_args + " --no-save --format text");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-patterns.txt", r.out);
  // Only the time-respecting rule: the out-of-order shell cycle is not reported.
  r = RunTrail(dir.path(), pattern_args + " --no-save --cycle-rule time");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("shell-d"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"rule\":\"cycle_time_respecting\""), std::string::npos) << r.out;

  r = RunTrail(dir.path(), "export --case case --format json");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-export.json", r.out);
  r = RunTrail(dir.path(), "export --case case --format csv");
  EXPECT_EQ(r.exit_code, 0);
  ExpectTrailGolden("trail-export.csv", r.out);

  // The same file again is recognised by its SHA-256 and not ingested twice.
  r = RunTrail(dir.path(), "ingest --case case ledger.csv --preset amlsim-v2 --currency INR");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"already_ingested\":true"), std::string::npos) << r.out;
}

TEST(CliTrailTest, ErrorsAndUsage) {
  testing::TempDir dir;
  CopyFixture(dir);
  ASSERT_EQ(RunTrail(dir.path(), "ingest --case case ledger.csv --preset amlsim-v2 --currency INR").exit_code, 0);
  EXPECT_EQ(RunTrail(dir.path(), "patterns --case case --cycle-rule sideways").exit_code, 2);
  EXPECT_EQ(RunTrail(dir.path(), "export --case case --format xml").exit_code, 2);
  EXPECT_EQ(RunTrail(dir.path(), "patterns").exit_code, 2);  // --case is required
  EXPECT_EQ(RunTrail(dir.path(), "trace --case case --from nobody --forward").exit_code, 1);
  EXPECT_EQ(RunTrail(dir.path(), "patterns --case no-such-case").exit_code, 1);
}

}  // namespace
}  // namespace cairn
