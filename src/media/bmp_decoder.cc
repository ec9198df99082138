// Windows/OS2 BMP, parsed here (no library): BITMAPCOREHEADER and BITMAPINFOHEADER..V5;
// 1/4/8-bit palette (uncompressed, RLE4, RLE8), 16/32-bit with default or BI_BITFIELDS masks,
// 24-bit. Every offset and size is checked against the buffer before it is read. Alpha is dropped.
// Masked channels of n < 8 bits are widened by bit replication ((v << (8-n)) | (v >> (2n-8))).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

uint32_t Le16(const uint8_t* p) { return p[0] | (p[1] << 8); }
uint32_t Le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

struct Channel {
  uint32_t mask = 0;
  int shift = 0;
  int bits = 0;
};

Channel MakeChannel(uint32_t mask) {
  Channel c;
  c.mask = mask;
  if (mask == 0) return c;
  while (((mask >> c.shift) & 1u) == 0) ++c.shift;
  while (c.shift + c.bits < 32 && ((mask >> (c.shift + c.bits)) & 1u) != 0) ++c.bits;
  return c;
}

uint8_t Extract(uint32_t pixel, const Channel& c) {
  if (c.bits == 0) return 0;
  uint32_t v = (pixel & c.mask) >> c.shift;
  if (c.bits >= 8) return static_cast<uint8_t>(v >> (c.bits - 8));
  // Replicate the bits to fill 8: 5 bits abcde -> abcdeabc.
  uint32_t out = 0;
  int filled = 0;
  while (filled < 8) {
    out = (out << c.bits) | v;
    filled += c.bits;
  }
  return static_cast<uint8_t>(out >> (filled - 8));
}

Status Corrupt(const std::string& what) { return Status::Corrupt("BMP: " + what); }

}  // namespace

Status DecodeBmp(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  const uint8_t* d = bytes.data();
  const size_t size = bytes.size();
  if (size < 26) return Corrupt("file too short for its headers");
  const uint32_t pixel_offset = Le32(d + 10);
  const uint32_t header_size = Le32(d + 14);
  if (header_size < 12 || 14 + uint64_t{header_size} > size) return Corrupt("DIB header runs past the end");
  int64_t width = 0;
  int64_t height = 0;
  uint32_t bit_count = 0;
  uint32_t compression = 0;
  uint32_t colors_used = 0;
  size_t palette_entry = 4;
  uint32_t masks[4] = {0, 0, 0, 0};
  size_t after_header = 14 + header_size;
  if (header_size == 12) {  // OS/2 BITMAPCOREHEADER
    width = Le16(d + 18);
    height = static_cast<int16_t>(Le16(d + 20));
    bit_count = Le16(d + 24);
    palette_entry = 3;
  } else {
    if (header_size < 40) return Corrupt("unsupported DIB header size " + std::to_string(header_size));
    width = static_cast<int32_t>(Le32(d + 18));
    height = static_cast<int32_t>(Le32(d + 22));
    bit_count = Le16(d + 28);
    compression = Le32(d + 30);
    colors_used = Le32(d + 46);
    if (compression == 3 || compression == 6) {  // BI_BITFIELDS, BI_ALPHABITFIELDS
      const int n = compression == 6 ? 4 : 3;
      if (header_size >= 52) {
        for (int i = 0; i < n && 54u + 4u * i + 4u <= 14u + header_size; ++i) masks[i] = Le32(d + 54 + 4 * i);
      } else {
        if (after_header + 4 * n > size) return Corrupt("colour masks run past the end");
        for (int i = 0; i < n; ++i) masks[i] = Le32(d + after_header + 4 * i);
        after_header += 4 * n;
      }
    }
  }
  const bool top_down = height < 0;
  if (top_down) height = -height;
  out.source_width = static_cast<int>(std::min<int64_t>(width, INT32_MAX));
  out.source_height = static_cast<int>(std::min<int64_t>(height, INT32_MAX));
  if (width <= 0 || height <= 0) return Corrupt("non-positive width or height");
  CAIRN_RETURN_IF_ERROR(CheckDimensions("BMP", static_cast<uint64_t>(width), static_cast<uint64_t>(height), options));

  const bool rle8 = compression == 1;
  const bool rle4 = compression == 2;
  if (compression != 0 && compression != 3 && compression != 6 && !rle8 && !rle4) {
    return Status::Unsupported("BMP: compression " + std::to_string(compression) + " (JPEG/PNG in BMP) is not supported");
  }
  if ((rle8 && bit_count != 8) || (rle4 && bit_count != 4)) return Corrupt("RLE compression with wrong bit count");
  if (bit_count != 1 && bit_count != 4 && bit_count != 8 && bit_count != 16 && bit_count != 24 && bit_count != 32) {
    return Corrupt("unsupported bit count " + std::to_string(bit_count));
  }

  // Palette.
  uint8_t palette[256][3] = {};
  if (bit_count <= 8) {
    uint64_t count = colors_used == 0 ? (1u << bit_count) : colors_used;
    count = std::min<uint64_t>(count, 1u << bit_count);
    if (after_header + count * palette_entry > size) {
      count = (size - std::min(size, after_header)) / palette_entry;
    }
    for (uint64_t i = 0; i < count; ++i) {
      const uint8_t* e = d + after_header + i * palette_entry;
      palette[i][0] = e[2];
      palette[i][1] = e[1];
      palette[i][2] = e[0];
    }
  }
  if (pixel_offset >= size) return Corrupt("pixel data offset is past the end");
  const uint8_t* data = d + pixel_offset;
  const size_t data_size = size - pixel_offset;

  const int w = static_cast<int>(width);
  const int h = static_cast<int>(height);
  const size_t stride = static_cast<size_t>(w) * 3;
  out.image.width = w;
  out.image.height = h;
  out.image.pixels.assign(stride * h, 0);
  auto dst_row = [&](int file_row) -> uint8_t* {
    const int y = top_down ? file_row : h - 1 - file_row;
    return out.image.pixels.data() + static_cast<size_t>(y) * stride;
  };

  if (rle8 || rle4) {
    // Undefined pixels (skipped by deltas or end-of-line codes) show palette entry 0.
    std::vector<uint8_t> index(static_cast<size_t>(w) * h, 0);
    size_t p = 0;
    int x = 0;
    int row = 0;
    bool done = false;
    while (!done && row < h) {
      if (p + 2 > data_size) return Corrupt("RLE data is truncated");
      const uint8_t count = data[p];
      const uint8_t value = data[p + 1];
      p += 2;
      if (count > 0) {
        for (int i = 0; i < count && x < w; ++i, ++x) {
          index[static_cast<size_t>(row) * w + x] =
              rle8 ? value : ((i & 1) ? (value & 0x0f) : (value >> 4));
        }
        continue;
      }
      if (value == 0) {  // end of line
        x = 0;
        ++row;
      } else if (value == 1) {  // end of bitmap
        done = true;
      } else if (value == 2) {  // delta
        if (p + 2 > data_size) return Corrupt("RLE delta is truncated");
        x += data[p];
        row += data[p + 1];
        p += 2;
      } else {  // absolute run of `value` pixels, padded to 16 bits
        const size_t run_bytes = rle8 ? value : (value + 1u) / 2;
        if (p + run_bytes > data_size) return Corrupt("RLE absolute run is truncated");
        for (int i = 0; i < value; ++i, ++x) {
          if (x >= w || row >= h) continue;
          const uint8_t v = rle8 ? data[p + i] : ((i & 1) ? (data[p + i / 2] & 0x0f) : (data[p + i / 2] >> 4));
          index[static_cast<size_t>(row) * w + x] = v;
        }
        p += (run_bytes + 1) & ~size_t{1};
      }
    }
    for (int r = 0; r < h; ++r) {
      uint8_t* dst = dst_row(r);
      for (int i = 0; i < w; ++i) std::memcpy(dst + i * 3, palette[index[static_cast<size_t>(r) * w + i]], 3);
    }
    return Status::Ok();
  }

  const size_t row_bytes = ((static_cast<size_t>(w) * bit_count + 31) / 32) * 4;
  if (row_bytes * h > data_size) {
    // Allow a missing final padding only; anything shorter is truncation.
    const size_t needed = row_bytes * (h - 1) + (static_cast<size_t>(w) * bit_count + 7) / 8;
    if (needed > data_size) {
      out.image = RgbImage();
      return Corrupt("pixel data is truncated");
    }
  }
  Channel r_ch, g_ch, b_ch;
  if (bit_count == 16 || bit_count == 32) {
    if (compression == 3 || compression == 6) {
      r_ch = MakeChannel(masks[0]);
      g_ch = MakeChannel(masks[1]);
      b_ch = MakeChannel(masks[2]);
    } else if (bit_count == 16) {
      r_ch = MakeChannel(0x7c00);
      g_ch = MakeChannel(0x03e0);
      b_ch = MakeChannel(0x001f);
    } else {
      r_ch = MakeChannel(0x00ff0000);
      g_ch = MakeChannel(0x0000ff00);
      b_ch = MakeChannel(0x000000ff);
    }
  }
  for (int r = 0; r < h; ++r) {
    const uint8_t* src = data + static_cast<size_t>(r) * row_bytes;
    uint8_t* dst = dst_row(r);
    switch (bit_count) {
      case 1:
      case 4:
      case 8: {
        const int per_byte = 8 / bit_count;
        const uint32_t mask = (1u << bit_count) - 1;
        for (int x = 0; x < w; ++x) {
          const uint8_t byte = src[x / per_byte];
          const int shift = 8 - bit_count * (x % per_byte + 1);
          std::memcpy(dst + x * 3, palette[(byte >> shift) & mask], 3);
        }
        break;
      }
      case 24:
        for (int x = 0; x < w; ++x) {
          dst[x * 3 + 0] = src[x * 3 + 2];
          dst[x * 3 + 1] = src[x * 3 + 1];
          dst[x * 3 + 2] = src[x * 3 + 0];
        }
        break;
      case 16:
        for (int x = 0; x < w; ++x) {
          const uint32_t v = Le16(src + x * 2);
          dst[x * 3 + 0] = Extract(v, r_ch);
          dst[x * 3 + 1] = Extract(v, g_ch);
          dst[x * 3 + 2] = Extract(v, b_ch);
        }
        break;
      case 32:
        for (int x = 0; x < w; ++x) {
          const uint32_t v = Le32(src + x * 4);
          dst[x * 3 + 0] = Extract(v, r_ch);
          dst[x * 3 + 1] = Extract(v, g_ch);
          dst[x * 3 + 2] = Extract(v, b_ch);
        }
        break;
    }
  }
  return Status::Ok();
}

}  // namespace cairn::media::internal
