// PdqHasher: argument checks, kernel dispatch, stage timing and the validity policy.
#include <chrono>
#include <string>
#include <vector>

#include "cairn/pdq/pdq.h"
#include "cairn/pdq/reference.h"
#include "fast.h"

namespace cairn::pdq {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Kernel ResolveKernel(Kernel k) {
  if (k != Kernel::kAuto) return k;
  return KernelSupported(Kernel::kAvx2) ? Kernel::kAvx2 : Kernel::kSse2;
}

std::string SizeText(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

}  // namespace

bool KernelSupported(Kernel kernel) {
  if (kernel == Kernel::kAvx2) return __builtin_cpu_supports("avx2");
  return true;
}

struct PdqHasher::Scratch {
  std::vector<float> luma;  // scalar path: full-size buffers, as in the reference
  std::vector<float> tmp;
  std::vector<float> fast;  // fast kernels: see internal::FastLayout
};

PdqHasher::PdqHasher(Kernel kernel)
    : kernel_(ResolveKernel(kernel)), scratch_(std::make_unique<Scratch>()) {
  CAIRN_ASSERT(KernelSupported(kernel_));
}
PdqHasher::~PdqHasher() = default;
PdqHasher::PdqHasher(PdqHasher&&) noexcept = default;
PdqHasher& PdqHasher::operator=(PdqHasher&&) noexcept = default;

Status PdqHasher::Downsample(std::span<const uint8_t> rgb, int width, int height,
                             Downsample64& out) {
  return DownsampleTimed(rgb, width, height, out);
}

Status PdqHasher::DownsampleTimed(std::span<const uint8_t> rgb, int width, int height,
                                  Downsample64& out) {
  times_ = StageTimes{};
  if (width < 1 || height < 1) {
    return Status::InvalidArgument("PDQ: image size " + SizeText(width, height) +
                                   " must be at least 1x1");
  }
  const size_t pixels = static_cast<size_t>(width) * static_cast<size_t>(height);
  if (rgb.size() / 3 != pixels || rgb.size() % 3 != 0) {
    return Status::InvalidArgument("PDQ: RGB buffer of " + std::to_string(rgb.size()) +
                                   " bytes does not hold a " + SizeText(width, height) +
                                   " image (" + std::to_string(3 * pixels) + " bytes)");
  }
  Scratch& s = *scratch_;
  auto start = Clock::now();
  switch (kernel_) {  // the scalar path keeps the reference's full-size buffers
    case Kernel::kScalar: {
      s.luma.resize(pixels);
      s.tmp.resize(pixels);
      reference::LumaFromRgb(rgb.data(), width, height, s.luma.data());
      times_.luma_ms = MsSince(start);
      start = Clock::now();
      reference::JaroszFilter(s.luma.data(), s.tmp.data(), height, width,
                              reference::JaroszWindowSize(width, 64),
                              reference::JaroszWindowSize(height, 64), reference::kJaroszPasses);
      times_.blur_ms = MsSince(start);
      start = Clock::now();
      reference::Decimate64(s.luma.data(), height, width, out.data());
      times_.decimate_ms = MsSince(start);
      return Status::Ok();
    }
    case Kernel::kSse2:
    case Kernel::kAvx2:
    case Kernel::kAuto:
      break;
  }
  const bool avx2 = kernel_ != Kernel::kSse2;
  const internal::FastLayout layout = internal::MakeFastLayout(width, height, avx2 ? 8 : 4);
  if (s.fast.size() < layout.total_floats) s.fast.resize(layout.total_floats);
  internal::FastTimes t;
  if (avx2) {
    internal::DownsampleAvx2(rgb.data(), layout, s.fast.data(), out.data(), &t);
  } else {
    internal::DownsampleSse2(rgb.data(), layout, s.fast.data(), out.data(), &t);
  }
  times_.luma_ms = t.luma_ms;
  times_.blur_ms = t.blur_ms;
  times_.decimate_ms = t.decimate_ms;
  return Status::Ok();
}

namespace {

Status CheckHashable(int width, int height) {
  if (width < reference::kMinHashableDim || height < reference::kMinHashableDim) {
    return Status::Unsupported("PDQ: image " + SizeText(width, height) +
                               " is too small to hash (each side needs at least " +
                               std::to_string(reference::kMinHashableDim) + " pixels)");
  }
  return Status::Ok();
}

Status AllZero(int quality) {
  return Status::Unsupported("PDQ: the hash is all zero (quality " + std::to_string(quality) +
                             "), which is not a valid PDQ hash");
}

}  // namespace

namespace {

struct QualityAndDct {
  int quality = 0;
  float dct[256];
};

QualityAndDct ComputeQualityAndDct(const Downsample64& d, Kernel kernel) {
  QualityAndDct r;
  r.quality = reference::QualityMetric(d.data());
  CAIRN_ASSERT(KernelSupported(kernel));
  switch (ResolveKernel(kernel)) {
    case Kernel::kScalar:
      reference::Dct64To16(d.data(), r.dct);
      break;
    case Kernel::kSse2:
      internal::DctSse2(d.data(), r.dct);
      break;
    case Kernel::kAvx2:
    case Kernel::kAuto:
      internal::DctAvx2(d.data(), r.dct);
      break;
  }
  return r;
}

DihedralHashes DihedralBits(const QualityAndDct& r) {
  DihedralHashes h;
  h.quality = r.quality;
  for (int v = 0; v < kNumDihedral; ++v) {
    float variant[256];
    reference::DihedralDct(r.dct, v, variant);
    h.hashes[static_cast<size_t>(v)] = reference::BitsFromDct(variant);
  }
  return h;
}

}  // namespace

Result<PdqHash> PdqHasher::Hash(std::span<const uint8_t> rgb, int width, int height) {
  Downsample64 d;
  if (width == 64 && height == 64 && rgb.size() == 3 * 64 * 64) {
    // The reference (pdqFloat256FromFloatLuma) takes a 64x64 image as the downsample itself.
    times_ = StageTimes{};
    const auto start = Clock::now();
    reference::LumaFromRgb(rgb.data(), 64, 64, d.data());
    times_.luma_ms = MsSince(start);
  } else {
    CAIRN_RETURN_IF_ERROR(DownsampleTimed(rgb, width, height, d));
    CAIRN_RETURN_IF_ERROR(CheckHashable(width, height));
  }
  auto start = Clock::now();
  const QualityAndDct r = ComputeQualityAndDct(d, kernel_);
  times_.dct_ms = MsSince(start);
  start = Clock::now();
  PdqHash h{reference::BitsFromDct(r.dct), r.quality};
  times_.threshold_ms = MsSince(start);
  if (h.hash.IsZero()) return AllZero(h.quality);
  return h;
}

Result<DihedralHashes> PdqHasher::HashDihedral(std::span<const uint8_t> rgb, int width,
                                               int height) {
  Downsample64 d;
  CAIRN_RETURN_IF_ERROR(DownsampleTimed(rgb, width, height, d));
  CAIRN_RETURN_IF_ERROR(CheckHashable(width, height));
  auto start = Clock::now();
  const QualityAndDct r = ComputeQualityAndDct(d, kernel_);
  times_.dct_ms = MsSince(start);
  start = Clock::now();
  DihedralHashes h = DihedralBits(r);
  times_.threshold_ms = MsSince(start);
  if (h.hashes[0].IsZero()) return AllZero(h.quality);
  return h;
}

PdqHash HashFromDownsample(const Downsample64& d, Kernel kernel) {
  const QualityAndDct r = ComputeQualityAndDct(d, kernel);
  return PdqHash{reference::BitsFromDct(r.dct), r.quality};
}

DihedralHashes DihedralFromDownsample(const Downsample64& d, Kernel kernel) {
  return DihedralBits(ComputeQualityAndDct(d, kernel));
}

}  // namespace cairn::pdq
