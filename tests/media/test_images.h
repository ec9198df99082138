// Test helpers: small images built in the test, either by hand (headers for bombs and sniffing)
// or by ImageMagick from plasma/gradient sources (never photos).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn_test_support.h"
#include "imagemagick_reference.h"

namespace cairn::media::testimg {

inline std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

inline void Put16Be(std::vector<uint8_t>& v, uint32_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
inline void Put32Be(std::vector<uint8_t>& v, uint32_t x) {
  Put16Be(v, x >> 16);
  Put16Be(v, x & 0xffff);
}
inline void Put16Le(std::vector<uint8_t>& v, uint32_t x) {
  v.push_back(static_cast<uint8_t>(x));
  v.push_back(static_cast<uint8_t>(x >> 8));
}
inline void Put32Le(std::vector<uint8_t>& v, uint32_t x) {
  Put16Le(v, x & 0xffff);
  Put16Le(v, x >> 16);
}

inline uint32_t Crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

// One PNG chunk with its CRC.
inline void PngChunk(std::vector<uint8_t>& png, std::string_view type, const std::vector<uint8_t>& data) {
  Put32Be(png, static_cast<uint32_t>(data.size()));
  const size_t start = png.size();
  png.insert(png.end(), type.begin(), type.end());
  png.insert(png.end(), data.begin(), data.end());
  Put32Be(png, Crc32(png.data() + start, png.size() - start));
}

// A PNG signature, IHDR (8-bit RGB), an empty IDAT and IEND: png_read_info gets this far.
inline std::vector<uint8_t> PngHeader(uint32_t width, uint32_t height) {
  std::vector<uint8_t> png = Bytes("\x89PNG\r\n\x1A\n");
  std::vector<uint8_t> ihdr;
  Put32Be(ihdr, width);
  Put32Be(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
  PngChunk(png, "IHDR", ihdr);
  PngChunk(png, "IDAT", {});
  PngChunk(png, "IEND", {});
  return png;
}

// SOI, SOF0 (3 components, 4:4:4), SOS: jpeg_read_header accepts this much.
inline std::vector<uint8_t> JpegHeader(uint32_t width, uint32_t height) {
  std::vector<uint8_t> j = {0xFF, 0xD8, 0xFF, 0xC0};
  Put16Be(j, 17);
  j.push_back(8);
  Put16Be(j, height);
  Put16Be(j, width);
  j.push_back(3);
  for (uint8_t id = 1; id <= 3; ++id) j.insert(j.end(), {id, 0x11, 0});
  j.insert(j.end(), {0xFF, 0xDA});
  Put16Be(j, 12);
  j.push_back(3);
  for (uint8_t id = 1; id <= 3; ++id) j.insert(j.end(), {id, 0});
  j.insert(j.end(), {0, 63, 0});
  return j;
}

inline std::vector<uint8_t> GifHeader(uint32_t width, uint32_t height) {
  std::vector<uint8_t> g = Bytes("GIF89a");
  Put16Le(g, width);
  Put16Le(g, height);
  g.insert(g.end(), {0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff});  // 2-colour global table
  g.push_back(0x2C);                                           // image descriptor
  Put16Le(g, 0);
  Put16Le(g, 0);
  Put16Le(g, width);
  Put16Le(g, height);
  g.push_back(0);
  g.insert(g.end(), {2, 2, 0x4C, 0x01, 0, 0x3B});  // tiny LZW data, trailer
  return g;
}

inline std::vector<uint8_t> BmpHeader(int32_t width, int32_t height) {
  std::vector<uint8_t> b = Bytes("BM");
  Put32Le(b, 0);
  Put32Le(b, 0);
  Put32Le(b, 54);
  Put32Le(b, 40);
  Put32Le(b, static_cast<uint32_t>(width));
  Put32Le(b, static_cast<uint32_t>(height));
  Put16Le(b, 1);
  Put16Le(b, 24);
  for (int i = 0; i < 6; ++i) Put32Le(b, 0);
  b.insert(b.end(), 16, 0x80);
  return b;
}

// Writes `source` + `args` to dir/name with convert; nullopt when convert is missing or fails.
inline std::optional<std::vector<uint8_t>> MakeWithConvert(const cairn::testing::TempDir& dir,
                                                           const std::string& name,
                                                           const std::string& source_and_args) {
  if (!magick::HaveConvert()) return std::nullopt;
  const auto path = dir / name;
  const std::string cmd = "/usr/bin/convert " + source_and_args + " " +
                          magick::ShellQuote(path.string()) + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  return cairn::testing::ReadFileBytes(path);
}

}  // namespace cairn::media::testimg
