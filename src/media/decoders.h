// Internal: one decoder per format, called by DecodeImage after sniffing. Each fills `out`
// (image, source size, EXIF orientation) or returns an error Status; none keeps state.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "cairn/core/status.h"
#include "cairn/media/decode.h"

namespace cairn::media::internal {

Status DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodeGif(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodeTiff(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodeHeif(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodeBmp(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);
Status DecodePnm(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out);

// kLimitExceeded when width*height is over the limit, kCorrupt for non-positive sizes.
Status CheckDimensions(const char* format, uint64_t width, uint64_t height,
                       const DecodeOptions& options);

// The orientation tag (1..8) of a TIFF-structured EXIF block ("II*\0..." or "MM\0*...",
// optionally preceded by "Exif\0\0"); 1 when absent, malformed or out of range.
int ExifOrientation(std::span<const uint8_t> exif);

// Reduces an ImageMagick Q16 quantum (0..65535) to 8 bits the way `convert ... -depth 8 ppm:-`
// does: floor(q / 257). Measured on all 65536 values with a 16-bit PGM ramp (it truncates; it
// does not round). Exact for 8-bit sources, whose quanta are v * 257.
inline uint8_t QuantumToChar(uint32_t q) { return static_cast<uint8_t>(q / 257u); }

}  // namespace cairn::media::internal
