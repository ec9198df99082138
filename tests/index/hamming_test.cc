#include "cairn/index/hamming.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "cairn/core/digest.h"

namespace cairn::index {
namespace {

std::vector<uint8_t> RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

TEST(HammingTest, ScalarMatchesCoreReference) {
  const std::vector<uint8_t> data = RandomBytes(64 * 100, 1);
  const HammingKernels& k = KernelsFor(KernelLevel::kScalar);
  for (int i = 0; i < 100; ++i) {
    Hash256 a, b;
    std::copy_n(data.begin() + 64 * i, 32, a.bytes.begin());
    std::copy_n(data.begin() + 64 * i + 32, 32, b.bytes.begin());
    EXPECT_EQ(k.distance(a.bytes.data(), b.bytes.data()), HammingDistance(a, b));
  }
  std::vector<uint8_t> zero(32, 0), ones(32, 0xff);
  EXPECT_EQ(k.distance(zero.data(), ones.data()), 256);
  EXPECT_EQ(k.distance(ones.data(), ones.data()), 0);
}

class KernelLevelTest : public ::testing::TestWithParam<KernelLevel> {};

TEST_P(KernelLevelTest, MatchesScalarOnRandomInput) {
  if (!KernelSupported(GetParam())) GTEST_SKIP() << KernelLevelName(GetParam()) << " not on this CPU";
  const HammingKernels& ref = KernelsFor(KernelLevel::kScalar);
  const HammingKernels& k = KernelsFor(GetParam());
  EXPECT_EQ(k.level, GetParam());
  for (size_t n : {0u, 1u, 3u, 4u, 5u, 7u, 8u, 33u, 1000u}) {
    const std::vector<uint8_t> base = RandomBytes(32 * n, n + 7);
    std::vector<uint8_t> query = RandomBytes(32, n);
    if (n > 0) {  // a query close to one of the rows, so small distances occur too
      std::copy_n(base.begin(), 32, query.begin());
      query[5] ^= 0x11;
    }
    std::vector<uint16_t> want(n), got(n, 9999);
    ref.distances(query.data(), base.data(), n, want.data());
    k.distances(query.data(), base.data(), n, got.data());
    EXPECT_EQ(got, want) << "n=" << n;
    std::vector<uint32_t> pos(n);
    std::mt19937 rng(static_cast<unsigned>(n));
    for (auto& p : pos) p = static_cast<uint32_t>(n == 0 ? 0 : rng() % n);
    ref.gather(query.data(), base.data(), pos.data(), n, want.data());
    std::fill(got.begin(), got.end(), 9999);
    k.gather(query.data(), base.data(), pos.data(), n, got.data());
    EXPECT_EQ(got, want) << "gather n=" << n;
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(k.distance(query.data(), base.data() + 32 * i),
                ref.distance(query.data(), base.data() + 32 * i));
    }
  }
  // Extremes: every bit differs, no bit differs, unaligned rows.
  std::vector<uint8_t> buf(32 * 4 + 1, 0xff);
  std::vector<uint8_t> zero(32, 0);
  std::vector<uint16_t> d(4);
  k.distances(zero.data(), buf.data() + 1, 4, d.data());
  EXPECT_EQ(d, (std::vector<uint16_t>{256, 256, 256, 256}));
  EXPECT_EQ(k.distance(zero.data(), zero.data()), 0);
}

INSTANTIATE_TEST_SUITE_P(All, KernelLevelTest,
                         ::testing::Values(KernelLevel::kScalar, KernelLevel::kPopcnt,
                                           KernelLevel::kAvx2),
                         [](const auto& info) { return std::string(KernelLevelName(info.param)); });

TEST(HammingTest, BestIsSupported) {
  EXPECT_TRUE(KernelSupported(BestKernelLevel()));
  EXPECT_EQ(BestKernels().level, BestKernelLevel());
}

}  // namespace
}  // namespace cairn::index
