// Internal: the SIMD blur-and-decimate kernels (fast_sse2.cc, fast_avx2.cc). Each computes the
// same 64x64 downsample as reference::Downsample, bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cairn::pdq::internal {

// Scratch owned by the caller, grown as needed and reused between calls.
struct FastScratch {
  std::vector<float> rows;     // ring of first-pass rows (row-major)
  std::vector<float> cols;     // column running sums and second-pass rows
  std::vector<float> samples;  // second row pass at the 64 sampled columns, height x 64
};

// Raw-pointer entry points (the scratch buffers are sized by PrepareFastScratch first).
void PrepareFastScratch(int width, int height, int lanes, FastScratch& s);
void DownsampleSse2(const uint8_t* rgb, int width, int height, FastScratch& s, float* out64x64);
void DownsampleAvx2(const uint8_t* rgb, int width, int height, FastScratch& s, float* out64x64);

}  // namespace cairn::pdq::internal
