// Pixel parity with ImageMagick on images generated here with ImageMagick itself (plasma and
// gradients, never photos): every encoder variant each decoder must handle. Exact unless a
// bound is given, and each bound says why.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cairn/media/decode.h"
#include "cairn_test_support.h"
#include "imagemagick_reference.h"

namespace cairn::media {
namespace {

struct Variant {
  const char* name;     // output file name; its extension picks the encoder
  const char* args;     // convert arguments between the source and the output
  int max_abs_diff;     // 0 = byte-identical
  const char* why;      // reason for a non-zero bound
};

// 61x47: odd sizes exercise partial MCUs, edge upsampling and row padding.
constexpr const char* kSource = "-seed 42 -size 61x47 plasma:fractal";

const Variant kVariants[] = {
    {"base420.jpg", "-quality 85 -sampling-factor 2x2", 0, ""},
    {"base422.jpg", "-quality 90 -sampling-factor 2x1", 0, ""},
    {"base440.jpg", "-quality 90 -sampling-factor 1x2", 0, ""},
    {"base444.jpg", "-quality 75 -sampling-factor 1x1", 0, ""},
    {"progressive.jpg", "-quality 80 -interlace JPEG", 0, ""},
    {"gray.jpg", "-colorspace Gray -quality 80", 0, ""},
    {"cmyk.jpg", "-colorspace CMYK -quality 90", 0, ""},
    {"q5.jpg", "-quality 5", 0, ""},
    {"rgb8.png", "-depth 8", 0, ""},
    {"rgba8.png", "-alpha set -channel A -evaluate set 50% +channel -depth 8", 0, ""},
    {"gray8.png", "-colorspace Gray -depth 8", 0, ""},
    {"graya8.png", "-colorspace Gray -alpha set -channel A -evaluate set 30% +channel -depth 8", 0, ""},
    {"palette.png", "-colors 50 PNG8:", 0, ""},
    {"palette2bit.png", "-colors 2 -type Palette -depth 8", 0, ""},   // colour type 3, depth 2
    {"palette4bit.png", "-colors 12 -type Palette -depth 8", 0, ""},  // colour type 3, depth 4
    {"gray1.png", "-colorspace Gray -threshold 50% -define png:bit-depth=1", 0, ""},
    {"gray2.png", "-colorspace Gray -posterize 4 -define png:bit-depth=2 -define png:color-type=0", 0, ""},
    {"gray4.png", "-colorspace Gray -posterize 16 -define png:bit-depth=4 -define png:color-type=0", 0, ""},
    {"rgb16.png", "-depth 16 -evaluate multiply 0.9731", 0, ""},
    {"gray16.png", "-colorspace Gray -depth 16 -evaluate multiply 0.9731", 0, ""},
    {"rgba16.png", "-depth 16 -alpha set -channel A -evaluate set 40% +channel", 0, ""},
    {"interlaced.png", "-interlace PNG -depth 8", 0, ""},
    {"interlaced16.png", "-interlace PNG -depth 16", 0, ""},
    {"lossy.webp", "-quality 70", 0, ""},
    {"lossless.webp", "-define webp:lossless=true", 0, ""},
    {"alpha.webp", "-alpha set -channel A -evaluate set 50% +channel -quality 80", 0, ""},
    {"plain.gif", "", 0, ""},
    {"interlaced.gif", "-interlace GIF", 0, ""},
    {"offset-frame.gif", "-page 90x70+5+4", 0, ""},  // first frame smaller than the screen
    {"rgb24.bmp", "BMP3:", 0, ""},
    {"palette8.bmp", "-colors 200 -type Palette BMP3:", 0, ""},
    {"palette4.bmp", "-colors 16 -type Palette BMP3:", 0, ""},
    {"mono.bmp", "-monochrome BMP3:", 0, ""},
    {"rgba32.bmp", "-alpha set -channel A -evaluate set 50% +channel BMP:", 0, ""},
    {"rgb565.bmp", "-define bmp:subtype=RGB565 BMP:", 0, ""},
    {"rgb555.bmp", "-define bmp:subtype=RGB555 BMP:", 0, ""},
    {"rle8.bmp", "-colors 100 -type Palette -compress RLE BMP3:", 0, ""},
    {"rgb.tif", "-compress None -depth 8", 0, ""},
    {"lzw.tif", "-compress LZW -depth 8", 0, ""},
    {"zip.tif", "-compress Zip -depth 8", 0, ""},
    {"tiled.tif", "-depth 8 -define tiff:tile-geometry=16x16", 0, ""},
    {"gray.tif", "-colorspace Gray -depth 8", 0, ""},
    {"palette.tif", "-colors 40 -type Palette -depth 8", 0, ""},
    {"rgb16.tif", "-depth 16 -evaluate multiply 0.9731", 1, "libtiff's RGBA interface reduces 16-bit samples with v>>8, ImageMagick with floor(v/257)"},
    {"p6.ppm", "-depth 8", 0, ""},
    {"p5.pgm", "-colorspace Gray -depth 8", 0, ""},
    {"p4.pbm", "-monochrome", 0, ""},
    {"p3.ppm", "-compress None -depth 8", 0, ""},
    {"p3x16.ppm", "-compress None -depth 16", 0, ""},
    {"p2.pgm", "-colorspace Gray -compress None -depth 8", 0, ""},
    {"p1.pbm", "-monochrome -compress None", 0, ""},
    {"p6x16.ppm", "-depth 16 -evaluate multiply 0.9731", 0, ""},
    {"image.heic", "-quality 80", 0, ""},
    {"image.avif", "-quality 80", 0, ""},
};

class GeneratedParity : public ::testing::TestWithParam<Variant> {};

TEST_P(GeneratedParity, MatchesConvert) {
  if (!magick::HaveConvert()) GTEST_SKIP() << "/usr/bin/convert (imagemagick) is not installed";
  const Variant& v = GetParam();
  cairn::testing::TempDir dir;
  const auto file = dir / v.name;
  std::string out = v.args;
  // A trailing "FMT:" in args is a coder prefix for the output name.
  std::string prefix;
  if (!out.empty() && out.back() == ':') {
    const size_t space = out.rfind(' ');
    prefix = out.substr(space == std::string::npos ? 0 : space + 1);
    out = out.substr(0, space == std::string::npos ? 0 : space);
  }
  const std::string cmd = std::string("/usr/bin/convert ") + kSource + " " + out + " " +
                          magick::ShellQuote(prefix + file.string()) + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "this convert cannot write " << v.name;
  const auto bytes = cairn::testing::ReadFileBytes(file);
  auto decoded = DecodeImage(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  auto reference = magick::ConvertToRgb(file);
  ASSERT_TRUE(reference.has_value());
  ASSERT_EQ(decoded->image.width, reference->width);
  ASSERT_EQ(decoded->image.height, reference->height);
  const auto diff = magick::Compare(decoded->image, *reference);
  EXPECT_LE(diff.max_abs, v.max_abs_diff) << diff.differing << " bytes differ; " << v.why;
  if (v.max_abs_diff > 0) {
    std::printf("[ bounded  ] %s: %zu bytes differ, max %d (%s)\n", v.name, diff.differing,
                diff.max_abs, v.why);
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, GeneratedParity, ::testing::ValuesIn(kVariants),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           std::string n = info.param.name;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace cairn::media
