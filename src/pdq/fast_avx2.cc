#include "fast.h"

namespace cairn::pdq::internal {

void DownsampleAvx2(const uint8_t* rgb, int width, int height, FastScratch& s, float* out) {
  DownsampleSse2(rgb, width, height, s, out);
}

}  // namespace cairn::pdq::internal
