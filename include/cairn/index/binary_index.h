// BinaryIndex: range search over 256-bit hashes (PDQ) by Hamming distance, one batch interface
// for every index (after faiss IndexBinary). The radius is INCLUSIVE: a hash at distance exactly
// `radius` is returned. Two indexes, both immutable after build, both read in place from bytes
// (a buffer or an mmap'd file) without deserialising; RangeSearch is const and thread-safe.
//  - FlatIndex: brute-force scan; the exact oracle, and the better choice below ~100k hashes.
//  - MihIndex: multi-index hashing (Norouzi, Punjani, Fleet, "Fast Exact Search in Hamming Space
//    with Multi-Index Hashing", TPAMI 2014): m disjoint substrings, one CSR table each; exact.
// Byte layouts (little-endian, versioned): docs/INDEX.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/status.h"
#include "cairn/index/mapped_file.h"

namespace cairn::index {

struct Neighbor {
  uint32_t query;  // index into the query span
  uint64_t id;     // the id stored with the indexed hash
  int distance;    // Hamming distance, <= radius
  friend bool operator==(const Neighbor&, const Neighbor&) = default;
};

class BinaryIndex {
 public:
  virtual ~BinaryIndex() = default;
  // All (query, id, distance) with distance <= radius (inclusive), appended to `out`, sorted by
  // (query, distance, id). One neighbor per indexed entry (an id stored twice can appear twice).
  // A negative radius finds nothing; radius >= 256 finds everything.
  virtual Status RangeSearch(std::span<const Hash256> queries, int radius,
                             std::vector<Neighbor>& out) const = 0;
  virtual uint64_t size() const = 0;
};

// Hashes and ids as stored in both indexes (a view into the index bytes).
struct HashArrays {
  const uint8_t* hashes = nullptr;  // count * 32 bytes, 64-byte aligned
  const uint64_t* ids = nullptr;    // count ids
  uint64_t count = 0;
};

class FlatIndex final : public BinaryIndex {
 public:
  static constexpr uint32_t kFormatVersion = 1;

  // Serialises `hashes` with `ids` (same length) into bytes that Open reads in place.
  static Result<std::vector<uint8_t>> Serialize(std::span<const Hash256> hashes,
                                                std::span<const uint64_t> ids);
  // Serialize + Open on the result.
  static Result<FlatIndex> Build(std::span<const Hash256> hashes, std::span<const uint64_t> ids);
  // Validates the header and every array against the buffer (O(1)). 8-byte aligned bytes.
  static Result<FlatIndex> Open(SharedBytes bytes);

  FlatIndex() = default;
  Status RangeSearch(std::span<const Hash256> queries, int radius,
                     std::vector<Neighbor>& out) const override;
  uint64_t size() const override { return arrays_.count; }
  std::span<const uint8_t> bytes() const { return bytes_.span(); }

 private:
  SharedBytes bytes_;
  HashArrays arrays_;
};

struct MihOptions {
  // Number of substrings m (11..64); 0 picks, for the index size, the m with the fewest expected
  // table probes + candidates per query at radius 31 on uniform hashes (about 256 / log2(n),
  // Norouzi et al. sec. 4: m = 11 at 10M hashes, 16 at 100k).
  int substrings = 0;
};

class MihIndex final : public BinaryIndex {
 public:
  static constexpr uint32_t kFormatVersion = 1;
  static constexpr int kMinSubstrings = 11;  // substrings of at most 24 bits (64 MB table)
  static constexpr int kMaxSubstrings = 64;
  static constexpr int kDefaultRadius = 31;  // the PDQ match threshold DefaultSubstrings tunes for

  // The m that MihOptions{0} picks for `n` hashes.
  static int DefaultSubstrings(uint64_t n);

  static Result<std::vector<uint8_t>> Serialize(std::span<const Hash256> hashes,
                                                std::span<const uint64_t> ids,
                                                const MihOptions& options = {});
  static Result<MihIndex> Build(std::span<const Hash256> hashes, std::span<const uint64_t> ids,
                                const MihOptions& options = {});
  // Validates the header, substring layout and every array against the buffer: O(m), no scan
  // of the tables, so a 10M-hash index opens in microseconds. Searches stay memory-safe on any
  // bytes that pass (table offsets and positions are clamped/checked as they are read); Verify()
  // proves the tables are consistent.
  static Result<MihIndex> Open(SharedBytes bytes);

  MihIndex() = default;
  Status RangeSearch(std::span<const Hash256> queries, int radius,
                     std::vector<Neighbor>& out) const override;

  enum class Plan {
    kAuto,         // probe the tables, or scan when the probes would cost more (large radius)
    kAlwaysProbe,  // always probe (tests of the MIH path; slow for large radii)
  };
  Status RangeSearch(std::span<const Hash256> queries, int radius, Plan plan,
                     std::vector<Neighbor>& out) const;
  // True when kAuto answers `radius` with a scan instead of table probes.
  bool ScansAt(int radius) const;
  uint64_t size() const override { return arrays_.count; }
  int substrings() const { return static_cast<int>(tables_.size()); }
  std::span<const uint8_t> bytes() const { return bytes_.span(); }

  // O(n * m) deep check: every table is a permutation bucketed by its substring value.
  Status Verify() const;

  struct Table {
    int start_bit = 0;
    int bits = 0;
    const uint32_t* offsets = nullptr;    // (1 << bits) + 1 bucket starts
    const uint32_t* positions = nullptr;  // count positions, grouped by substring value
  };

 private:
  double PlanProbes(int radius, std::vector<int>& probe_radius) const;

  SharedBytes bytes_;
  HashArrays arrays_;
  std::vector<Table> tables_;
};

}  // namespace cairn::index
