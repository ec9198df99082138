// Netpbm P1..P6, parsed here. Samples are scaled as ImageMagick Q16 does: to the 16-bit quantum
// with round(65535*v/maxval), then to 8 bits with ScaleQuantumToChar; values above maxval are
// clamped. P1/P4: 1 is black. Comments ('#' to end of line) are allowed between header tokens.
#include <algorithm>
#include <string>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

struct Reader {
  const uint8_t* d;
  size_t size;
  size_t pos = 0;

  void SkipSpaceAndComments() {
    while (pos < size) {
      if (d[pos] == '#') {
        while (pos < size && d[pos] != '\n' && d[pos] != '\r') ++pos;
      } else if (d[pos] == ' ' || d[pos] == '\t' || d[pos] == '\n' || d[pos] == '\r' ||
                 d[pos] == '\f' || d[pos] == '\v') {
        ++pos;
      } else {
        return;
      }
    }
  }

  // A decimal number; false on no digits or a value over `limit`.
  bool Number(uint64_t limit, uint64_t& value) {
    SkipSpaceAndComments();
    const size_t start = pos;
    value = 0;
    while (pos < size && d[pos] >= '0' && d[pos] <= '9') {
      value = value * 10 + (d[pos] - '0');
      if (value > limit) return false;
      ++pos;
    }
    return pos > start;
  }
};

uint8_t Scale(uint64_t v, uint64_t maxval) {
  if (v > maxval) v = maxval;
  if (maxval == 255) return static_cast<uint8_t>(v);
  const uint32_t q = static_cast<uint32_t>((65535.0 * static_cast<double>(v)) / static_cast<double>(maxval) + 0.5);
  return QuantumToChar(q);
}

}  // namespace

Status DecodePnm(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  if (bytes.size() < 3) return Status::Corrupt("PNM: file too short");
  const int kind = bytes[1] - '0';
  if (bytes[0] != 'P' || kind < 1 || kind > 6) return Status::Corrupt("PNM: bad magic");
  Reader r{bytes.data(), bytes.size(), 2};
  uint64_t width = 0;
  uint64_t height = 0;
  uint64_t maxval = 1;
  if (!r.Number(UINT32_MAX, width) || !r.Number(UINT32_MAX, height)) {
    return Status::Corrupt("PNM: bad width or height");
  }
  const bool bitmap = kind == 1 || kind == 4;
  if (!bitmap && (!r.Number(65535, maxval) || maxval == 0)) {
    return Status::Corrupt("PNM: bad maxval (must be 1..65535)");
  }
  out.source_width = static_cast<int>(std::min<uint64_t>(width, INT32_MAX));
  out.source_height = static_cast<int>(std::min<uint64_t>(height, INT32_MAX));
  CAIRN_RETURN_IF_ERROR(CheckDimensions("PNM", width, height, options));
  const bool binary = kind >= 4;
  if (binary) {
    if (r.pos >= r.size) return Status::Corrupt("PNM: premature end of data (no raster)");
    ++r.pos;  // exactly one whitespace byte separates the header from the raster
  }
  const int channels = (kind == 3 || kind == 6) ? 3 : 1;
  const size_t w = width;
  const size_t h = height;
  const size_t n = w * h;
  // Size check before allocating: a binary raster must be present in full.
  const size_t sample_bytes = maxval > 255 ? 2 : 1;
  if (binary) {
    const size_t need = kind == 4 ? ((w + 7) / 8) * h : n * channels * sample_bytes;
    if (r.size - r.pos < need) return Status::Corrupt("PNM: premature end of data (truncated raster)");
  } else {
    // A plain sample is at least one digit; P2/P3 samples also need a separator between them.
    const size_t need = kind == 1 ? n : 2 * n * channels - 1;
    if (r.size - r.pos < need) return Status::Corrupt("PNM: premature end of data (truncated raster)");
  }
  out.image.width = static_cast<int>(w);
  out.image.height = static_cast<int>(h);
  out.image.pixels.resize(n * 3);
  uint8_t* dst = out.image.pixels.data();
  const uint8_t* src = bytes.data() + r.pos;
  if (kind == 4) {
    const size_t row_bytes = (w + 7) / 8;
    for (size_t y = 0; y < h; ++y) {
      for (size_t x = 0; x < w; ++x) {
        const uint8_t v = ((src[y * row_bytes + x / 8] >> (7 - x % 8)) & 1) ? 0 : 255;
        dst[0] = dst[1] = dst[2] = v;
        dst += 3;
      }
    }
    return Status::Ok();
  }
  if (binary) {
    for (size_t i = 0; i < n; ++i) {
      uint8_t px[3];
      for (int c = 0; c < channels; ++c) {
        uint64_t v = sample_bytes == 2 ? ((src[0] << 8) | src[1]) : src[0];
        src += sample_bytes;
        px[c] = Scale(v, maxval);
      }
      if (channels == 1) px[1] = px[2] = px[0];
      dst[0] = px[0];
      dst[1] = px[1];
      dst[2] = px[2];
      dst += 3;
    }
    return Status::Ok();
  }
  // Plain (ASCII) formats.
  for (size_t i = 0; i < n; ++i) {
    uint8_t px[3];
    for (int c = 0; c < channels; ++c) {
      uint64_t v = 0;
      if (kind == 1) {
        // P1 digits need no separators.
        r.SkipSpaceAndComments();
        if (r.pos >= r.size || (r.d[r.pos] != '0' && r.d[r.pos] != '1')) {
          out.image = RgbImage();
          return Status::Corrupt("PNM: premature end of data or bad P1 digit");
        }
        px[c] = r.d[r.pos++] == '1' ? 0 : 255;
        continue;
      }
      if (!r.Number(UINT32_MAX, v)) {
        out.image = RgbImage();
        return Status::Corrupt("PNM: premature end of data or bad sample");
      }
      px[c] = Scale(v, maxval);
    }
    if (channels == 1) px[1] = px[2] = px[0];
    dst[0] = px[0];
    dst[1] = px[1];
    dst[2] = px[2];
    dst += 3;
  }
  return Status::Ok();
}

}  // namespace cairn::media::internal
