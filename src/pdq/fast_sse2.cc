// Placeholder kernels (forward to the reference) until the SIMD kernels land.
#include <vector>

#include "cairn/pdq/reference.h"
#include "fast.h"

namespace cairn::pdq::internal {

void PrepareFastScratch(int width, int height, int /*lanes*/, FastScratch& s) {
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  s.rows.resize(n);
  s.cols.resize(n);
}

void DownsampleSse2(const uint8_t* rgb, int width, int height, FastScratch& s, float* out) {
  reference::Downsample(rgb, width, height, s.rows.data(), s.cols.data(), out);
}

}  // namespace cairn::pdq::internal
