// Bit-exactness against hashes computed by Meta's reference hasher core (shared data), for
// every kernel, and closeness to the lists made with a 512-pixel pre-resize.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cairn/pdq/pdq.h"
#include "cairn_test_support.h"
#include "image_io.h"

namespace cairn::pdq {
namespace {

using cairn::pdq::testing::DecodeWithConvert;
using cairn::pdq::testing::HaveConvert;
using cairn::pdq::testing::ReadCsv;
using cairn::pdq::testing::RgbImage;

std::vector<Kernel> RunnableKernels() {
  std::vector<Kernel> k = {Kernel::kScalar, Kernel::kSse2};
  if (KernelSupported(Kernel::kAvx2)) k.push_back(Kernel::kAvx2);
  return k;
}

const char* KernelName(Kernel k) {
  switch (k) {
    case Kernel::kScalar: return "scalar";
    case Kernel::kSse2: return "sse2";
    case Kernel::kAvx2: return "avx2";
    case Kernel::kAuto: return "auto";
  }
  return "?";
}

TEST(PdqReferenceImages, FullResolutionHashesQualityAndDihedralAreBitExact) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq");
  if (!HaveConvert()) GTEST_SKIP() << "SKIPPED: /usr/bin/convert (ImageMagick) is not installed";
  const auto rows = ReadCsv(root / "expected" / "computed-cpp-fullres.csv");
  ASSERT_GE(rows.size(), 40u);
  std::vector<PdqHasher> hashers;
  for (Kernel k : RunnableKernels()) hashers.emplace_back(k);
  int checked = 0;
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 11u);
    SCOPED_TRACE(row[0]);
    const auto img = DecodeWithConvert(root / row[0]);
    ASSERT_TRUE(img.has_value()) << "convert could not decode " << row[0];
    for (PdqHasher& hasher : hashers) {
      SCOPED_TRACE(KernelName(hasher.kernel()));
      auto h = hasher.Hash(img->rgb, img->width, img->height);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      EXPECT_EQ(h->hash.ToHex(), row[1]);
      EXPECT_EQ(h->quality, std::stoi(row[2]));
      auto d = hasher.HashDihedral(img->rgb, img->width, img->height);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_EQ(d->quality, std::stoi(row[2]));
      for (int v = 0; v < kNumDihedral; ++v) {
        EXPECT_EQ(d->hashes[static_cast<size_t>(v)].ToHex(), row[3 + static_cast<size_t>(v)])
            << "dihedral variant " << v;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(rows.size()));
}

// CImg's resize(512, 512) with nearest-neighbour interpolation, as the reference CLI did for
// images larger than 512 on a side: source index floor(x * W / 512).
RgbImage SquashTo512Nearest(const RgbImage& in) {
  if (in.width <= 512 && in.height <= 512) return in;
  RgbImage out;
  out.width = 512;
  out.height = 512;
  out.rgb.resize(3 * 512 * 512);
  for (int y = 0; y < 512; ++y) {
    const size_t sy = static_cast<size_t>(static_cast<double>(y) * in.height / 512);
    for (int x = 0; x < 512; ++x) {
      const size_t sx = static_cast<size_t>(static_cast<double>(x) * in.width / 512);
      for (int c = 0; c < 3; ++c) {
        out.rgb[3 * (static_cast<size_t>(y) * 512 + x) + c] =
            in.rgb[3 * (sy * static_cast<size_t>(in.width) + sx) + c];
      }
    }
  }
  return out;
}

void CheckCloseList(const char* list, int max_bits) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq");
  if (!HaveConvert()) GTEST_SKIP() << "SKIPPED: /usr/bin/convert (ImageMagick) is not installed";
  const auto rows = ReadCsv(root / "expected" / list);
  ASSERT_FALSE(rows.empty());
  PdqHasher hasher;
  int compared = 0;
  int exact = 0;
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 2u);
    SCOPED_TRACE(row[0]);
    const auto img = DecodeWithConvert(root / row[0]);
    ASSERT_TRUE(img.has_value()) << "convert could not decode " << row[0];
    const RgbImage small = SquashTo512Nearest(*img);
    auto h = hasher.Hash(small.rgb, small.width, small.height);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    const auto expected = Hash256::FromHex(row[1]);
    ASSERT_TRUE(expected.has_value());
    const int distance = HammingDistance(h->hash, *expected);
    ++compared;
    if (distance == 0) ++exact;
    // Low-quality hashes are unstable under any change of pipeline; they only get reported.
    if (h->quality >= 50) {
      EXPECT_LE(distance, max_bits) << "quality " << h->quality;
    } else {
      std::printf("  [info] %s: quality %d, %d bits from %s\n", row[0].c_str(), h->quality,
                  distance, list);
    }
  }
  std::printf("  [info] %s: %d of %d exact\n", list, exact, compared);
}

TEST(PdqReferenceImages, WasmListIsCloseWith512PreSquash) { CheckCloseList("wasm-expected.csv", 4); }

TEST(PdqReferenceImages, PythonUnittestListIsClose) {
  CheckCloseList("python-unittest-expected.csv", 8);
}

}  // namespace
}  // namespace cairn::pdq
