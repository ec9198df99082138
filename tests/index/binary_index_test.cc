#include "cairn/index/binary_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "cairn_test_support.h"

namespace cairn::index {
namespace {

Hash256 RandomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return h;
}

// `h` with exactly `bits` distinct bits flipped.
Hash256 Flip(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<int> idx(256);
  for (int i = 0; i < 256; ++i) idx[i] = i;
  for (int i = 0; i < bits; ++i) {
    std::swap(idx[i], idx[i + rng() % (256 - i)]);
    h.bytes[idx[i] / 8] ^= static_cast<uint8_t>(1u << (idx[i] % 8));
  }
  return h;
}

struct Data {
  std::vector<Hash256> hashes;
  std::vector<uint64_t> ids;
  std::vector<Hash256> queries;
};

Data Uniform(size_t n, size_t nq, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Data d;
  for (size_t i = 0; i < n; ++i) {
    d.hashes.push_back(RandomHash(rng));
    d.ids.push_back(1000 + i);
  }
  for (size_t i = 0; i < nq; ++i) d.queries.push_back(RandomHash(rng));
  // A few queries that are indexed hashes moved by a few bits.
  for (size_t i = 0; i < nq && i < n; i += 3) d.queries.push_back(Flip(d.hashes[i], static_cast<int>(i % 40), rng));
  return d;
}

// Random centres, each with near-duplicates 0..40 bits away; queries near the centres, at
// exactly the tested radii from indexed hashes, and duplicated hashes with distinct ids.
Data Clustered(size_t centres, size_t per_centre, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Data d;
  std::vector<Hash256> c;
  for (size_t i = 0; i < centres; ++i) c.push_back(RandomHash(rng));
  for (size_t i = 0; i < centres; ++i) {
    for (size_t j = 0; j < per_centre; ++j) {
      d.hashes.push_back(Flip(c[i], static_cast<int>(rng() % 41), rng));
      d.ids.push_back(d.ids.size() * 7 % 1000003);
    }
  }
  d.hashes.push_back(d.hashes[0]);  // the same hash twice, under two ids
  d.ids.push_back(5);
  for (size_t i = 0; i < centres; ++i) {
    d.queries.push_back(Flip(c[i], static_cast<int>(rng() % 20), rng));
    const Hash256& some = d.hashes[rng() % d.hashes.size()];
    for (int r : {0, 1, 8, 31, 32, 63}) d.queries.push_back(Flip(some, r, rng));
  }
  return d;
}

// Independent oracle: core's scalar HammingDistance over every pair.
std::vector<Neighbor> BruteForce(const Data& d, int radius) {
  std::vector<Neighbor> out;
  for (size_t q = 0; q < d.queries.size(); ++q) {
    std::vector<Neighbor> row;
    for (size_t i = 0; i < d.hashes.size(); ++i) {
      const int dist = HammingDistance(d.queries[q], d.hashes[i]);
      if (dist <= radius) row.push_back({static_cast<uint32_t>(q), d.ids[i], dist});
    }
    std::sort(row.begin(), row.end(), [](const Neighbor& a, const Neighbor& b) {
      return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
    });
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

std::vector<Neighbor> Search(const BinaryIndex& index, const Data& d, int radius) {
  std::vector<Neighbor> out;
  EXPECT_TRUE(index.RangeSearch(d.queries, radius, out).ok());
  return out;
}

// The table-probing path only, never the scan fallback.
std::vector<Neighbor> Probe(const MihIndex& index, const Data& d, int radius) {
  std::vector<Neighbor> out;
  EXPECT_TRUE(index.RangeSearch(d.queries, radius, MihIndex::Plan::kAlwaysProbe, out).ok());
  return out;
}

void ExpectExact(const Data& d, const std::vector<int>& substrings) {
  Result<FlatIndex> flat = FlatIndex::Build(d.hashes, d.ids);
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  EXPECT_EQ(flat->size(), d.hashes.size());
  std::vector<MihIndex> mihs;
  for (int m : substrings) {
    Result<MihIndex> mih = MihIndex::Build(d.hashes, d.ids, MihOptions{m});
    ASSERT_TRUE(mih.ok()) << mih.status().ToString();
    ASSERT_TRUE(mih->Verify().ok()) << mih->Verify().ToString();
    if (m != 0) {
      EXPECT_EQ(mih->substrings(), m);
    }
    mihs.push_back(std::move(*mih));
  }
  for (int radius : {-1, 0, 1, 8, 31, 32, 63}) {
    const std::vector<Neighbor> want = BruteForce(d, radius);
    EXPECT_EQ(Search(*flat, d, radius), want) << "flat radius " << radius;
    for (const MihIndex& mih : mihs) {
      const int m = mih.substrings();
      EXPECT_EQ(Search(mih, d, radius), want) << "mih m=" << m << " radius " << radius;
      EXPECT_EQ(Probe(mih, d, radius), want) << "mih probe m=" << m << " radius " << radius;
    }
  }
}

TEST(BinaryIndexTest, UniformRandomMihEqualsFlatEqualsBruteForce) {
  ExpectExact(Uniform(3000, 60, 1), {0, 11, 16, 23, 64});
}

TEST(BinaryIndexTest, ClusteredNearDuplicatesMihEqualsFlat) {
  const Data d = Clustered(40, 60, 2);
  ExpectExact(d, {0, 13, 16, 32});
  // The radius is inclusive: the queries built at exactly 31 bits from a hash find it.
  const std::vector<Neighbor> at31 = BruteForce(d, 31);
  EXPECT_TRUE(std::any_of(at31.begin(), at31.end(), [](const Neighbor& n) { return n.distance == 31; }));
}

TEST(BinaryIndexTest, EveryDistanceFromZeroTo64AtTheRadiusBoundary) {
  std::mt19937_64 rng(3);
  Data d;
  const Hash256 centre = RandomHash(rng);
  for (int k = 0; k <= 64; ++k) {
    d.hashes.push_back(Flip(centre, k, rng));
    d.ids.push_back(static_cast<uint64_t>(k));
  }
  for (int i = 0; i < 500; ++i) {
    d.hashes.push_back(RandomHash(rng));
    d.ids.push_back(100 + static_cast<uint64_t>(i));
  }
  d.queries.push_back(centre);
  Result<MihIndex> mih = MihIndex::Build(d.hashes, d.ids, MihOptions{16});
  ASSERT_TRUE(mih.ok());
  for (int radius = 0; radius <= 64; ++radius) {
    std::vector<Neighbor> got = Probe(*mih, d, radius);
    ASSERT_EQ(got, BruteForce(d, radius)) << radius;
    ASSERT_GE(got.size(), static_cast<size_t>(radius + 1));
    EXPECT_EQ(got[radius].distance, radius);  // the hash at exactly `radius` is included
  }
}

TEST(BinaryIndexTest, LargerIndexProbesAtRadius31AndScansAtLargeRadius) {
  const Data d = Uniform(200'000, 100, 11);
  Result<MihIndex> mih = MihIndex::Build(d.hashes, d.ids, MihOptions{16});
  Result<FlatIndex> flat = FlatIndex::Build(d.hashes, d.ids);
  ASSERT_TRUE(mih.ok());
  ASSERT_TRUE(flat.ok());
  EXPECT_FALSE(mih->ScansAt(31));
  EXPECT_TRUE(mih->ScansAt(128));
  for (int radius : {31, 32, 48}) {
    const std::vector<Neighbor> want = Search(*flat, d, radius);
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(Search(*mih, d, radius), want) << radius;
  }
}

TEST(BinaryIndexTest, EmptyIndexAndEmptyQueries) {
  Data d;
  Result<MihIndex> mih = MihIndex::Build(d.hashes, d.ids);
  Result<FlatIndex> flat = FlatIndex::Build(d.hashes, d.ids);
  ASSERT_TRUE(mih.ok());
  ASSERT_TRUE(flat.ok());
  std::mt19937_64 rng(4);
  d.queries.push_back(RandomHash(rng));
  EXPECT_TRUE(Search(*mih, d, 256).empty());
  EXPECT_TRUE(Search(*flat, d, 256).empty());
}

TEST(BinaryIndexTest, RadiusAbove256FindsEverything) {
  Data d = Uniform(50, 3, 5);
  Result<MihIndex> mih = MihIndex::Build(d.hashes, d.ids);
  ASSERT_TRUE(mih.ok());
  EXPECT_EQ(Search(*mih, d, 1000).size(), d.queries.size() * 50);
}

TEST(BinaryIndexTest, ResultsAreAppended) {
  Data d = Uniform(100, 5, 6);
  Result<FlatIndex> flat = FlatIndex::Build(d.hashes, d.ids);
  ASSERT_TRUE(flat.ok());
  std::vector<Neighbor> out = {{99, 99, 99}};
  ASSERT_TRUE(flat->RangeSearch(d.queries, 256, out).ok());
  EXPECT_EQ(out.size(), 1 + d.queries.size() * 100);
  EXPECT_EQ(out[0].query, 99u);
}

TEST(BinaryIndexTest, MismatchedIdsAndBadOptionsAreRejected) {
  Data d = Uniform(10, 1, 7);
  d.ids.pop_back();
  EXPECT_EQ(FlatIndex::Build(d.hashes, d.ids).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MihIndex::Build(d.hashes, d.ids).status().code(), StatusCode::kInvalidArgument);
  d.ids.push_back(1);
  EXPECT_EQ(MihIndex::Build(d.hashes, d.ids, MihOptions{10}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MihIndex::Build(d.hashes, d.ids, MihOptions{65}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(BinaryIndexTest, DefaultSubstringsFollowSize) {
  EXPECT_EQ(MihIndex::DefaultSubstrings(0), 32);
  EXPECT_EQ(MihIndex::DefaultSubstrings(1'000'000), 12);
  EXPECT_EQ(MihIndex::DefaultSubstrings(1 << 16), 16);
  EXPECT_EQ(MihIndex::DefaultSubstrings(10'000'000), 11);
  EXPECT_EQ(MihIndex::DefaultSubstrings(uint64_t{1} << 31), 11);
}

TEST(BinaryIndexTest, WrittenFileOpensFromMmapWithSameResults) {
  cairn::testing::TempDir dir;
  const Data d = Clustered(10, 30, 8);
  Result<std::vector<uint8_t>> bytes = MihIndex::Serialize(d.hashes, d.ids);
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "pdq.mih", *bytes).ok());
  Result<MappedFile> file = MappedFile::Open(dir / "pdq.mih");
  ASSERT_TRUE(file.ok());
  Result<MihIndex> mih = MihIndex::Open(SharedBytes::FromMappedFile(std::move(*file)));
  ASSERT_TRUE(mih.ok()) << mih.status().ToString();
  EXPECT_EQ(Search(*mih, d, 31), BruteForce(d, 31));
  EXPECT_EQ(Probe(*mih, d, 31), BruteForce(d, 31));
  // A flat index is not a MIH index and vice versa.
  Result<std::vector<uint8_t>> flat = FlatIndex::Serialize(d.hashes, d.ids);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(MihIndex::Open(SharedBytes::Borrow(*flat)).status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(FlatIndex::Open(SharedBytes::Borrow(*bytes)).status().code(), StatusCode::kCorrupt);
}

// ---- corruption -------------------------------------------------------------------------------

std::vector<uint8_t> SampleMih() {
  const Data d = Uniform(200, 0, 9);
  return std::move(MihIndex::Serialize(d.hashes, d.ids, MihOptions{16})).value();
}

void ExerciseIfOpen(const std::vector<uint8_t>& bytes, uint64_t seed) {
  Result<MihIndex> mih = MihIndex::Open(SharedBytes::Borrow(bytes));
  if (!mih.ok()) {
    EXPECT_TRUE(mih.status().code() == StatusCode::kCorrupt ||
                mih.status().code() == StatusCode::kUnsupported)
        << mih.status().ToString();
    return;
  }
  (void)mih->Verify();
  std::mt19937_64 rng(seed);
  std::vector<Hash256> q = {RandomHash(rng), RandomHash(rng)};
  std::vector<Neighbor> out;
  for (int r : {0, 31, 64}) {
    EXPECT_TRUE(mih->RangeSearch(q, r, out).ok());
    EXPECT_TRUE(mih->RangeSearch(q, r, MihIndex::Plan::kAlwaysProbe, out).ok());
  }
}

TEST(BinaryIndexCorruptionTest, TruncationsFail) {
  const std::vector<uint8_t> good = SampleMih();
  ASSERT_TRUE(MihIndex::Open(SharedBytes::Borrow(good)).ok());
  for (size_t len : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{100}, good.size() / 2,
                     good.size() - 8, good.size() - 1}) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_FALSE(MihIndex::Open(SharedBytes::FromVector(cut)).ok()) << len;
    EXPECT_FALSE(FlatIndex::Open(SharedBytes::FromVector(cut)).ok()) << len;
  }
}

TEST(BinaryIndexCorruptionTest, HeaderAndDirectoryBitFlipsFailOrStaySafe) {
  const std::vector<uint8_t> good = SampleMih();
  const size_t directory_end = 64 + 16 * 24;
  for (size_t bit = 0; bit < directory_end * 8; ++bit) {
    std::vector<uint8_t> bad = good;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ExerciseIfOpen(bad, bit);
  }
}

TEST(BinaryIndexCorruptionTest, OffsetsOutOfRangeAreRejected) {
  const std::vector<uint8_t> good = SampleMih();
  // Header fields: count 16, hashes 24, ids 32, tables 40; first table entry: offsets 72, positions 80.
  for (size_t field : {16u, 24u, 32u, 40u, 72u, 80u}) {
    for (uint64_t v : {uint64_t{1} << 40, good.size() - 4, UINT64_MAX - 3}) {
      std::vector<uint8_t> bad = good;
      std::memcpy(bad.data() + field, &v, 8);
      EXPECT_EQ(MihIndex::Open(SharedBytes::Borrow(bad)).status().code(), StatusCode::kCorrupt)
          << field << " = " << v;
    }
  }
}

TEST(BinaryIndexCorruptionTest, GarbageTablesStayMemorySafeAndVerifyCatchesThem) {
  std::vector<uint8_t> bad = SampleMih();
  std::mt19937_64 rng(10);
  // Everything after the hashes and ids (the CSR tables) replaced by random bytes.
  const size_t tables_from = 64 + 16 * 24 + 200 * 32 + 200 * 8;
  for (size_t i = tables_from + 64; i < bad.size(); ++i) bad[i] = static_cast<uint8_t>(rng());
  Result<MihIndex> mih = MihIndex::Open(SharedBytes::Borrow(bad));
  ASSERT_TRUE(mih.ok()) << mih.status().ToString();
  EXPECT_EQ(mih->Verify().code(), StatusCode::kCorrupt);
  for (int i = 0; i < 20; ++i) ExerciseIfOpen(bad, static_cast<uint64_t>(i));
}

}  // namespace
}  // namespace cairn::index
