// SniffMediaType / MediaTypeName / IsDecodableImage on hand-built headers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cairn/media/media_type.h"
#include "test_images.h"

namespace cairn::media {
namespace {

using testimg::Bytes;

MediaType Sniff(std::string_view s) {
  const auto b = Bytes(s);
  return SniffMediaType(b);
}

std::string Ftyp(std::string_view major, std::string_view compatible) {
  std::string box(4, '\0');
  box += "ftyp";
  box += major;
  box += std::string("\0\0\0\0", 4);
  box += compatible;
  box[3] = static_cast<char>(box.size());
  return box;
}

TEST(SniffTest, StillImages) {
  EXPECT_EQ(Sniff("\xFF\xD8\xFF\xE0\0\x10JFIF"), MediaType::kJpeg);
  EXPECT_EQ(Sniff("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"), MediaType::kPng);
  EXPECT_EQ(Sniff("GIF87a\x01\0\x01\0"), MediaType::kGif);
  EXPECT_EQ(Sniff("GIF89a\x01\0\x01\0"), MediaType::kGif);
  EXPECT_EQ(Sniff(std::string("RIFF\x24\0\0\0WEBPVP8 ", 16)), MediaType::kWebp);
  EXPECT_EQ(Sniff(std::string("BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18)), MediaType::kBmp);
  EXPECT_EQ(Sniff(std::string("II*\0\x08\0\0\0", 8)), MediaType::kTiff);
  EXPECT_EQ(Sniff(std::string("MM\0*\0\0\0\x08", 8)), MediaType::kTiff);
  EXPECT_EQ(Sniff(Ftyp("heic", "mif1heic")), MediaType::kHeic);
  EXPECT_EQ(Sniff(Ftyp("mif1", "mif1heic")), MediaType::kHeic);
  EXPECT_EQ(Sniff(Ftyp("avif", "mif1avifmiaf")), MediaType::kAvif);
  EXPECT_EQ(Sniff(Ftyp("mif1", "mif1miaf")), MediaType::kHeif);
  for (char k = '1'; k <= '6'; ++k) {
    EXPECT_EQ(Sniff(std::string("P") + k + "\n2 2\n255\n"), MediaType::kPnm) << k;
  }
}

TEST(SniffTest, VideoAndContainers) {
  EXPECT_EQ(Sniff(Ftyp("isom", "isomiso2avc1mp41")), MediaType::kMp4);
  EXPECT_EQ(Sniff(Ftyp("mp42", "mp42isom")), MediaType::kMp4);
  EXPECT_EQ(Sniff(Ftyp("qt  ", "qt  ")), MediaType::kQuickTime);
  EXPECT_EQ(Sniff(Ftyp("3gp5", "3gp5isom")), MediaType::k3gp);
  EXPECT_EQ(Sniff(std::string("\0\0\0\x08moov", 8)), MediaType::kQuickTime);
  EXPECT_EQ(Sniff(std::string("RIFF\0\0\0\0AVI LIST", 16)), MediaType::kAvi);
  EXPECT_EQ(Sniff(std::string("\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x88matroska", 20)),
            MediaType::kMatroska);
  EXPECT_EQ(Sniff(std::string("\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm", 16)),
            MediaType::kWebm);
  EXPECT_EQ(Sniff("PK\x03\x04\x14\0"), MediaType::kZip);
  EXPECT_EQ(Sniff(std::string("PK\x05\x06\0\0", 6)), MediaType::kZip);
  EXPECT_EQ(Sniff("7z\xBC\xAF\x27\x1C\0\x04"), MediaType::k7z);
  EXPECT_EQ(Sniff(std::string("Rar!\x1A\x07\x00\xCF", 8)), MediaType::kRar);
  EXPECT_EQ(Sniff(std::string("Rar!\x1A\x07\x01\x00", 8)), MediaType::kRar);
  EXPECT_EQ(Sniff(std::string("\x1F\x8B\x08\0", 4)), MediaType::kGzip);
  EXPECT_EQ(Sniff("%PDF-1.7\n"), MediaType::kPdf);
  EXPECT_EQ(Sniff(std::string("SQLite format 3\0\x10\0", 18)), MediaType::kSqlite);
  EXPECT_EQ(Sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), MediaType::kOle);
}

TEST(SniffTest, UnknownShortAndLookalikes) {
  EXPECT_EQ(SniffMediaType({}), MediaType::kUnknown);
  EXPECT_EQ(Sniff("\xFF"), MediaType::kUnknown);
  EXPECT_EQ(Sniff("\xFF\xD8"), MediaType::kUnknown);  // SOI alone is not enough
  EXPECT_EQ(Sniff("hello world, plain text"), MediaType::kUnknown);
  EXPECT_EQ(Sniff("BMW is a car maker"), MediaType::kUnknown);  // "BM" without a DIB header
  EXPECT_EQ(Sniff(std::string("RIFF\0\0\0\0WAVEfmt ", 16)), MediaType::kUnknown);
  EXPECT_EQ(Sniff("P7\nWIDTH 2\n"), MediaType::kUnknown);
  EXPECT_EQ(Sniff("Photo.jpg"), MediaType::kUnknown);  // names never decide
}

TEST(SniffTest, NamesAreStableMimeTypes) {
  EXPECT_EQ(MediaTypeName(MediaType::kJpeg), "image/jpeg");
  EXPECT_EQ(MediaTypeName(MediaType::kPng), "image/png");
  EXPECT_EQ(MediaTypeName(MediaType::kGif), "image/gif");
  EXPECT_EQ(MediaTypeName(MediaType::kWebp), "image/webp");
  EXPECT_EQ(MediaTypeName(MediaType::kBmp), "image/bmp");
  EXPECT_EQ(MediaTypeName(MediaType::kTiff), "image/tiff");
  EXPECT_EQ(MediaTypeName(MediaType::kHeic), "image/heic");
  EXPECT_EQ(MediaTypeName(MediaType::kAvif), "image/avif");
  EXPECT_EQ(MediaTypeName(MediaType::kMp4), "video/mp4");
  EXPECT_EQ(MediaTypeName(MediaType::kQuickTime), "video/quicktime");
  EXPECT_EQ(MediaTypeName(MediaType::kZip), "application/zip");
  EXPECT_EQ(MediaTypeName(MediaType::kPdf), "application/pdf");
  EXPECT_EQ(MediaTypeName(MediaType::kUnknown), "application/octet-stream");
}

TEST(SniffTest, DecodableImages) {
  for (MediaType t : {MediaType::kJpeg, MediaType::kPng, MediaType::kGif, MediaType::kWebp,
                      MediaType::kBmp, MediaType::kTiff, MediaType::kHeic, MediaType::kHeif,
                      MediaType::kAvif, MediaType::kPnm}) {
    EXPECT_TRUE(IsDecodableImage(t)) << MediaTypeName(t);
  }
  for (MediaType t : {MediaType::kUnknown, MediaType::kMp4, MediaType::kZip, MediaType::kPdf,
                      MediaType::kSqlite, MediaType::kWebm}) {
    EXPECT_FALSE(IsDecodableImage(t)) << MediaTypeName(t);
  }
}

}  // namespace
}  // namespace cairn::media
