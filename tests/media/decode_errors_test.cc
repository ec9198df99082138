// Bad input must come back as a Status naming the problem: empty, unknown, truncated, corrupt,
// and decompression bombs refused from their header before any pixel buffer is allocated.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cairn/media/decode.h"
#include "test_images.h"

namespace cairn::media {
namespace {

using testimg::Bytes;

TEST(DecodeErrorsTest, ZeroBytesIsCorrupt) {
  auto r = DecodeImage({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("zero bytes"), std::string::npos);
}

TEST(DecodeErrorsTest, NonImagesAreUnsupported) {
  for (std::string_view s : {std::string_view("hello world"), std::string_view("%PDF-1.4\n%\xE2\xE3"),
                             std::string_view("PK\x03\x04\x14\0\0\0")}) {
    auto r = DecodeImage(Bytes(s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << r.status().ToString();
  }
  auto pdf = DecodeImage(Bytes("%PDF-1.4\n"));
  EXPECT_NE(pdf.status().message().find("application/pdf"), std::string::npos);
}

// Headers claiming 60000x60000 (3.6 G pixels): refused as kLimitExceeded from the header alone.
TEST(DecodeErrorsTest, DecompressionBombsAreRefusedFromTheHeader) {
  const std::vector<std::pair<const char*, std::vector<uint8_t>>> bombs = {
      {"png", testimg::PngHeader(60000, 60000)},
      {"jpeg", testimg::JpegHeader(60000, 60000)},
      {"gif", testimg::GifHeader(60000, 60000)},
      {"bmp", testimg::BmpHeader(60000, 60000)},
      {"bmp-top-down", testimg::BmpHeader(60000, -60000)},
      {"pnm", Bytes("P6\n60000 60000\n255\n\x01\x02\x03")},
      {"pnm-plain", Bytes("P3\n60000 60000\n255\n1 2 3")},
  };
  for (const auto& [name, bytes] : bombs) {
    auto r = DecodeImage(bytes);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded) << name << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find("60000x60000"), std::string::npos) << r.status().ToString();
  }
}

TEST(DecodeErrorsTest, MaxPixelsOptionIsHonouredByEveryDecoder) {
  cairn::testing::TempDir dir;
  DecodeOptions tight;
  tight.max_pixels = 100;  // the 20x20 images below have 400
  for (const char* name : {"a.jpg", "a.png", "a.gif", "a.webp", "a.bmp", "a.tif", "a.ppm", "a.heic"}) {
    auto bytes = testimg::MakeWithConvert(dir, name, "-size 20x20 gradient:red-blue");
    if (!bytes) GTEST_SKIP() << "convert is missing or cannot write " << name;
    auto r = DecodeImage(*bytes, tight);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded) << name << ": " << r.status().ToString();
    auto ok = DecodeImage(*bytes);
    ASSERT_TRUE(ok.ok()) << name << ": " << ok.status().ToString();
    EXPECT_EQ(ok->image.width, 20);
  }
}

// Every format cut at several points: an error (kCorrupt), never a crash or a partial image.
TEST(DecodeErrorsTest, TruncatedFilesAreCorrupt) {
  cairn::testing::TempDir dir;
  for (const char* name : {"t.jpg", "p.jpg", "t.png", "i.png", "t.gif", "t.webp", "t.bmp",
                           "t.tif", "t.ppm", "t.pgm", "t.heic"}) {
    std::string args = "-seed 3 -size 64x48 plasma:fractal -depth 8";
    if (std::string(name) == "p.jpg") args += " -interlace JPEG";
    if (std::string(name) == "i.png") args += " -interlace PNG";
    if (std::string(name) == "t.pgm") args += " -compress None";
    auto bytes = testimg::MakeWithConvert(dir, name, args);
    if (!bytes) GTEST_SKIP() << "convert is missing or cannot write " << name;
    ASSERT_TRUE(DecodeImage(*bytes).ok()) << name;
    for (double keep : {0.1, 0.5, 0.9}) {
      std::vector<uint8_t> cut(bytes->begin(), bytes->begin() + static_cast<long>(bytes->size() * keep));
      auto r = DecodeImage(cut);
      EXPECT_FALSE(r.ok()) << name << " cut to " << keep << " decoded anyway";
      if (!r.ok()) {
        EXPECT_TRUE(r.status().code() == StatusCode::kCorrupt ||
                    r.status().code() == StatusCode::kUnsupported)
            << name << ": " << r.status().ToString();
      }
    }
  }
}

TEST(DecodeErrorsTest, TruncatedJpegNamesPrematureEnd) {
  cairn::testing::TempDir dir;
  auto bytes = testimg::MakeWithConvert(dir, "t.jpg", "-seed 3 -size 64x48 plasma:fractal");
  if (!bytes) GTEST_SKIP() << "convert is missing";
  bytes->resize(bytes->size() * 3 / 4);
  auto r = DecodeImage(*bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("premature end"), std::string::npos) << r.status().ToString();
}

// Strict by decision: a baseline JPEG whose data is complete but whose EOI marker is missing is
// still "premature end of data". libjpeg's Huffman decoder reads ahead past the last symbol, so
// the end of data is met before the last rows are out and cannot be told apart from a file cut
// inside its last MCU row. ImageMagick decodes it (with a warning); see docs/MEDIA.md.
TEST(DecodeErrorsTest, JpegMissingOnlyEoiIsCorrupt) {
  cairn::testing::TempDir dir;
  auto bytes = testimg::MakeWithConvert(dir, "e.jpg", "-seed 3 -size 64x48 plasma:fractal");
  if (!bytes) GTEST_SKIP() << "convert is missing";
  ASSERT_GE(bytes->size(), 2u);
  ASSERT_EQ((*bytes)[bytes->size() - 1], 0xD9);
  std::vector<uint8_t> no_eoi(bytes->begin(), bytes->end() - 2);
  auto r = DecodeImage(no_eoi);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << r.status().ToString();
}

// Flipped bytes in the entropy-coded data: decoding may succeed with damaged pixels or fail,
// but it returns, with the right image size when it succeeds.
TEST(DecodeErrorsTest, CorruptDataNeverCrashes) {
  cairn::testing::TempDir dir;
  for (const char* name : {"c.jpg", "c.png", "c.gif", "c.webp", "c.bmp", "c.tif", "c.heic"}) {
    auto bytes = testimg::MakeWithConvert(dir, name, "-seed 5 -size 40x30 plasma:fractal -depth 8");
    if (!bytes) GTEST_SKIP() << "convert is missing or cannot write " << name;
    for (size_t step = 7; step < 40; step += 11) {
      std::vector<uint8_t> bad = *bytes;
      for (size_t i = bad.size() / 3; i < bad.size(); i += step) bad[i] ^= 0x5A;
      auto r = DecodeImage(bad);
      if (r.ok()) {
        EXPECT_EQ(r->image.pixels.size(), static_cast<size_t>(r->image.width) * r->image.height * 3);
      } else {
        EXPECT_FALSE(r.status().message().empty()) << name;
      }
    }
  }
}

TEST(DecodeErrorsTest, GifLimitAppliesToTheFrameNotTheScreen) {
  cairn::testing::TempDir dir;
  auto gif = testimg::MakeWithConvert(dir, "f.gif", "-seed 1 -size 12x9 plasma:fractal -page 3000x2000+5+4");
  if (!gif) GTEST_SKIP() << "convert is missing";
  DecodeOptions options;
  options.max_pixels = 1000;  // the screen has 6 M pixels, the frame 108
  auto r = DecodeImage(*gif, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->image.width, 12);
  EXPECT_EQ(r->image.height, 9);
}

TEST(DecodeErrorsTest, TwelveBitJpegIsUnsupportedNotCorrupt) {
  auto jpeg = testimg::JpegHeader(16, 16);
  jpeg[6] = 12;  // SOF0 sample precision
  auto r = DecodeImage(jpeg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << r.status().ToString();
  EXPECT_NE(r.status().message().find("precision 12"), std::string::npos) << r.status().ToString();
}

TEST(DecodeErrorsTest, MalformedHandBuiltHeaders) {
  const std::vector<std::pair<const char*, std::vector<uint8_t>>> cases = {
      {"png-zero-width", testimg::PngHeader(0, 10)},
      {"jpeg-header-only", testimg::JpegHeader(16, 16)},
      {"gif-header-only", Bytes("GIF89a\x10\0\x10\0")},
      {"bmp-zero-height", testimg::BmpHeader(4, 0)},
      {"bmp-data-missing", testimg::BmpHeader(100, 100)},
      {"pnm-no-raster", Bytes("P6\n4 4\n255\n")},
      {"pnm-bad-maxval", Bytes("P5\n4 4\n0\n0000000000000000")},
      {"pnm-huge-maxval", Bytes("P5\n1 1\n70000\n\0\0")},
      {"pnm-plain-short", Bytes("P2\n2 2\n255\n1 2 3")},
      {"tiff-header-only", Bytes(std::string("II*\0\x08\0\0\0", 8))},
      {"webp-header-only", Bytes(std::string("RIFF\x24\0\0\0WEBPVP8 ", 16))},
      {"heic-ftyp-only", Bytes(std::string("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24))},
  };
  for (const auto& [name, bytes] : cases) {
    auto r = DecodeImage(bytes);
    EXPECT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().code(), StatusCode::kOk) << name;
  }
}

}  // namespace
}  // namespace cairn::media
