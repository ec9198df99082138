#include "cairn/scan/file_hasher.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cairn_test_support.h"

namespace cairn::scan {
namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// The whole pipeline (our own decoders + PDQ) against the reference hasher core run on
// ImageMagick's decode at full resolution: every hash, quality and dihedral variant must be equal.
TEST(FileHasherTest, BitExactWithReferenceOnSharedImages) {
  CAIRN_REQUIRE_SHARED_DATA(pdq_dir, "pdq");
  std::ifstream csv(pdq_dir / "expected/computed-cpp-fullres.csv");
  std::string line;
  std::getline(csv, line);  // header
  HashOptions options;
  options.dihedral = true;
  FileHasher hasher(options);
  int rows = 0;
  while (std::getline(csv, line)) {
    const auto f = SplitCsv(line);
    ASSERT_GE(f.size(), 11u) << line;
    const FileHashRecord r = hasher.HashFile(pdq_dir / f[0]);
    SCOPED_TRACE(f[0]);
    ASSERT_TRUE(r.error.ok()) << r.error.ToString();
    ASSERT_TRUE(r.pdq.has_value());
    EXPECT_EQ(r.pdq->hash.ToHex(), f[1]);
    EXPECT_EQ(r.pdq->quality, std::stoi(f[2]));
    ASSERT_TRUE(r.pdq_dihedral.has_value());
    for (int k = 0; k < 8; ++k) EXPECT_EQ((*r.pdq_dihedral)[static_cast<size_t>(k)].ToHex(), f[3 + static_cast<size_t>(k)]) << "variant " << k;
    ++rows;
  }
  EXPECT_GE(rows, 40);
}

TEST(FileHasherTest, DigestsEveryFileAndReportsWhatItCannotDecode) {
  testing::TempDir dir;
  testing::WriteFile(dir / "abc.txt", "abc");
  // A JPEG signature followed by garbage: sniffed as JPEG, fails to decode, keeps its digests.
  testing::WriteFile(dir / "broken.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + std::string(200, 'x'));
  FileHasher hasher({});
  const FileHashRecord text = hasher.HashFile(dir / "abc.txt");
  EXPECT_TRUE(text.error.ok());
  ASSERT_TRUE(text.digests.has_value());
  EXPECT_EQ(text.digests->md5.ToHex(), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(text.media_type, media::MediaType::kUnknown);
  EXPECT_FALSE(text.pdq.has_value());

  const FileHashRecord broken = hasher.HashFile(dir / "broken.jpg");
  EXPECT_EQ(broken.media_type, media::MediaType::kJpeg);
  ASSERT_TRUE(broken.digests.has_value());
  EXPECT_EQ(broken.size, 204u);
  EXPECT_FALSE(broken.error.ok());
  EXPECT_EQ(broken.error.code(), StatusCode::kCorrupt);
  EXPECT_FALSE(broken.pdq.has_value());

  const FileHashRecord missing = hasher.HashFile(dir / "missing.jpg");
  EXPECT_EQ(missing.error.code(), StatusCode::kNotFound);
  EXPECT_FALSE(missing.digests.has_value());
}

TEST(FileHasherTest, LargeFilesStreamAndMatchOneShotDigests) {
  testing::TempDir dir;
  std::string big(5 * (1 << 20) + 123, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  testing::WriteFile(dir / "big.bin", big);
  FileHasher hasher({});
  const FileHashRecord r = hasher.HashFile(dir / "big.bin");
  ASSERT_TRUE(r.digests.has_value());
  const FileDigests expect =
      DigestBytes({reinterpret_cast<const uint8_t*>(big.data()), big.size()});
  EXPECT_EQ(r.digests->sha256, expect.sha256);
  EXPECT_EQ(r.digests->md5, expect.md5);
  EXPECT_EQ(r.size, big.size());
}

TEST(FileHasherTest, ImagesOverTheDecodeLimitKeepTheirDigests) {
  CAIRN_REQUIRE_SHARED_DATA(jpg, "pdq/bridge-mods/aaa-orig.jpg");
  HashOptions options;
  options.max_image_bytes = 1000;
  FileHasher hasher(options);
  const FileHashRecord r = hasher.HashFile(jpg);
  EXPECT_EQ(r.error.code(), StatusCode::kLimitExceeded);
  ASSERT_TRUE(r.digests.has_value());
  EXPECT_EQ(r.digests->sha256.ToHex().substr(0, 16), "b5b0799616df52d4");
}

TEST(FileHasherTest, HashBytesEqualsHashFile) {
  CAIRN_REQUIRE_SHARED_DATA(png, "pdq/misc-images/c.png");
  FileHasher hasher({});
  const auto bytes = testing::ReadFileBytes(png);
  const FileHashRecord a = hasher.HashFile(png);
  const FileHashRecord b = hasher.HashBytes(png, bytes);
  ASSERT_TRUE(a.pdq && b.pdq);
  EXPECT_EQ(a.pdq->hash, b.pdq->hash);
  EXPECT_EQ(a.digests->sha1, b.digests->sha1);
}

}  // namespace
}  // namespace cairn::scan
