// DecodeImage: sniff, dispatch to the format's decoder, then the optional EXIF orientation.
#include "cairn/media/decode.h"

#include <algorithm>
#include <string>
#include <utility>

#include "decoders.h"

namespace cairn::media {
namespace internal {

// No real image is wider or taller; keeps every x*4 index well inside int.
constexpr uint64_t kMaxSide = uint64_t{1} << 24;

Status CheckDimensions(const char* format, uint64_t width, uint64_t height,
                       const DecodeOptions& options) {
  if (width == 0 || height == 0) {
    return Status::Corrupt(std::string(format) + ": image has zero width or height");
  }
  // width and height come from 32-bit header fields, so the product cannot overflow 64 bits.
  if (width * height > options.max_pixels || width > kMaxSide || height > kMaxSide) {
    return Status::LimitExceeded(std::string(format) + ": " + std::to_string(width) + "x" +
                                 std::to_string(height) + " is over the limit of " +
                                 std::to_string(options.max_pixels) + " pixels");
  }
  return Status::Ok();
}

int ExifOrientation(std::span<const uint8_t> exif) {
  if (exif.size() >= 6 && std::equal(exif.begin(), exif.begin() + 6, "Exif\0\0")) {
    exif = exif.subspan(6);
  }
  if (exif.size() < 8) return 1;
  bool little;
  if (exif[0] == 'I' && exif[1] == 'I') {
    little = true;
  } else if (exif[0] == 'M' && exif[1] == 'M') {
    little = false;
  } else {
    return 1;
  }
  auto u16 = [&](size_t off) -> uint32_t {
    return little ? (exif[off] | (exif[off + 1] << 8)) : ((exif[off] << 8) | exif[off + 1]);
  };
  auto u32 = [&](size_t off) -> uint32_t {
    return little ? (u16(off) | (u16(off + 2) << 16)) : ((u16(off) << 16) | u16(off + 2));
  };
  if (u16(2) != 42) return 1;
  const uint64_t ifd = u32(4);
  if (ifd + 2 > exif.size()) return 1;
  const uint32_t count = u16(ifd);
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t entry = ifd + 2 + uint64_t{i} * 12;
    if (entry + 12 > exif.size()) return 1;
    if (u16(entry) != 0x0112) continue;
    const uint32_t type = u16(entry + 2);
    uint32_t value;
    if (type == 3) {  // SHORT, stored in the first two bytes of the value field
      value = u16(entry + 8);
    } else if (type == 4) {  // LONG (seen in some writers)
      value = u32(entry + 8);
    } else {
      return 1;
    }
    return (value >= 1 && value <= 8) ? static_cast<int>(value) : 1;
  }
  return 1;
}

}  // namespace internal

void ApplyExifOrientation(RgbImage& image, int orientation) {
  if (orientation < 2 || orientation > 8) return;
  const int w = image.width;
  const int h = image.height;
  const bool transpose = orientation >= 5;
  const int ow = transpose ? h : w;
  const int oh = transpose ? w : h;
  std::vector<uint8_t> out(image.pixels.size());
  const uint8_t* src = image.pixels.data();
  // For every destination pixel (x, y), the source pixel it shows (EXIF 2.32, tag 0x0112).
  for (int y = 0; y < oh; ++y) {
    uint8_t* dst = out.data() + static_cast<size_t>(y) * ow * 3;
    for (int x = 0; x < ow; ++x) {
      int sx = 0;
      int sy = 0;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break;          // mirror horizontal
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;  // rotate 180
        case 4: sx = x; sy = h - 1 - y; break;          // mirror vertical
        case 5: sx = y; sy = x; break;                  // transpose
        case 6: sx = y; sy = h - 1 - x; break;          // rotate 90 clockwise
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;  // transverse
        case 8: sx = w - 1 - y; sy = x; break;          // rotate 270 clockwise
      }
      const uint8_t* s = src + (static_cast<size_t>(sy) * w + sx) * 3;
      dst[x * 3 + 0] = s[0];
      dst[x * 3 + 1] = s[1];
      dst[x * 3 + 2] = s[2];
    }
  }
  image.width = ow;
  image.height = oh;
  image.pixels = std::move(out);
}

Result<DecodedImage> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (bytes.empty()) return Status::Corrupt("image: zero bytes");
  const MediaType type = SniffMediaType(bytes.first(std::min<size_t>(bytes.size(), 64)));
  DecodedImage out;
  out.type = type;
  Status status;
  switch (type) {
    case MediaType::kJpeg: status = internal::DecodeJpeg(bytes, options, out); break;
    case MediaType::kPng: status = internal::DecodePng(bytes, options, out); break;
    case MediaType::kGif: status = internal::DecodeGif(bytes, options, out); break;
    case MediaType::kWebp: status = internal::DecodeWebp(bytes, options, out); break;
    case MediaType::kTiff: status = internal::DecodeTiff(bytes, options, out); break;
    case MediaType::kHeic:
    case MediaType::kHeif:
    case MediaType::kAvif: status = internal::DecodeHeif(bytes, options, out); break;
    case MediaType::kBmp: status = internal::DecodeBmp(bytes, options, out); break;
    case MediaType::kPnm: status = internal::DecodePnm(bytes, options, out); break;
    default:
      return Status::Unsupported(std::string("image: not a decodable image (sniffed as ") +
                                 std::string(MediaTypeName(type)) + ")");
  }
  if (!status.ok()) return status;
  CAIRN_ASSERT(out.image.pixels.size() ==
               static_cast<size_t>(out.image.width) * out.image.height * 3);
  if (options.apply_exif_orientation) ApplyExifOrientation(out.image, out.exif_orientation);
  return out;
}

}  // namespace cairn::media
