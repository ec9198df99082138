// Pixel parity with ImageMagick 6.9.11 Q16 (`convert FILE -depth 8 ppm:-`), the decoder behind
// the PDQ reference hashes, over every decodable image in ../shared/data/pdq.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cairn/media/decode.h"
#include "cairn_test_support.h"
#include "imagemagick_reference.h"

namespace cairn::media {
namespace {

namespace fs = std::filesystem;
using cairn::testing::ReadFileBytes;
using magick::Compare;
using magick::ConvertToRgb;

std::vector<fs::path> DecodableImages(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto bytes = ReadFileBytes(entry.path());
    const size_t head = std::min<size_t>(bytes.size(), 64);
    if (IsDecodableImage(SniffMediaType({bytes.data(), head}))) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ImageMagickParity, EverySharedImageDecodesToTheSameBytes) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq");
  if (!magick::HaveConvert()) GTEST_SKIP() << "/usr/bin/convert (imagemagick) is not installed";
  const auto files = DecodableImages(root);
  ASSERT_GE(files.size(), 40u) << "expected the PDQ image set under " << root;
  int exact = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const auto bytes = ReadFileBytes(file);
    auto decoded = DecodeImage(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    auto reference = ConvertToRgb(file);
    ASSERT_TRUE(reference.has_value()) << "convert failed";
    ASSERT_EQ(decoded->image.width, reference->width);
    ASSERT_EQ(decoded->image.height, reference->height);
    const auto diff = Compare(decoded->image, *reference);
    EXPECT_EQ(diff.differing, 0u) << "max abs diff " << diff.max_abs;
    if (diff.differing == 0) ++exact;
  }
  std::printf("[ parity   ] %d of %zu images byte-identical to convert\n", exact, files.size());
}

}  // namespace
}  // namespace cairn::media
