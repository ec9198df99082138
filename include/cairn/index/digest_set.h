// DigestSet<D>: an exact set of fixed-width digests (Md5, Sha1, Sha256), each with an entry id,
// read in place from bytes (an mmap'd hash-list file or a buffer) without deserialising. Lookup:
// a prefix table on the first `prefix_bits` bits gives a small range of the sorted digest array,
// then binary search; all ids stored with the digest are returned (duplicates allowed).
// DigestSetBuilder sorts (bucketed counting sort + per-bucket sort) and drops identical
// (digest, id) pairs. A DigestSet is immutable: every const method is thread-safe.
// Byte layout (little-endian, version 1): docs/INDEX.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/status.h"
#include "cairn/index/mapped_file.h"

namespace cairn::index {

// One hit of a batch lookup: the index of the query digest and an entry id stored with it.
struct DigestHit {
  uint32_t query;
  uint64_t id;
  friend bool operator==(const DigestHit&, const DigestHit&) = default;
};

template <typename D>
class DigestSet {
 public:
  static constexpr uint32_t kFormatVersion = 1;

  // Checks the header and that every array lies inside `bytes` (O(1): no scan of the data, so
  // opening a 100M-entry set costs microseconds). Lookups stay memory-safe on any bytes that pass;
  // Verify() additionally proves the order. `bytes` must start 8-byte aligned.
  static Result<DigestSet> Open(SharedBytes bytes);

  DigestSet() = default;

  // Appends every id stored with `digest` to `ids` (ascending); returns how many.
  size_t Find(const D& digest, std::vector<uint64_t>& ids) const;
  bool Contains(const D& digest) const;
  // Every (query index, id) for `digests` (fewer than 2^32), in query order; prefetches ahead,
  // so it is faster than calling Find in a loop.
  void FindMany(std::span<const D> digests, std::vector<DigestHit>& out) const;

  uint64_t size() const { return count_; }
  int prefix_bits() const { return prefix_bits_; }
  int id_width() const { return id_width_; }
  std::span<const uint8_t> bytes() const { return bytes_.span(); }

  // The digest and id at sorted position i < size().
  D digest_at(uint64_t i) const;
  uint64_t id_at(uint64_t i) const;

  // O(n) deep check: digests sorted, ids ascending within a digest, prefix table consistent.
  Status Verify() const;

 private:
  // [lo, hi) of the sorted positions that may hold `digest` (clamped to the array).
  void Range(const D& digest, uint64_t& lo, uint64_t& hi) const;

  SharedBytes bytes_;
  const uint64_t* prefix_ = nullptr;  // (1 << prefix_bits) + 1 positions
  const uint8_t* digests_ = nullptr;   // count * D::kSize bytes, sorted
  const uint8_t* ids_ = nullptr;       // count * id_width bytes
  uint64_t count_ = 0;
  int prefix_bits_ = 0;
  int id_width_ = 4;
};

template <typename D>
class DigestSetBuilder {
 public:
  void Reserve(size_t n) { records_.reserve(n); }
  void Add(const D& digest, uint64_t id) { records_.push_back({digest, id}); }
  size_t pending() const { return records_.size(); }

  // Sorts, drops identical (digest, id) pairs and returns the serialised set (ids stored in 4
  // bytes when all fit, else 8). The builder is empty afterwards.
  std::vector<uint8_t> Finish();

 private:
  struct Record {
    D digest;
    uint64_t id;
  };
  std::vector<Record> records_;
};

extern template class DigestSet<Md5>;
extern template class DigestSet<Sha1>;
extern template class DigestSet<Sha256>;
extern template class DigestSetBuilder<Md5>;
extern template class DigestSetBuilder<Sha1>;
extern template class DigestSetBuilder<Sha256>;

}  // namespace cairn::index
