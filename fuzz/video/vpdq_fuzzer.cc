// Fuzzes the libav-backed video hasher and the vPDQ text reader: any bytes give a value or a
// Status, never a crash.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "cairn/video/vpdq.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::video::VideoOptions options;
  options.max_pixels = 1u << 20;
  options.max_frames = 64;
  (void)cairn::video::HashVideo(std::span<const uint8_t>(data, size), options, "fuzz");
  (void)cairn::video::ParseVpdq(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
