// PDQ perceptual hash (256 bits), its quality metric and the 8 dihedral variants, computed from
// packed 8-bit RGB. Bit-exact with Meta's reference hasher core (facebook/ThreatExchange
// pdq/cpp/hashing/pdqhashing.cpp, pdq/cpp/downscaling/downscaling.cpp; see docs/PDQ.md).
// A PdqHasher owns reusable scratch buffers: use one per thread. There is no global mutable
// state; the DCT matrix is a constant built once. Results do not depend on the kernel chosen.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "cairn/core/digest.h"
#include "cairn/core/status.h"

namespace cairn::pdq {

struct PdqHash {
  Hash256 hash;
  int quality = 0;  // 0..100; below 50 the hash is unreliable (flat or featureless images)
};

// Order of the variants, as in the reference and computed-cpp-fullres.csv.
enum class Dihedral {
  kOriginal = 0,
  kRotate90,
  kRotate180,
  kRotate270,
  kFlipX,
  kFlipY,
  kFlipPlus1,
  kFlipMinus1,
};
inline constexpr int kNumDihedral = 8;

struct DihedralHashes {
  std::array<Hash256, kNumDihedral> hashes;  // indexed by Dihedral
  int quality = 0;
};

// Which implementation of the blur/decimate stage runs. All give identical bits; kAuto picks
// the fastest the CPU supports (AVX2, else SSE2).
enum class Kernel { kAuto, kScalar, kSse2, kAvx2 };

// True when `kernel` can run on this CPU (kScalar, kSse2 and kAuto always can).
bool KernelSupported(Kernel kernel);

// Wall time of each stage of the last call, in milliseconds. In the fast kernels the stages
// are interleaved row group by row group: luma_ms is luma with its transpose, blur_ms the three
// streamed box passes, decimate_ms the last column pass (64 columns only) and the sampling.
struct StageTimes {
  double luma_ms = 0;
  double blur_ms = 0;
  double decimate_ms = 0;
  double dct_ms = 0;       // includes the quality metric
  double threshold_ms = 0; // median + bits (all 8 variants for HashDihedral)
};

// The 64x64 downsample PDQ computes its DCT from (row-major).
using Downsample64 = std::array<float, 64 * 64>;

class PdqHasher {
 public:
  // Asking for a kernel this CPU lacks is a bug (it asserts): check KernelSupported first.
  explicit PdqHasher(Kernel kernel = Kernel::kAuto);
  ~PdqHasher();
  PdqHasher(const PdqHasher&) = delete;
  PdqHasher& operator=(const PdqHasher&) = delete;
  PdqHasher(PdqHasher&&) noexcept;
  PdqHasher& operator=(PdqHasher&&) noexcept;

  // rgb: packed 8-bit RGB rows, exactly 3*width*height bytes. Errors: kInvalidArgument for a
  // size < 1 or a buffer of the wrong length; kUnsupported for a side below 5 pixels (the
  // reference's minimum) and for an all-zero hash (e.g. a black image), which is invalid.
  // As in the reference, an image of exactly 64x64 skips the blur in Hash (not in HashDihedral).
  Result<PdqHash> Hash(std::span<const uint8_t> rgb, int width, int height);
  Result<DihedralHashes> HashDihedral(std::span<const uint8_t> rgb, int width, int height);

  // Lower level, without the validity policy (for tests and tools): the blurred, decimated
  // 64x64 luma of any image of at least 1x1 pixels. Only argument errors are reported.
  Status Downsample(std::span<const uint8_t> rgb, int width, int height, Downsample64& out);

  // The kernel actually used (kAuto resolved).
  Kernel kernel() const { return kernel_; }
  const StageTimes& last_stage_times() const { return times_; }

 private:
  struct Scratch;
  Status DownsampleTimed(std::span<const uint8_t> rgb, int width, int height, Downsample64& out);

  Kernel kernel_;
  StageTimes times_;
  std::unique_ptr<Scratch> scratch_;
};

// From a 64x64 downsample: the quality metric, the 16x16 DCT and the hash bits, exactly as the
// reference's pdqImageDomainQualityMetric / dct64To16 / pdqBuffer16x16ToBits. No validity policy.
// `kernel` picks the DCT implementation (all give the same bits); it must be supported.
PdqHash HashFromDownsample(const Downsample64& d, Kernel kernel = Kernel::kAuto);
DihedralHashes DihedralFromDownsample(const Downsample64& d, Kernel kernel = Kernel::kAuto);

}  // namespace cairn::pdq
