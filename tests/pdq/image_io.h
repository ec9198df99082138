// Test helpers: decode an image file to packed RGB with ImageMagick (`convert FILE -depth 8
// ppm:-`, the decoder behind the expected lists) and read the expected-hash CSVs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cairn::pdq::testing {

inline constexpr const char* kConvert = "/usr/bin/convert";

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // packed rows
};

// Parses binary PPM (P6) or PGM (P5) with maxval 255; grey is expanded to RGB.
inline std::optional<RgbImage> ParsePnm(const std::string& bytes) {
  size_t pos = 0;
  auto skip_space = [&] {
    while (pos < bytes.size()) {
      if (bytes[pos] == '#') {
        while (pos < bytes.size() && bytes[pos] != '\n') ++pos;
      } else if (std::isspace(static_cast<unsigned char>(bytes[pos]))) {
        ++pos;
      } else {
        break;
      }
    }
  };
  auto read_int = [&]() -> long {
    skip_space();
    long v = 0;
    bool any = false;
    while (pos < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[pos]))) {
      v = v * 10 + (bytes[pos++] - '0');
      any = true;
      if (v > 1000000) return -1;
    }
    return any ? v : -1;
  };
  if (bytes.size() < 2 || bytes[0] != 'P' || (bytes[1] != '6' && bytes[1] != '5')) return {};
  const int channels = bytes[1] == '6' ? 3 : 1;
  pos = 2;
  const long w = read_int();
  const long h = read_int();
  const long maxval = read_int();
  if (w < 1 || h < 1 || maxval != 255 || pos >= bytes.size()) return {};
  ++pos;  // the single whitespace after maxval
  const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h);
  if (bytes.size() - pos < n * channels) return {};
  RgbImage img;
  img.width = static_cast<int>(w);
  img.height = static_cast<int>(h);
  img.rgb.resize(3 * n);
  for (size_t k = 0; k < n; ++k) {
    for (int c = 0; c < 3; ++c) {
      img.rgb[3 * k + c] = static_cast<uint8_t>(bytes[pos + k * channels + (channels == 3 ? c : 0)]);
    }
  }
  return img;
}

inline bool HaveConvert() { return std::filesystem::exists(kConvert); }

inline std::optional<RgbImage> DecodeWithConvert(const std::filesystem::path& file) {
  const std::string cmd = std::string(kConvert) + " '" + file.string() + "' -depth 8 ppm:- 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string bytes;
  char buf[1 << 16];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, pipe)) > 0) bytes.append(buf, got);
  if (pclose(pipe) != 0) return {};
  return ParsePnm(bytes);
}

// A CSV with a header row and no quoted commas before the last column we read.
inline std::vector<std::vector<std::string>> ReadCsv(const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(file);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace cairn::pdq::testing
