// EXIF orientation (reported and applied, against `convert -auto-orient`), fast-mode JPEG DCT
// scaling, and concurrent decoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cairn/media/decode.h"
#include "test_images.h"

namespace cairn::media {
namespace {

namespace fs = std::filesystem;

// An APP1 "Exif" segment whose IFD0 holds only Orientation = `orientation` (big-endian TIFF).
std::vector<uint8_t> ExifApp1(int orientation) {
  std::vector<uint8_t> tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                               0, static_cast<uint8_t>(orientation), 0, 0, 0, 0, 0, 0};
  const size_t length = 2 + 6 + tiff.size();
  std::vector<uint8_t> seg = {0xFF, 0xE1, static_cast<uint8_t>(length >> 8),
                              static_cast<uint8_t>(length & 0xff), 'E', 'x', 'i', 'f', 0, 0};
  for (uint8_t b : tiff) seg.push_back(b);
  return seg;
}

std::vector<uint8_t> WithExif(const std::vector<uint8_t>& jpeg, int orientation) {
  std::vector<uint8_t> out = {jpeg[0], jpeg[1]};  // SOI
  for (uint8_t b : ExifApp1(orientation)) out.push_back(b);
  for (size_t i = 2; i < jpeg.size(); ++i) out.push_back(jpeg[i]);
  return out;
}

TEST(ExifOrientationTest, AllEightOrientationsMatchConvertAutoOrient) {
  cairn::testing::TempDir dir;
  auto base = testimg::MakeWithConvert(dir, "base.jpg", "-seed 9 -size 37x23 plasma:fractal -quality 90");
  if (!base) GTEST_SKIP() << "convert is missing";
  for (int o = 1; o <= 8; ++o) {
    SCOPED_TRACE(::testing::Message() << "orientation " << o);
    const auto bytes = WithExif(*base, o);
    const fs::path file = dir / (std::to_string(o) + "o.jpg");
    cairn::testing::WriteFile(file, std::string(bytes.begin(), bytes.end()));

    auto raw = DecodeImage(bytes);
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    EXPECT_EQ(raw->exif_orientation, o);
    EXPECT_EQ(raw->image.width, 37);  // not applied by default

    DecodeOptions apply;
    apply.apply_exif_orientation = true;
    auto oriented = DecodeImage(bytes, apply);
    ASSERT_TRUE(oriented.ok());
    auto reference = magick::ConvertToRgb(file, "-auto-orient");
    ASSERT_TRUE(reference.has_value());
    ASSERT_EQ(oriented->image.width, reference->width);
    ASSERT_EQ(oriented->image.height, reference->height);
    EXPECT_EQ(oriented->image.pixels, reference->pixels);
    EXPECT_EQ(oriented->image.width, o >= 5 ? 23 : 37);
  }
}

TEST(ExifOrientationTest, SharedExifRotationPhotosMatchConvertAutoOrient) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "pdq/reg-test-input/exif-rotn");
  if (!magick::HaveConvert()) GTEST_SKIP() << "convert is missing";
  for (int o : {1, 3, 6, 8}) {
    std::string name = "exif-rotn-";
    name += std::to_string(o);
    name += ".jpg";
    const fs::path file = dir / name;
    SCOPED_TRACE(file.string());
    const auto bytes = cairn::testing::ReadFileBytes(file);
    DecodeOptions apply;
    apply.apply_exif_orientation = true;
    auto decoded = DecodeImage(bytes, apply);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->exif_orientation, o);
    EXPECT_EQ(decoded->source_width, 4032);
    auto reference = magick::ConvertToRgb(file, "-auto-orient");
    ASSERT_TRUE(reference.has_value());
    ASSERT_EQ(decoded->image.width, reference->width);
    ASSERT_EQ(decoded->image.height, reference->height);
    EXPECT_TRUE(decoded->image.pixels == reference->pixels);
  }
}

TEST(ExifOrientationTest, PngExifChunkIsReported) {
  cairn::testing::TempDir dir;
  auto png = testimg::MakeWithConvert(dir, "a.png", "-size 6x4 gradient:red-blue -depth 8");
  if (!png) GTEST_SKIP() << "convert is missing";
  // Insert an eXIf chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
  const auto app1 = ExifApp1(6);
  std::vector<uint8_t> tiff(app1.begin() + 10, app1.end());  // without marker, length, "Exif\0\0"
  std::vector<uint8_t> chunk;
  testimg::PngChunk(chunk, "eXIf", tiff);
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < 33; ++i) bytes.push_back((*png)[i]);
  for (uint8_t b : chunk) bytes.push_back(b);
  for (size_t i = 33; i < png->size(); ++i) bytes.push_back((*png)[i]);
  auto r = DecodeImage(bytes);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exif_orientation, 6);
  DecodeOptions apply;
  apply.apply_exif_orientation = true;
  auto rotated = DecodeImage(bytes, apply);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->image.width, 4);
  EXPECT_EQ(rotated->image.height, 6);
}

TEST(ExifOrientationTest, WebpExifChunkIsReported) {
  cairn::testing::TempDir dir;
  auto base = testimg::MakeWithConvert(dir, "base.jpg", "-seed 9 -size 37x23 plasma:fractal -quality 90");
  if (!base) GTEST_SKIP() << "convert is missing";
  const auto bytes = WithExif(*base, 6);
  cairn::testing::WriteFile(dir / "o6.jpg", std::string(bytes.begin(), bytes.end()));
  // ImageMagick carries the EXIF profile into a VP8X WebP's EXIF chunk.
  auto webp = testimg::MakeWithConvert(dir, "o6.webp", magick::ShellQuote((dir / "o6.jpg").string()));
  if (!webp) GTEST_SKIP() << "convert cannot write WebP";
  auto r = DecodeImage(*webp);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exif_orientation, 6);
  DecodeOptions apply;
  apply.apply_exif_orientation = true;
  auto rotated = DecodeImage(*webp, apply);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->image.width, 23);
  EXPECT_EQ(rotated->image.height, 37);
}

TEST(ExifOrientationTest, TiffOrientationTagMatchesConvertAutoOrient) {
  cairn::testing::TempDir dir;
  auto tif = testimg::MakeWithConvert(dir, "o.tif", "-seed 2 -size 13x7 plasma:fractal -depth 8 -orient RightTop");
  if (!tif) GTEST_SKIP() << "convert is missing";
  DecodeOptions apply;
  apply.apply_exif_orientation = true;
  auto r = DecodeImage(*tif, apply);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exif_orientation, 6);
  auto reference = magick::ConvertToRgb(dir / "o.tif", "-auto-orient");
  ASSERT_TRUE(reference.has_value());
  ASSERT_EQ(r->image.width, reference->width);
  ASSERT_EQ(r->image.height, reference->height);
  EXPECT_EQ(r->image.pixels, reference->pixels);
}

TEST(ExifOrientationTest, ApplyOnTinyImageMovesCornersAsSpecified) {
  // 2x1 image: left pixel A, right pixel B. Orientation 6 (rotate 90 CW) gives A above B.
  RgbImage img{2, 1, {1, 1, 1, 2, 2, 2}};
  ApplyExifOrientation(img, 6);
  EXPECT_EQ(img.width, 1);
  EXPECT_EQ(img.height, 2);
  EXPECT_EQ(img.pixels, (std::vector<uint8_t>{1, 1, 1, 2, 2, 2}));
  RgbImage img8{2, 1, {1, 1, 1, 2, 2, 2}};
  ApplyExifOrientation(img8, 8);  // rotate 270 CW: B above A
  EXPECT_EQ(img8.pixels, (std::vector<uint8_t>{2, 2, 2, 1, 1, 1}));
  RgbImage img2{2, 1, {1, 1, 1, 2, 2, 2}};
  ApplyExifOrientation(img2, 2);  // mirror
  EXPECT_EQ(img2.pixels, (std::vector<uint8_t>{2, 2, 2, 1, 1, 1}));
  RgbImage same{2, 1, {1, 1, 1, 2, 2, 2}};
  ApplyExifOrientation(same, 9);  // invalid: unchanged
  EXPECT_EQ(same.pixels, (std::vector<uint8_t>{1, 1, 1, 2, 2, 2}));
}

TEST(FastModeTest, JpegScalesInTheDctDomainByTheSmallestSufficientPowerOfTwo) {
  cairn::testing::TempDir dir;
  auto jpg = testimg::MakeWithConvert(dir, "big.jpg", "-size 4000x3000 gradient:navy-orange -quality 80");
  if (!jpg) GTEST_SKIP() << "convert is missing";
  struct Case { int min_dim; int w; int h; };
  for (const Case c : {Case{512, 1000, 750}, Case{700, 1000, 750}, Case{376, 1000, 750},
                       Case{375, 500, 375}, Case{800, 2000, 1500}, Case{3000, 4000, 3000},
                       Case{5000, 4000, 3000}, Case{0, 4000, 3000}}) {
    DecodeOptions fast;
    fast.jpeg_min_dimension = c.min_dim;
    auto r = DecodeImage(*jpg, fast);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->image.width, c.w) << "min " << c.min_dim;
    EXPECT_EQ(r->image.height, c.h) << "min " << c.min_dim;
    EXPECT_EQ(r->source_width, 4000);
    EXPECT_EQ(r->source_height, 3000);
  }
}

TEST(FastModeTest, OtherFormatsIgnoreTheOption) {
  cairn::testing::TempDir dir;
  DecodeOptions fast;
  fast.jpeg_min_dimension = 16;
  for (const char* name : {"a.png", "a.webp", "a.gif", "a.bmp"}) {
    auto bytes = testimg::MakeWithConvert(dir, name, "-size 64x48 gradient:red-blue -depth 8");
    if (!bytes) GTEST_SKIP() << "convert is missing";
    auto r = DecodeImage(*bytes, fast);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(r->image.width, 64) << name;
    EXPECT_EQ(r->image.height, 48) << name;
  }
}

TEST(ConcurrencyTest, ManyThreadsDecodeTheSameBytesAsOne) {
  cairn::testing::TempDir dir;
  std::vector<std::vector<uint8_t>> inputs;
  for (const char* name : {"a.jpg", "b.png", "c.gif", "d.webp", "e.tif", "f.heic", "g.bmp"}) {
    auto bytes = testimg::MakeWithConvert(dir, name, "-seed 4 -size 90x70 plasma:fractal -depth 8");
    if (!bytes) GTEST_SKIP() << "convert is missing or cannot write " << name;
    inputs.push_back(*bytes);
  }
  std::vector<std::vector<uint8_t>> expected;
  for (const auto& in : inputs) {
    auto r = DecodeImage(in);
    ASSERT_TRUE(r.ok());
    expected.push_back(r->image.pixels);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          auto r = DecodeImage(inputs[(i + t) % inputs.size()]);
          if (!r.ok() || r->image.pixels != expected[(i + t) % inputs.size()]) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace cairn::media
