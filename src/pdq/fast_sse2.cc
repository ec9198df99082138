// The fast kernel with SSE2 (4 lanes), always available on x86-64, and the shared buffer layout.
#include <emmintrin.h>

#include <chrono>
#include <cstdint>

#include "cairn/pdq/reference.h"
#include "fast.h"

namespace cairn::pdq::internal {

FastLayout MakeFastLayout(int width, int height, int lanes) {
  FastLayout l;
  l.width = width;
  l.height = height;
  l.lanes = lanes;
  l.padded_width = (width + lanes - 1) / lanes * lanes;
  const int group_rows = kFastGroupVectors * lanes;  // kR in fast_kernel.inc
  l.ring_rows = reference::JaroszWindowSize(height, 64) + group_rows;
  l.group_floats = static_cast<size_t>(group_rows) * static_cast<size_t>(l.padded_width);
  l.ring_floats = static_cast<size_t>(l.ring_rows) * static_cast<size_t>(l.padded_width);
  l.samples_floats = static_cast<size_t>(height) * 64;
  l.total_floats = 3 * l.group_floats + l.ring_floats + static_cast<size_t>(l.padded_width) +
                   2 * l.samples_floats + 64;
  return l;
}

namespace {

constexpr int kN = 4;
using Vec = __m128;
inline Vec VLoad(const float* p) { return _mm_loadu_ps(p); }
inline void VStore(float* p, Vec v) { _mm_storeu_ps(p, v); }
inline Vec VAdd(Vec a, Vec b) { return _mm_add_ps(a, b); }
inline Vec VSub(Vec a, Vec b) { return _mm_sub_ps(a, b); }
inline Vec VMul(Vec a, Vec b) { return _mm_mul_ps(a, b); }
inline Vec VDiv(Vec a, Vec b) { return _mm_div_ps(a, b); }
inline Vec VSet1(float x) { return _mm_set1_ps(x); }
inline void Transpose(Vec* v) { _MM_TRANSPOSE4_PS(v[0], v[1], v[2], v[3]); }

// Luma by table: kLumaX * float(v) is one rounded float product, so a table of the 256
// products gives the same values; the two additions run in the reference's order.
struct LumaTables {
  float r[256];
  float g[256];
  float b[256];
  LumaTables() {
    for (int v = 0; v < 256; ++v) {
      r[v] = reference::kLumaR * static_cast<float>(v);
      g[v] = reference::kLumaG * static_cast<float>(v);
      b[v] = reference::kLumaB * static_cast<float>(v);
    }
  }
};

void LumaBlock(const uint8_t* const* rows, int c, int width, const uint8_t* /*end*/, Vec* v) {
  static const LumaTables kTables;
  const int n = width - c < kN ? width - c : kN;
  for (int l = 0; l < kN; ++l) {
    float y[kN] = {0.0f, 0.0f, 0.0f, 0.0f};
    const uint8_t* p = rows[l] + 3 * static_cast<size_t>(c);
    for (int k = 0; k < n; ++k, p += 3) y[k] = kTables.r[p[0]] + kTables.g[p[1]] + kTables.b[p[2]];
    v[l] = _mm_loadu_ps(y);
  }
}

}  // namespace

#define CAIRN_PDQ_GROUP_VECTORS kFastGroupVectors
#define CAIRN_PDQ_DCT_ENTRY DctSse2
#define CAIRN_PDQ_ENTRY DownsampleSse2
#include "fast_kernel.inc"
#undef CAIRN_PDQ_ENTRY
#undef CAIRN_PDQ_DCT_ENTRY
#undef CAIRN_PDQ_GROUP_VECTORS

}  // namespace cairn::pdq::internal
