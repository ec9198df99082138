// libFuzzer target: SniffMediaType and DecodeImage on arbitrary bytes, with a 4 M pixel limit so
// the fuzzer cannot OOM on a legitimately huge header. Every decoder must return a Status, never
// crash, hang or allocate without bound. Also exercises fast mode and orientation.
#include <cstddef>
#include <cstdint>
#include <span>

#include "cairn/media/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)cairn::media::SniffMediaType(bytes.first(size < 64 ? size : 64));
  cairn::media::DecodeOptions options;
  options.max_pixels = 4'000'000;
  // The last byte picks the option variant, so one corpus covers all code paths.
  const uint8_t pick = size > 0 ? data[size - 1] : 0;
  options.apply_exif_orientation = (pick & 1) != 0;
  options.jpeg_min_dimension = (pick & 2) != 0 ? 8 : 0;
  auto result = cairn::media::DecodeImage(bytes, options);
  if (result.ok()) {
    const auto& img = result->image;
    // The documented invariant: packed RGB of exactly width*height pixels.
    if (img.pixels.size() != static_cast<size_t>(img.width) * img.height * 3) __builtin_trap();
  }
  return 0;
}
