// Scalar reference path; see include/cairn/pdq/reference.h. Each function follows the
// arithmetic of the corresponding reference function (named in its comment) step by step.
#include "cairn/pdq/reference.h"

#include <array>
#include <cmath>

namespace cairn::pdq::reference {

// fillFloatLumaFromRGB.
void LumaFromRgb(const uint8_t* rgb, int width, int height, float* luma) {
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  for (size_t k = 0; k < n; ++k) {
    const float r = rgb[3 * k];
    const float g = rgb[3 * k + 1];
    const float b = rgb[3 * k + 2];
    luma[k] = kLumaR * r + kLumaG * g + kLumaB * b;
  }
}

// box1DFloat: four phases (fill without writing, grow, slide, shrink).
void Box1D(const float* in, float* out, int length, int stride, int window) {
  const int half = (window + 2) / 2;
  const int phase1 = half - 1;
  const int phase2 = window - half + 1;
  const int phase3 = length - window;
  const int phase4 = half - 1;
  size_t li = 0;
  size_t ri = 0;
  size_t oi = 0;
  const size_t step = static_cast<size_t>(stride);
  float sum = 0.0f;
  int count = 0;
  for (int i = 0; i < phase1; ++i) {
    sum += in[ri];
    ++count;
    ri += step;
  }
  for (int i = 0; i < phase2; ++i) {
    sum += in[ri];
    ++count;
    out[oi] = sum / static_cast<float>(count);
    ri += step;
    oi += step;
  }
  for (int i = 0; i < phase3; ++i) {
    sum += in[ri];
    sum -= in[li];
    out[oi] = sum / static_cast<float>(count);
    li += step;
    ri += step;
    oi += step;
  }
  for (int i = 0; i < phase4; ++i) {
    sum -= in[li];
    --count;
    out[oi] = sum / static_cast<float>(count);
    li += step;
    oi += step;
  }
}

// boxAlongRowsFloat.
void BoxAlongRows(const float* in, float* out, int rows, int cols, int window) {
  for (int i = 0; i < rows; ++i) {
    const size_t off = static_cast<size_t>(i) * static_cast<size_t>(cols);
    Box1D(in + off, out + off, cols, 1, window);
  }
}

// boxAlongColsFloat.
void BoxAlongCols(const float* in, float* out, int rows, int cols, int window) {
  for (int j = 0; j < cols; ++j) Box1D(in + j, out + j, rows, cols, window);
}

// jaroszFilterFloat.
void JaroszFilter(float* buf1, float* buf2, int rows, int cols, int window_along_rows,
                  int window_along_cols, int passes) {
  for (int i = 0; i < passes; ++i) {
    BoxAlongRows(buf1, buf2, rows, cols, window_along_rows);
    BoxAlongCols(buf2, buf1, rows, cols, window_along_cols);
  }
}

// decimateFloat with a 64x64 output.
void Decimate64(const float* in, int rows, int cols, float* out) {
  for (int oi = 0; oi < 64; ++oi) {
    const size_t ii = static_cast<size_t>(DecimateIndex(oi, rows, 64));
    for (int oj = 0; oj < 64; ++oj) {
      const size_t ij = static_cast<size_t>(DecimateIndex(oj, cols, 64));
      out[oi * 64 + oj] = in[ii * static_cast<size_t>(cols) + ij];
    }
  }
}

// pdqDihedralHash256esFromFloatLuma up to the decimation.
void Downsample(const uint8_t* rgb, int width, int height, float* luma, float* tmp,
                float* out64x64) {
  LumaFromRgb(rgb, width, height, luma);
  JaroszFilter(luma, tmp, height, width, JaroszWindowSize(width, 64),
               JaroszWindowSize(height, 64), kJaroszPasses);
  Decimate64(luma, height, width, out64x64);
}

// pdqImageDomainQualityMetric.
int QualityMetric(const float* d) {
  int gradient_sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      const float u = d[i * 64 + j];
      const float v = d[(i + 1) * 64 + j];
      const int diff = static_cast<int>(((u - v) * 100.0f) / 255.0f);
      gradient_sum += std::abs(diff);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      const float u = d[i * 64 + j];
      const float v = d[i * 64 + j + 1];
      const int diff = static_cast<int>(((u - v) * 100.0f) / 255.0f);
      gradient_sum += std::abs(diff);
    }
  }
  const int quality = gradient_sum / 90;
  return quality > 100 ? 100 : quality;
}

namespace {

// The reference builds D[i][j] = float(float(sqrt(2/64)) * cos(pi/2/64 * (i+1) * (2j+1)))
// with the product and cosine in double.
std::array<float, 16 * 64> BuildDctMatrix() {
  constexpr double kPi = 3.14159265358979323846;
  const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
  std::array<float, 16 * 64> m{};
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      const double angle = (kPi / 2.0 / 64.0) * static_cast<double>(i + 1) *
                           static_cast<double>(2 * j + 1);
      m[i * 64 + j] = static_cast<float>(static_cast<double>(scale) * std::cos(angle));
    }
  }
  return m;
}

}  // namespace

const float* DctMatrix16x64() {
  static const std::array<float, 16 * 64> kMatrix = BuildDctMatrix();
  return kMatrix.data();
}

// dct64To16: T = D A (16x64), then B = T D^T (16x16); each sum runs k = 0..63 from 0.0f.
void Dct64To16(const float* a, float* out) {
  const float* d = DctMatrix16x64();
  std::array<float, 16 * 64> t;
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < 64; ++k) sum += d[i * 64 + k] * a[k * 64 + j];
      t[i * 64 + j] = sum;
    }
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < 64; ++k) sum += t[i * 64 + k] * d[j * 64 + k];
      out[i * 16 + j] = sum;
    }
  }
}

// torben (public-domain algorithm by Torben Mogensen, as used by the reference).
float TorbenMedian(const float* m, int n) {
  float min = m[0];
  float max = m[0];
  for (int i = 1; i < n; ++i) {
    if (m[i] < min) min = m[i];
    if (m[i] > max) max = m[i];
  }
  const int half = (n + 1) / 2;
  int less = 0;
  int greater = 0;
  int equal = 0;
  float guess = 0;
  float max_lt_guess = 0;
  float min_gt_guess = 0;
  while (true) {
    guess = (min + max) / 2;
    less = 0;
    greater = 0;
    equal = 0;
    max_lt_guess = min;
    min_gt_guess = max;
    for (int i = 0; i < n; ++i) {
      if (m[i] < guess) {
        ++less;
        if (m[i] > max_lt_guess) max_lt_guess = m[i];
      } else if (m[i] > guess) {
        ++greater;
        if (m[i] < min_gt_guess) min_gt_guess = m[i];
      } else {
        ++equal;
      }
    }
    if (less <= half && greater <= half) break;
    if (less > greater) {
      max = max_lt_guess;
    } else {
      min = min_gt_guess;
    }
  }
  if (less >= half) return max_lt_guess;
  if (less + equal >= half) return guess;
  return min_gt_guess;
}

// pdqBuffer16x16ToBits.
Hash256 BitsFromDct(const float* dct) {
  const float median = TorbenMedian(dct, 256);
  Hash256 hash;
  for (int k = 0; k < 256; ++k) {
    if (dct[k] > median) hash.SetBit(k);
  }
  return hash;
}

// dct16OriginalTo{Rotate90,...,FlipMinus1}: sign changes by row/column parity, with or without
// a transpose.
void DihedralDct(const float* a, int variant, float* b) {
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float v = a[i * 16 + j];
      switch (variant) {
        case 0: b[i * 16 + j] = v; break;
        case 1: b[j * 16 + i] = (j & 1) ? v : -v; break;
        case 2: b[i * 16 + j] = ((i + j) & 1) ? -v : v; break;
        case 3: b[j * 16 + i] = (i & 1) ? v : -v; break;
        case 4: b[i * 16 + j] = (i & 1) ? v : -v; break;
        case 5: b[i * 16 + j] = (j & 1) ? v : -v; break;
        case 6: b[j * 16 + i] = v; break;
        default: b[j * 16 + i] = ((i + j) & 1) ? -v : v; break;
      }
    }
  }
}

}  // namespace cairn::pdq::reference
