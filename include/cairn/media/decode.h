// Image decoding to packed 8-bit RGB, the input of the PDQ engine and of `cairn hash`.
// DecodeImage reads only the caller's bytes, keeps no global mutable state and is safe to call
// from many threads at once. Pixels match ImageMagick 6.9.11 Q16 `convert FILE -depth 8 ppm:-`
// (the decoder behind the PDQ reference hashes) byte for byte for JPEG, PNG, WebP, GIF, BMP, PNM,
// 8-bit HEIC/AVIF and 8-bit TIFF; the known differences (16-bit TIFF: at most 1) are listed in
// docs/MEDIA.md. Bad input is a Status, never a crash.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/media/media_type.h"

namespace cairn::media {

// Packed rows of R,G,B bytes, top row first: pixels.size() == 3 * width * height.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

struct DecodeOptions {
  // Refuse (kLimitExceeded) before allocating when width*height of the image is over this.
  uint64_t max_pixels = 200'000'000;
  // Rotate/flip the pixels by the EXIF orientation (JPEG APP1, PNG eXIf, WebP EXIF, TIFF tag),
  // as `convert -auto-orient` does. Off by default: the reference PDQ pipeline does not apply it.
  // HEIF/AVIF are always shown as libheif presents them (irot/imir applied; EXIF ignored).
  bool apply_exif_orientation = false;
  // Fast mode for JPEG only: when > 0, libjpeg-turbo scales in the DCT domain to the smallest
  // 1/8, 1/4, 1/2 or 1 whose output keeps BOTH dimensions >= this (only these scales use
  // libjpeg-turbo's fast IDCTs, and they keep PDQ closest to exact). Other formats ignore it.
  int jpeg_min_dimension = 0;
};

struct DecodedImage {
  RgbImage image;
  MediaType type = MediaType::kUnknown;
  int source_width = 0;   // the stored image size, before fast-mode scaling and orientation
  int source_height = 0;
  int exif_orientation = 1;  // 1..8 as read from the file; 1 when absent or invalid
};

// Decodes the first image (first frame, first page) of `bytes`. Errors: kUnsupported for bytes
// that are not a decodable image type, kCorrupt for malformed or truncated data, kLimitExceeded
// when the pixel count is over options.max_pixels.
Result<DecodedImage> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

// Rotates/flips `image` in place by an EXIF orientation value (1..8; other values do nothing).
void ApplyExifOrientation(RgbImage& image, int orientation);

}  // namespace cairn::media
