// `cairn scan` on E01 evidence checks the image against the digests stored in it at acquisition
// and records stored and computed values with the verdict (scan_evidence, schema v3): a good
// image verifies, one altered after acquisition or truncated does not: a scan error (exit
// status 1), and the verdict is in the report's evidence table. Images are made in the test
// with mkfs.fat, mtools and ewfacquire (ewf-tools).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/store/case.h"
#include "cairn_test_support.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

int Sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Q(const fs::path& p) {
  std::string s(1, '\'');
  s.append(p.native());
  s.push_back('\'');
  return s;
}

struct EvidenceRow {
  std::string verdict, stored_md5, computed_md5, computed_sha256, error;
  int64_t media_bytes = -1, checksum_errors = -1;
};

std::optional<EvidenceRow> ReadEvidenceRow(const fs::path& case_dir) {
  auto c = store::Case::Open(case_dir, /*create=*/false);
  if (!c.ok()) return std::nullopt;
  auto q = (*c)->db().Prepare(
      "SELECT coalesce(ewf_verdict,''), coalesce(ewf_stored_md5,''), coalesce(ewf_computed_md5,''), "
      "coalesce(ewf_computed_sha256,''), coalesce(ewf_error,''), coalesce(ewf_media_bytes,-1), "
      "coalesce(ewf_checksum_errors,-1) FROM scan_evidence");
  if (!q.ok() || !*q->Step()) return std::nullopt;
  EvidenceRow r;
  r.verdict = std::string(q->ColumnText(0));
  r.stored_md5 = std::string(q->ColumnText(1));
  r.computed_md5 = std::string(q->ColumnText(2));
  r.computed_sha256 = std::string(q->ColumnText(3));
  r.error = std::string(q->ColumnText(4));
  r.media_bytes = q->ColumnInt(5);
  r.checksum_errors = q->ColumnInt(6);
  return r;
}

std::vector<std::string> ErrorMessages(const fs::path& case_dir) {
  std::vector<std::string> out;
  auto c = store::Case::Open(case_dir, /*create=*/false);
  if (!c.ok()) return out;
  auto q = (*c)->db().Prepare("SELECT message FROM scan_errors ORDER BY id");
  if (!q.ok()) return out;
  while (*q->Step()) out.emplace_back(q->ColumnText(0));
  return out;
}

TEST(EwfScanTest, StoredDigestsAreCheckedAndRecorded) {
  if (Sh("command -v ewfacquire >/dev/null && command -v mkfs.fat >/dev/null && "
         "command -v mcopy >/dev/null") != 0) {
    GTEST_SKIP() << "ewfacquire (ewf-tools), mkfs.fat or mtools missing; skipped";
  }
  testing::TempDir t;
  const fs::path d = t.path();
  const std::string marker = "planted evidence marker, benign text";
  testing::WriteFile(d / "note.txt", marker + "\n");
  testing::WriteFile(d / "list.md5", "00000000000000000000000000000001  nothing.bin\n");
  const std::string cairn = "CAIRN_HOME=" + Q(d / "home") + " '" CAIRN_BINARY "' ";
  ASSERT_EQ(Sh(cairn + "hashset import " + Q(d / "list.md5") + " --name test-fixture --version 1 >/dev/null 2>&1"), 0);
  ASSERT_EQ(Sh("cd " + Q(d) + " && dd if=/dev/zero of=disk.dd bs=1M count=2 status=none && "
               "mkfs.fat disk.dd >/dev/null && mcopy -i disk.dd note.txt ::/note.txt"), 0);
  // -c none: chunks are stored as they are, so the test can find the note in the E01 and alter it.
  fs::create_directories(d / "good");
  ASSERT_EQ(Sh("ewfacquire -u -q -c none -t " + Q(d / "good" / "disk") + " " + Q(d / "disk.dd") +
               " </dev/null >/dev/null 2>&1"), 0);
  const std::vector<uint8_t> raw = testing::ReadFileBytes(d / "disk.dd");
  const FileDigests raw_digests = DigestBytes(raw);

  auto scan = [&](const std::string& name) {
    return Sh(cairn + "scan " + Q(d / name / "disk.E01") + " --case " + Q(d / ("case-" + name)) +
              " --lists test-fixture -q 2>/dev/null");
  };
  EXPECT_EQ(scan("good"), 0);
  std::optional<EvidenceRow> good = ReadEvidenceRow(d / "case-good");
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->verdict, "verified");
  EXPECT_EQ(good->stored_md5, raw_digests.md5.ToHex());
  EXPECT_EQ(good->computed_md5, raw_digests.md5.ToHex());
  EXPECT_EQ(good->computed_sha256, raw_digests.sha256.ToHex());
  EXPECT_EQ(good->media_bytes, static_cast<int64_t>(raw.size()));
  EXPECT_EQ(good->checksum_errors, 0);
  EXPECT_TRUE(ErrorMessages(d / "case-good").empty());

  // Altered after acquisition: one byte of the note changed in the E01, its stored MD5 kept.
  std::vector<uint8_t> e01 = testing::ReadFileBytes(d / "good" / "disk.E01");
  auto at = std::search(e01.begin(), e01.end(), marker.begin(), marker.end());
  ASSERT_NE(at, e01.end());
  *at = 'X';
  fs::create_directories(d / "altered");
  testing::WriteFile(d / "altered" / "disk.E01", std::string(e01.begin(), e01.end()));
  EXPECT_EQ(scan("altered"), 1);
  std::optional<EvidenceRow> altered = ReadEvidenceRow(d / "case-altered");
  ASSERT_TRUE(altered.has_value());
  EXPECT_EQ(altered->verdict, "mismatch");
  EXPECT_EQ(altered->stored_md5, raw_digests.md5.ToHex());
  EXPECT_NE(altered->computed_md5, altered->stored_md5);
  EXPECT_GE(altered->checksum_errors, 1);
  const std::vector<std::string> errors = ErrorMessages(d / "case-altered");
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("E01 verification: mismatch"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(raw_digests.md5.ToHex()), std::string::npos) << errors[0];
  // The report's evidence table states the verdict with the stored and computed digests.
  ASSERT_EQ(Sh(cairn + "report --case " + Q(d / "case-altered") + " >/dev/null 2>&1"), 0);
  const std::vector<uint8_t> html = testing::ReadFileBytes(d / "case-altered" / "reports" / "report.html");
  const std::string expected = "E01 mismatch: stored MD5 " + raw_digests.md5.ToHex() + ", computed " +
                               altered->computed_md5;
  EXPECT_NE(std::string(html.begin(), html.end()).find(expected), std::string::npos) << expected;

  // Truncated: whatever libewf can still read, the image does not verify.
  fs::create_directories(d / "cut");
  testing::WriteFile(d / "cut" / "disk.E01", std::string(e01.begin(), e01.begin() + static_cast<long>(e01.size() / 3)));
  EXPECT_EQ(scan("cut"), 1);
  std::optional<EvidenceRow> cut = ReadEvidenceRow(d / "case-cut");
  ASSERT_TRUE(cut.has_value());
  EXPECT_NE(cut->verdict, "verified");
  EXPECT_FALSE(cut->verdict.empty());
  bool named = false;
  for (const std::string& m : ErrorMessages(d / "case-cut")) named |= m.find("E01 verification") != std::string::npos;
  EXPECT_TRUE(named);

  // A file that is not an E01 gets no verdict.
  EXPECT_EQ(Sh(cairn + "scan " + Q(d / "note.txt") + " --case " + Q(d / "case-txt") + " --lists test-fixture -q 2>/dev/null"), 0);
  std::optional<EvidenceRow> txt = ReadEvidenceRow(d / "case-txt");
  ASSERT_TRUE(txt.has_value());
  EXPECT_EQ(txt->verdict, "");
}

}  // namespace
}  // namespace cairn
