// `cairn extract --format feature-files` end to end: on the bulk_extractor NPS sample the email
// feature file holds exactly the oracle's rows that lie inside the 100 KiB sample (plain and
// -PDF- paths, contexts byte for byte); on a generated file, gzip and zip members get their
// forensic paths and decoded contexts, and --no-decode leaves them out.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <zlib.h>

#include <cstdio>
#include <set>
#include <string>
#include <tuple>

#include "cairn/extract/feature_file.h"
#include "cairn_test_support.h"

namespace cairn::extract {
namespace {

int RunCairn(const std::string& args) {
  const std::string cmd = std::string("'" CAIRN_BINARY "' ") + args + " >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

using Row = std::tuple<std::string, std::string, std::string>;
std::set<Row> Rows(const FeatureFile& f) {
  std::set<Row> rows;
  for (const auto& r : f.rows) rows.emplace(r.forensic_path, r.feature, r.context);
  return rows;
}

TEST(CliExtract, FeatureFilesMatchTheNpsOracleInsideTheSample) {
  CAIRN_REQUIRE_SHARED_DATA(raw, "extract/nps-2010-emails.100k.raw");
  CAIRN_REQUIRE_SHARED_DATA(oracle_path, "extract/nps-email.txt");
  testing::TempDir dir;
  ASSERT_EQ(RunCairn("extract --format feature-files --out '" + (dir / "fe").string() + "' '" + raw.string() + "'"), 0);
  auto ours = ReadFeatureFile(dir / "fe" / "email.txt");
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  auto oracle = ReadFeatureFile(oracle_path);
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  std::set<Row> want;
  for (const auto& r : oracle->rows) {
    if (std::stoull(r.forensic_path) + r.feature.size() <= 102400) want.emplace(r.forensic_path, r.feature, r.context);
  }
  EXPECT_EQ(want.size(), 5u);  // 80896, 91449, 70727-PDF-0, 81991-PDF-0, 92231-PDF-0
  EXPECT_EQ(Rows(*ours), want);
}

std::string Gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(CliExtract, GzipMembersGetForensicPathsUnlessNoDecode) {
  testing::TempDir dir;
  std::string input = "plain nina@example.com\n";
  const size_t gz_at = input.size();
  const std::string zipped = "zipped: oscar@example.com, see https://mega.nz/file/Ab3dEf\n";
  input += Gzip(zipped);
  testing::WriteFile(dir / "in.bin", input);
  ASSERT_EQ(RunCairn("extract --format feature-files --out '" + (dir / "fe").string() + "' '" + (dir / "in.bin").string() + "'"), 0);
  auto mail = ReadFeatureFile(dir / "fe" / "email.txt");
  auto url = ReadFeatureFile(dir / "fe" / "url.txt");
  ASSERT_TRUE(mail.ok() && url.ok());
  // Contexts: 16 bytes either side, clipped to the input or to the decoded stream.
  const Row plain{"6", "nina@example.com", input.substr(0, 6 + 16 + 16)};
  const std::string g = std::to_string(gz_at) + "-GZIP-";
  EXPECT_EQ(Rows(*mail), (std::set<Row>{plain, {g + "8", "oscar@example.com", zipped.substr(0, 8 + 17 + 16)}}));
  EXPECT_EQ(Rows(*url), (std::set<Row>{{g + "31", "https://mega.nz/file/Ab3dEf", zipped.substr(31 - 16)}}));
  ASSERT_EQ(RunCairn("extract --no-decode --format feature-files --out '" + (dir / "fe2").string() + "' '" +
                     (dir / "in.bin").string() + "'"), 0);
  auto no_decode = ReadFeatureFile(dir / "fe2" / "email.txt");
  ASSERT_TRUE(no_decode.ok());
  EXPECT_EQ(Rows(*no_decode), std::set<Row>{plain});
}

}  // namespace
}  // namespace cairn::extract
