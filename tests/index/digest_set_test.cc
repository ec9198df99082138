#include "cairn/index/digest_set.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <set>

namespace cairn::index {
namespace {

template <typename D>
D RandomDigest(std::mt19937_64& rng) {
  D d;
  for (auto& b : d.bytes) b = static_cast<uint8_t>(rng());
  return d;
}

template <typename D>
DigestSet<D> OpenOrDie(std::vector<uint8_t> bytes) {
  Result<DigestSet<D>> set = DigestSet<D>::Open(SharedBytes::FromVector(std::move(bytes)));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return std::move(set).value();
}

template <typename D>
class DigestSetTypedTest : public ::testing::Test {};
using DigestTypes = ::testing::Types<Md5, Sha1, Sha256>;
TYPED_TEST_SUITE(DigestSetTypedTest, DigestTypes);

// Against std::multimap, with duplicates, repeated (digest, id) pairs and shared prefixes.
TYPED_TEST(DigestSetTypedTest, MatchesReferenceMap) {
  using D = TypeParam;
  for (size_t n : {0u, 1u, 2u, 17u, 5000u}) {
    std::mt19937_64 rng(n);
    DigestSetBuilder<D> builder;
    std::map<D, std::set<uint64_t>> want;
    std::vector<D> added;
    for (size_t i = 0; i < n; ++i) {
      D d = (i % 5 == 4 && !added.empty()) ? added[rng() % added.size()] : RandomDigest<D>(rng);
      if (i % 7 == 3) d.bytes[D::kSize - 1] ^= 1;  // near neighbour in byte order
      const uint64_t id = rng() % 1000;
      builder.Add(d, id);
      if (i % 11 == 0) builder.Add(d, id);  // identical pair: stored once
      want[d].insert(id);
      added.push_back(d);
    }
    const DigestSet<D> set = OpenOrDie<D>(builder.Finish());
    EXPECT_EQ(builder.pending(), 0u);
    ASSERT_TRUE(set.Verify().ok()) << set.Verify().ToString();
    uint64_t pairs = 0;
    for (const auto& [d, ids] : want) pairs += ids.size();
    EXPECT_EQ(set.size(), pairs);
    for (const auto& [d, ids] : want) {
      std::vector<uint64_t> got;
      EXPECT_EQ(set.Find(d, got), ids.size());
      EXPECT_EQ(got, std::vector<uint64_t>(ids.begin(), ids.end()));
      EXPECT_TRUE(set.Contains(d));
    }
    // Misses, including digests one bit away from stored ones.
    for (int i = 0; i < 200; ++i) {
      D d = added.empty() ? RandomDigest<D>(rng) : added[rng() % added.size()];
      d.bytes[rng() % D::kSize] ^= static_cast<uint8_t>(1u << (rng() % 8));
      std::vector<uint64_t> got;
      const size_t found = set.Find(d, got);
      EXPECT_EQ(found, want.count(d) ? want[d].size() : 0u);
      EXPECT_EQ(set.Contains(d), want.count(d) > 0);
    }
    // Batch lookups give the same as single ones, in query order.
    std::vector<D> queries(added.begin(), added.begin() + std::min<size_t>(added.size(), 300));
    for (int i = 0; i < 50; ++i) queries.push_back(RandomDigest<D>(rng));
    std::vector<DigestHit> hits, expected;
    set.FindMany(queries, hits);
    for (size_t q = 0; q < queries.size(); ++q) {
      std::vector<uint64_t> ids;
      set.Find(queries[q], ids);
      for (uint64_t id : ids) expected.push_back({static_cast<uint32_t>(q), id});
    }
    EXPECT_EQ(hits, expected);
  }
}

TEST(DigestSetTest, WideIdsUseEightBytes) {
  DigestSetBuilder<Md5> builder;
  Md5 a = *Md5::FromHex("d41d8cd98f00b204e9800998ecf8427e");
  builder.Add(a, uint64_t{1} << 40);
  builder.Add(a, 7);
  const DigestSet<Md5> set = OpenOrDie<Md5>(builder.Finish());
  EXPECT_EQ(set.id_width(), 8);
  std::vector<uint64_t> ids;
  ASSERT_EQ(set.Find(a, ids), 2u);
  EXPECT_EQ(ids, (std::vector<uint64_t>{7, uint64_t{1} << 40}));
}

TEST(DigestSetTest, AllZeroAndAllOnesDigests) {
  DigestSetBuilder<Sha1> builder;
  Sha1 zero, ones;
  ones.bytes.fill(0xff);
  builder.Add(zero, 1);
  builder.Add(ones, 2);
  const DigestSet<Sha1> set = OpenOrDie<Sha1>(builder.Finish());
  std::vector<uint64_t> ids;
  set.Find(zero, ids);
  set.Find(ones, ids);
  EXPECT_EQ(ids, (std::vector<uint64_t>{1, 2}));
}

std::vector<uint8_t> SampleSet(size_t n) {
  std::mt19937_64 rng(42);
  DigestSetBuilder<Md5> builder;
  for (size_t i = 0; i < n; ++i) builder.Add(RandomDigest<Md5>(rng), i);
  return builder.Finish();
}

TEST(DigestSetCorruptionTest, WrongTypeTruncatedAndBadHeaderFailCleanly) {
  const std::vector<uint8_t> good = SampleSet(1000);
  ASSERT_TRUE(DigestSet<Md5>::Open(SharedBytes::Borrow(good)).ok());
  // A set of MD5s is not a set of SHA-1s.
  EXPECT_EQ(DigestSet<Sha1>::Open(SharedBytes::Borrow(good)).status().code(), StatusCode::kCorrupt);
  // Every truncation fails.
  for (size_t len : {size_t{0}, size_t{10}, size_t{63}, size_t{64}, good.size() / 2, good.size() - 1}) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_FALSE(DigestSet<Md5>::Open(SharedBytes::FromVector(cut)).ok()) << len;
  }
  // Every single bit flip in the header either fails or still opens something memory-safe.
  for (size_t bit = 0; bit < 64 * 8; ++bit) {
    std::vector<uint8_t> bad = good;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    Result<DigestSet<Md5>> set = DigestSet<Md5>::Open(SharedBytes::FromVector(std::move(bad)));
    if (!set.ok()) {
      EXPECT_EQ(set.status().code() == StatusCode::kCorrupt ||
                    set.status().code() == StatusCode::kUnsupported,
                true);
      continue;
    }
    std::mt19937_64 rng(bit);
    std::vector<uint64_t> ids;
    for (int i = 0; i < 50; ++i) set->Find(RandomDigest<Md5>(rng), ids);
  }
}

TEST(DigestSetCorruptionTest, OffsetsOutOfRangeAreRejected) {
  const std::vector<uint8_t> good = SampleSet(100);
  for (size_t field_offset : {24u, 32u, 40u, 48u}) {  // count, prefix, digests, ids
    std::vector<uint8_t> bad = good;
    const uint64_t huge = uint64_t{1} << 62;
    std::memcpy(bad.data() + field_offset, &huge, 8);
    EXPECT_EQ(DigestSet<Md5>::Open(SharedBytes::FromVector(bad)).status().code(),
              StatusCode::kCorrupt)
        << field_offset;
  }
}

TEST(DigestSetCorruptionTest, ScrambledPrefixTableStaysSafeAndVerifyCatchesIt) {
  std::vector<uint8_t> bad = SampleSet(5000);
  // Overwrite the prefix table (right after the 64-byte header) with garbage.
  std::mt19937_64 rng(9);
  for (size_t i = 64; i < 64 + 8 * 64; ++i) bad[i] = static_cast<uint8_t>(rng());
  Result<DigestSet<Md5>> set = DigestSet<Md5>::Open(SharedBytes::FromVector(std::move(bad)));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->Verify().code(), StatusCode::kCorrupt);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 2000; ++i) set->Find(RandomDigest<Md5>(rng), ids);
}

TEST(DigestSetTest, MisalignedBytesAreRefused) {
  const std::vector<uint8_t> good = SampleSet(10);
  std::vector<uint8_t> shifted(good.size() + 1);
  std::copy(good.begin(), good.end(), shifted.begin() + 1);
  Result<DigestSet<Md5>> set =
      DigestSet<Md5>::Open(SharedBytes::Borrow(std::span<const uint8_t>(shifted).subspan(1)));
  EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::index
