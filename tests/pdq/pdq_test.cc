// PdqHasher behaviour: every kernel gives the scalar reference path's bits on generated images of
// awkward sizes; argument errors; the reference's small-image and 64x64 rules; dihedral
// consistency; quality of flat and busy images.
#include "cairn/pdq/pdq.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cairn/pdq/reference.h"
#include "../../src/pdq/fast.h"  // the SIMD DCT entry points, compared bit for bit below

namespace cairn::pdq {
namespace {

std::vector<Kernel> FastKernels() {
  std::vector<Kernel> k = {Kernel::kSse2};
  if (KernelSupported(Kernel::kAvx2)) {
    k.push_back(Kernel::kAvx2);
  } else {
    std::printf("  [info] AVX2 not supported here: the AVX2 kernel is not tested\n");
  }
  return k;
}

std::vector<uint8_t> RandomImage(int w, int h, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> rgb(3 * static_cast<size_t>(w) * static_cast<size_t>(h));
  for (auto& b : rgb) b = static_cast<uint8_t>(rng());
  return rgb;
}

// Smooth gradients plus a few hard edges: the kind of content that gives quality 100.
std::vector<uint8_t> PatternImage(int w, int h, int variant) {
  std::vector<uint8_t> rgb(3 * static_cast<size_t>(w) * static_cast<size_t>(h));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[3 * (static_cast<size_t>(y) * w + x)];
      const int gx = w > 1 ? x * 255 / (w - 1) : 0;
      const int gy = h > 1 ? y * 255 / (h - 1) : 0;
      const bool block = ((x * 7 / (w + 1)) + (y * 5 / (h + 1)) + variant) % 2 == 0;
      p[0] = static_cast<uint8_t>(block ? gx : 255 - gy);
      p[1] = static_cast<uint8_t>((gx + gy + variant * 40) / 2);
      p[2] = static_cast<uint8_t>(block ? 200 : (x * y + variant) & 255);
    }
  }
  return rgb;
}

std::string Describe(const Downsample64& a, const Downsample64& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
      return "first difference at cell " + std::to_string(i) + ": " + std::to_string(a[i]) +
             " vs " + std::to_string(b[i]);
    }
  }
  return "identical";
}

void ExpectKernelsAgree(const std::vector<uint8_t>& rgb, int w, int h) {
  SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
  PdqHasher scalar(Kernel::kScalar);
  Downsample64 want;
  ASSERT_TRUE(scalar.Downsample(rgb, w, h, want).ok());
  // The scalar hasher equals the plain reference functions.
  {
    std::vector<float> luma(static_cast<size_t>(w) * h);
    std::vector<float> tmp(luma.size());
    Downsample64 plain;
    reference::Downsample(rgb.data(), w, h, luma.data(), tmp.data(), plain.data());
    ASSERT_EQ(std::memcmp(plain.data(), want.data(), sizeof want), 0) << Describe(plain, want);
  }
  for (Kernel k : FastKernels()) {
    PdqHasher fast(k);
    Downsample64 got;
    ASSERT_TRUE(fast.Downsample(rgb, w, h, got).ok());
    EXPECT_EQ(std::memcmp(got.data(), want.data(), sizeof want), 0)
        << "kernel " << static_cast<int>(k) << ": " << Describe(got, want);
  }
}

TEST(PdqKernels, AgreeWithScalarOnOddSizes) {
  const int sizes[][2] = {{1, 1},     {1, 7},     {7, 1},    {1, 300},  {300, 1},   {2, 2},
                          {3, 5},     {5, 5},     {8, 8},    {9, 17},   {63, 65},   {64, 64},
                          {65, 63},   {127, 129}, {128, 128}, {129, 127}, {200, 33}, {256, 257},
                          {333, 517}, {4000, 3},  {3, 4000}, {1001, 999}, {1600, 1004},
                          {12000, 7}, {7, 12000}, {1, 20000}, {20000, 1}};
  uint32_t seed = 1;
  for (const auto& s : sizes) {
    ExpectKernelsAgree(RandomImage(s[0], s[1], seed++), s[0], s[1]);
    ExpectKernelsAgree(PatternImage(s[0], s[1], static_cast<int>(seed)), s[0], s[1]);
  }
}

TEST(PdqKernels, AgreeWithScalarOnRandomSizes) {
  std::mt19937 rng(20261129);
  for (int i = 0; i < 40; ++i) {
    const int w = 1 + static_cast<int>(rng() % (i < 30 ? 300 : 2500));
    const int h = 1 + static_cast<int>(rng() % (i < 30 ? 300 : 2500));
    ExpectKernelsAgree(i % 2 ? RandomImage(w, h, rng()) : PatternImage(w, h, i), w, h);
  }
}

TEST(PdqKernels, AutoPicksTheFastestSupportedKernel) {
  EXPECT_TRUE(KernelSupported(Kernel::kScalar));
  EXPECT_TRUE(KernelSupported(Kernel::kSse2));
  PdqHasher hasher;
  EXPECT_EQ(hasher.kernel(), KernelSupported(Kernel::kAvx2) ? Kernel::kAvx2 : Kernel::kSse2);
}

TEST(PdqKernels, SimdDctIsBitIdenticalToTheReference) {
  std::mt19937 rng(64);
  for (int round = 0; round < 200; ++round) {
    Downsample64 a;
    for (size_t i = 0; i < a.size(); ++i) {
      // Mix of full-range noise, smooth ramps and exact repeats (ties in the median).
      const float noise = static_cast<float>(rng() % 2550000) / 10000.0f;
      a[i] = round % 3 == 0 ? noise : round % 3 == 1 ? static_cast<float>(i % 64) * 3.7f + 0.1f * round
                                                       : static_cast<float>((i / 64 + round) % 7);
    }
    float want[256];
    reference::Dct64To16(a.data(), want);
    float sse2[256];
    internal::DctSse2(a.data(), sse2);
    EXPECT_EQ(std::memcmp(sse2, want, sizeof want), 0) << "round " << round;
    if (KernelSupported(Kernel::kAvx2)) {
      float avx2[256];
      internal::DctAvx2(a.data(), avx2);
      EXPECT_EQ(std::memcmp(avx2, want, sizeof want), 0) << "round " << round;
    }
    const auto scalar = DihedralFromDownsample(a, Kernel::kScalar);
    for (Kernel k : FastKernels()) {
      const auto fast = DihedralFromDownsample(a, k);
      EXPECT_EQ(fast.hashes, scalar.hashes);
      EXPECT_EQ(fast.quality, scalar.quality);
    }
  }
}

TEST(PdqKernels, FullHashesAgreeAcrossKernels) {
  const auto rgb = PatternImage(777, 555, 3);
  PdqHasher scalar(Kernel::kScalar);
  auto want = scalar.HashDihedral(rgb, 777, 555);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  for (Kernel k : FastKernels()) {
    PdqHasher fast(k);
    auto got = fast.HashDihedral(rgb, 777, 555);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->quality, want->quality);
    EXPECT_EQ(got->hashes, want->hashes);
    auto single = fast.Hash(rgb, 777, 555);
    ASSERT_TRUE(single.ok());
    EXPECT_EQ(single->hash, want->hashes[0]);
    EXPECT_EQ(single->quality, want->quality);
  }
}

TEST(PdqHasher, ReusedHasherGivesTheSameResultAcrossSizes) {
  PdqHasher hasher;
  const auto big = PatternImage(900, 700, 1);
  const auto small = PatternImage(120, 90, 2);
  auto first = hasher.Hash(big, 900, 700);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(hasher.Hash(small, 120, 90).ok());
  auto again = hasher.Hash(big, 900, 700);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first->hash, again->hash);
  PdqHasher fresh;
  auto small_fresh = fresh.Hash(small, 120, 90);
  auto small_reused = hasher.Hash(small, 120, 90);
  ASSERT_TRUE(small_fresh.ok() && small_reused.ok());
  EXPECT_EQ(small_fresh->hash, small_reused->hash);
}

TEST(PdqHasher, RejectsBadArguments) {
  PdqHasher hasher;
  std::vector<uint8_t> rgb(3 * 10 * 10, 7);
  EXPECT_EQ(hasher.Hash(rgb, 0, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hasher.Hash(rgb, 10, -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hasher.Hash(rgb, 10, 9).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hasher.Hash(rgb, 11, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hasher.HashDihedral(std::span<const uint8_t>(rgb.data(), rgb.size() - 1), 10, 10)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  Downsample64 d;
  EXPECT_EQ(hasher.Downsample(rgb, 0, 0, d).code(), StatusCode::kInvalidArgument);
}

TEST(PdqHasher, ImagesBelowTheReferenceMinimumAreUnsupported) {
  PdqHasher hasher;
  for (auto [w, h] : {std::pair{1, 1}, {4, 100}, {100, 4}, {1, 4000}}) {
    const auto rgb = PatternImage(w, h, 0);
    auto r = hasher.Hash(rgb, w, h);
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << w << "x" << h;
    EXPECT_NE(r.status().message().find("too small"), std::string::npos);
    EXPECT_EQ(hasher.HashDihedral(rgb, w, h).status().code(), StatusCode::kUnsupported);
    Downsample64 d;  // the downsample itself is defined for any size
    EXPECT_TRUE(hasher.Downsample(rgb, w, h, d).ok());
  }
  const auto rgb = PatternImage(5, 5, 0);
  EXPECT_TRUE(hasher.Hash(rgb, 5, 5).ok());
}

TEST(PdqHasher, BlackImageHasAllZeroHashWhichIsRejected) {
  PdqHasher hasher;
  std::vector<uint8_t> black(3 * 300 * 200, 0);
  auto r = hasher.Hash(black, 300, 200);
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("all zero"), std::string::npos);
  Downsample64 d;
  ASSERT_TRUE(hasher.Downsample(black, 300, 200, d).ok());
  const PdqHash raw = HashFromDownsample(d);
  EXPECT_TRUE(raw.hash.IsZero());
  EXPECT_EQ(raw.quality, 0);
}

TEST(PdqHasher, FlatImageHasQualityZeroAndBusyImageAUsableQuality) {
  PdqHasher hasher;
  std::vector<uint8_t> grey(3 * 640 * 480, 128);
  auto flat = hasher.Hash(grey, 640, 480);
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();  // rounding noise: not all zero
  EXPECT_EQ(flat->quality, 0);
  auto busy = hasher.Hash(PatternImage(640, 480, 1), 640, 480);
  ASSERT_TRUE(busy.ok());
  EXPECT_GE(busy->quality, 50);
}

// The reference treats a 64x64 input as its own downsample in pdqHash256FromFloatLuma but
// blurs it in pdqDihedralHash256esFromFloatLuma; both behaviours are kept.
TEST(PdqHasher, SixtyFourSquareFollowsTheReferenceInBothEntryPoints) {
  const auto rgb = RandomImage(64, 64, 99);
  PdqHasher hasher;
  auto single = hasher.Hash(rgb, 64, 64);
  ASSERT_TRUE(single.ok());
  Downsample64 luma;
  reference::LumaFromRgb(rgb.data(), 64, 64, luma.data());
  EXPECT_EQ(single->hash, HashFromDownsample(luma).hash);
  auto dihedral = hasher.HashDihedral(rgb, 64, 64);
  ASSERT_TRUE(dihedral.ok());
  Downsample64 blurred;
  ASSERT_TRUE(hasher.Downsample(rgb, 64, 64, blurred).ok());
  EXPECT_EQ(dihedral->hashes[0], HashFromDownsample(blurred).hash);
}

// Transforming the image and transforming the DCT agree closely, not exactly: an even box
// window is off-centre by half a pixel and the running sums round differently when mirrored.
TEST(PdqHasher, DihedralVariantsMatchTransformedImages) {
  const int w = 320;
  const int h = 240;
  const auto rgb = PatternImage(w, h, 5);
  auto px = [&](int x, int y) { return &rgb[3 * (static_cast<size_t>(y) * w + x)]; };
  PdqHasher hasher;
  auto d = hasher.HashDihedral(rgb, w, h);
  ASSERT_TRUE(d.ok());
  // rot90 (counter-clockwise, as the reference's bridge-2-rotate-90): out(x, y) = in(w-1-y, x).
  std::vector<uint8_t> rot(rgb.size());
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < h; ++x) {
      std::memcpy(&rot[3 * (static_cast<size_t>(y) * h + x)], px(w - 1 - y, x), 3);
    }
  }
  auto r = hasher.Hash(rot, h, w);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(HammingDistance(r->hash, d->hashes[static_cast<size_t>(Dihedral::kRotate90)]), 24);
  // flipx: the reference's name for an upside-down mirror (bridge-5-flipx.jpg).
  std::vector<uint8_t> flip(rgb.size());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::memcpy(&flip[3 * (static_cast<size_t>(y) * w + x)], px(x, h - 1 - y), 3);
    }
  }
  auto f = hasher.Hash(flip, w, h);
  ASSERT_TRUE(f.ok());
  EXPECT_LE(HammingDistance(f->hash, d->hashes[static_cast<size_t>(Dihedral::kFlipX)]), 24);
}

TEST(PdqReference, TorbenMedianOfSmallSets) {
  const float odd[] = {5, 1, 4, 2, 3};
  EXPECT_EQ(reference::TorbenMedian(odd, 5), 3.0f);
  const float same[] = {2, 2, 2, 2};
  EXPECT_EQ(reference::TorbenMedian(same, 4), 2.0f);
  const float even[] = {1, 2, 3, 4};
  EXPECT_EQ(reference::TorbenMedian(even, 4), 2.0f);  // the lower middle, as the reference
}

TEST(PdqReference, BoxFilterWindowsAndDecimation) {
  EXPECT_EQ(reference::JaroszWindowSize(1, 64), 1);
  EXPECT_EQ(reference::JaroszWindowSize(128, 64), 1);
  EXPECT_EQ(reference::JaroszWindowSize(129, 64), 2);
  EXPECT_EQ(reference::JaroszWindowSize(4032, 64), 32);
  EXPECT_EQ(reference::DecimateIndex(0, 1, 64), 0);
  EXPECT_EQ(reference::DecimateIndex(63, 1, 64), 0);
  EXPECT_EQ(reference::DecimateIndex(63, 1004, 64), 996);
  // A centred window of 3 over 1..5: (1+2)/2, (1+2+3)/3, (2+3+4)/3, (3+4+5)/3, (4+5)/2.
  const float in[] = {1, 2, 3, 4, 5};
  float out[5];
  reference::Box1D(in, out, 5, 1, 3);
  EXPECT_EQ(out[0], 1.5f);
  EXPECT_EQ(out[1], 2.0f);
  EXPECT_EQ(out[2], 3.0f);
  EXPECT_EQ(out[3], 4.0f);
  EXPECT_EQ(out[4], 4.5f);
}

}  // namespace
}  // namespace cairn::pdq
