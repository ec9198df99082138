// Test helper: the reference pixels, from ImageMagick's `convert FILE [args] -depth 8 ppm:-`,
// parsed from the binary PPM it writes. Returns nullopt when convert is missing or fails.
#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cairn/media/decode.h"

namespace cairn::media::magick {

inline bool HaveConvert() { return std::filesystem::exists("/usr/bin/convert"); }

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// Parses one binary PPM (P6, maxval 255).
inline std::optional<RgbImage> ParsePpm(const std::vector<uint8_t>& d) {
  size_t pos = 0;
  auto token = [&]() -> std::optional<long> {
    while (pos < d.size()) {
      if (d[pos] == '#') {
        while (pos < d.size() && d[pos] != '\n') ++pos;
      } else if (std::isspace(d[pos])) {
        ++pos;
      } else {
        break;
      }
    }
    long v = 0;
    size_t start = pos;
    while (pos < d.size() && std::isdigit(d[pos])) v = v * 10 + (d[pos++] - '0');
    if (pos == start) return std::nullopt;
    return v;
  };
  if (d.size() < 2 || d[0] != 'P' || d[1] != '6') return std::nullopt;
  pos = 2;
  auto w = token();
  auto h = token();
  auto maxval = token();
  if (!w || !h || !maxval || *maxval != 255) return std::nullopt;
  ++pos;  // the single whitespace byte after maxval
  RgbImage img;
  img.width = static_cast<int>(*w);
  img.height = static_cast<int>(*h);
  const size_t n = static_cast<size_t>(*w) * *h * 3;
  if (d.size() - pos < n) return std::nullopt;
  img.pixels.assign(d.begin() + pos, d.begin() + pos + n);
  return img;
}

inline std::optional<RgbImage> ConvertToRgb(const std::filesystem::path& file,
                                            const std::string& extra_args = "") {
  const std::string cmd = "/usr/bin/convert " + ShellQuote(file.string()) + "[0] " + extra_args +
                          " -depth 8 ppm:- 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) data.insert(data.end(), buf, buf + n);
  if (pclose(pipe) != 0) return std::nullopt;
  return ParsePpm(data);
}

struct PixelDiff {
  int max_abs = 0;
  size_t differing = 0;  // bytes that differ
};

inline PixelDiff Compare(const RgbImage& a, const RgbImage& b) {
  PixelDiff d;
  for (size_t i = 0; i < a.pixels.size() && i < b.pixels.size(); ++i) {
    const int diff = std::abs(int{a.pixels[i]} - int{b.pixels[i]});
    if (diff != 0) {
      ++d.differing;
      if (diff > d.max_abs) d.max_abs = diff;
    }
  }
  return d;
}

}  // namespace cairn::media::magick
