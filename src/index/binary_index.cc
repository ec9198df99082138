#include "cairn/index/binary_index.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "cairn/index/hamming.h"
#include "layout.h"

namespace cairn::index {
namespace {

using internal::AlignUp;
using internal::ArrayFits;

constexpr char kFlatMagic[8] = {'C', 'A', 'I', 'R', 'N', 'F', 'L', 'T'};
constexpr char kMihMagic[8] = {'C', 'A', 'I', 'R', 'N', 'M', 'I', 'H'};
constexpr int kMaxSubstringBits = 24;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t substrings;  // 0 for a flat index
  uint64_t count;
  uint64_t hashes_offset;
  uint64_t ids_offset;
  uint64_t tables_offset;  // MIH: `substrings` TableEntry records; flat: 0
  uint64_t total_size;
  uint64_t reserved;
};
static_assert(sizeof(Header) == 64);

struct TableEntry {
  uint32_t start_bit;
  uint32_t bits;
  uint64_t offsets_offset;    // ((1 << bits) + 1) uint32
  uint64_t positions_offset;  // count uint32
};
static_assert(sizeof(TableEntry) == 24);

// The `bits`-bit value at bit `start` (bit 0 = most significant bit of byte 0).
inline uint32_t SubstringValue(const uint8_t* h, int start, int bits) {
  const int byte = start >> 3;
  uint32_t w;
  if (byte <= 28) {
    w = internal::LoadBe32(h + byte);
  } else {
    w = 0;
    for (int i = 0; byte + i < 32; ++i) w |= static_cast<uint32_t>(h[byte + i]) << (24 - 8 * i);
  }
  return (w >> (32 - (start & 7) - bits)) & ((uint32_t{1} << bits) - 1);
}

void SortNeighbors(std::vector<Neighbor>& v, size_t from) {
  std::sort(v.begin() + static_cast<std::ptrdiff_t>(from), v.end(),
            [](const Neighbor& a, const Neighbor& b) {
              return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
            });
}

Status CheckInputs(std::span<const Hash256> hashes, std::span<const uint64_t> ids) {
  if (hashes.size() != ids.size()) {
    return Status::InvalidArgument("binary index: " + std::to_string(hashes.size()) + " hashes but " +
                                   std::to_string(ids.size()) + " ids");
  }
  if (hashes.size() >= UINT32_MAX) {
    return Status::LimitExceeded("binary index: more than 2^32-2 hashes");
  }
  return Status::Ok();
}

// Writes the header fields common to both layouts and the hash and id arrays.
void WriteArrays(std::span<const Hash256> hashes, std::span<const uint64_t> ids, const Header& h,
                 std::vector<uint8_t>& out) {
  std::memcpy(out.data(), &h, sizeof h);
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::memcpy(out.data() + h.hashes_offset + 32 * i, hashes[i].bytes.data(), 32);
  }
  if (!ids.empty()) std::memcpy(out.data() + h.ids_offset, ids.data(), ids.size() * 8);
}

Result<Header> CheckHeader(const SharedBytes& bytes, const char (&magic)[8], uint32_t version,
                           std::string_view what) {
  const uint64_t size = bytes.size();
  if (size < sizeof(Header)) return internal::CorruptAt(what, "shorter than its header");
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0) {
    return Status::InvalidArgument(std::string(what) + ": bytes are not 8-byte aligned");
  }
  Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, magic, 8) != 0) return internal::CorruptAt(what, "bad magic");
  if (h.version != version) {
    return Status::Unsupported(std::string(what) + ": format version " + std::to_string(h.version) +
                               " (this build reads " + std::to_string(version) + ")");
  }
  if (h.total_size != size) {
    return internal::CorruptAt(what, "header says " + std::to_string(h.total_size) +
                                         " bytes, have " + std::to_string(size));
  }
  if (h.count >= UINT32_MAX) return internal::CorruptAt(what, "count out of range");
  if (!ArrayFits(h.hashes_offset, h.count, 32, sizeof h, size)) {
    return internal::CorruptAt(what, "hash array out of range");
  }
  if (h.ids_offset % 8 != 0 || !ArrayFits(h.ids_offset, h.count, 8, sizeof h, size)) {
    return internal::CorruptAt(what, "id array out of range");
  }
  return h;
}

HashArrays ArraysOf(const SharedBytes& bytes, const Header& h) {
  return {bytes.data() + h.hashes_offset,
          reinterpret_cast<const uint64_t*>(bytes.data() + h.ids_offset), h.count};
}

// Exhaustive scan: queries in blocks against chunks of hashes that stay in L2.
void FlatScan(const HashArrays& a, std::span<const Hash256> queries, int radius,
              std::vector<Neighbor>& out) {
  if (radius < 0) return;
  constexpr size_t kChunk = 4096;       // 128 KiB of hashes
  constexpr size_t kQueryBlock = 32;
  const HammingKernels& k = BestKernels();
  std::vector<uint16_t> dist(kChunk);
  std::vector<std::vector<Neighbor>> found(kQueryBlock);
  for (size_t q0 = 0; q0 < queries.size(); q0 += kQueryBlock) {
    const size_t nq = std::min(kQueryBlock, queries.size() - q0);
    for (size_t c = 0; c < a.count; c += kChunk) {
      const size_t nc = std::min<uint64_t>(kChunk, a.count - c);
      for (size_t q = 0; q < nq; ++q) {
        k.distances(queries[q0 + q].bytes.data(), a.hashes + 32 * c, nc, dist.data());
        for (size_t i = 0; i < nc; ++i) {
          if (dist[i] <= radius) {
            found[q].push_back({static_cast<uint32_t>(q0 + q), a.ids[c + i], dist[i]});
          }
        }
      }
    }
    for (size_t q = 0; q < nq; ++q) {
      const size_t from = out.size();
      out.insert(out.end(), found[q].begin(), found[q].end());
      SortNeighbors(out, from);
      found[q].clear();
    }
  }
}

// Sum over i <= t of C(b, i): the number of b-bit values within distance t of one value.
double BallSize(int b, int t) {
  double total = 0, c = 1;
  for (int i = 0; i <= t && i <= b; ++i) {
    total += c;
    c = c * (b - i) / (i + 1);
  }
  return total;
}

// Substring lengths for m substrings: the first 256 % m are one bit longer.
std::vector<int> SubstringBits(int m) {
  std::vector<int> bits(m);
  for (int t = 0; t < m; ++t) bits[t] = 256 / m + (t < 256 % m ? 1 : 0);
  return bits;
}

// Pigeonhole (Norouzi et al., sec. 3.2): with radius = s*m + a (0 <= a < m), any hash within
// `radius` is within s of the query on one of any a+1 substrings, or within s-1 on one of the
// others (else the distance would be >= (a+1)(s+1) + (m-a-1)s = radius + 1). We pick the a+1
// tables whose extra cost of probing at s instead of s-1 is smallest. Returns the expected cost
// of one query on uniform hashes: table probes + candidates to verify (each about one cache miss).
double PlanProbes(const std::vector<int>& bits, uint64_t n, int radius, std::vector<int>& probe_radius) {
  const int m = static_cast<int>(bits.size());
  const int s = std::min(radius, 256) / m;
  const int a = std::min(radius, 256) % m;
  auto cost = [&](int b, int t) {
    if (t < 0) return 0.0;
    return BallSize(b, t) * (1.0 + static_cast<double>(n) / static_cast<double>(uint64_t{1} << b));
  };
  std::vector<int> order(m);
  for (int t = 0; t < m; ++t) order[t] = t;
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    return cost(bits[x], s) - cost(bits[x], s - 1) < cost(bits[y], s) - cost(bits[y], s - 1);
  });
  probe_radius.assign(m, s - 1);
  double total = 0;
  for (int i = 0; i < m; ++i) {
    if (i <= a) probe_radius[order[i]] = s;
    total += cost(bits[order[i]], probe_radius[order[i]]);
  }
  return total;
}

}  // namespace

// ---- FlatIndex ---------------------------------------------------------------------------------

Result<std::vector<uint8_t>> FlatIndex::Serialize(std::span<const Hash256> hashes,
                                                  std::span<const uint64_t> ids) {
  CAIRN_RETURN_IF_ERROR(CheckInputs(hashes, ids));
  Header h{};
  std::memcpy(h.magic, kFlatMagic, 8);
  h.version = kFormatVersion;
  h.count = hashes.size();
  h.hashes_offset = 64;
  h.ids_offset = AlignUp(h.hashes_offset + 32 * h.count, 64);
  h.total_size = AlignUp(h.ids_offset + 8 * h.count, 64);
  std::vector<uint8_t> out(h.total_size, 0);
  WriteArrays(hashes, ids, h, out);
  return out;
}

Result<FlatIndex> FlatIndex::Build(std::span<const Hash256> hashes, std::span<const uint64_t> ids) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, Serialize(hashes, ids));
  return Open(SharedBytes::FromVector(std::move(bytes)));
}

Result<FlatIndex> FlatIndex::Open(SharedBytes bytes) {
  CAIRN_ASSIGN_OR_RETURN(Header h, CheckHeader(bytes, kFlatMagic, kFormatVersion, "flat index"));
  if (h.substrings != 0) return internal::CorruptAt("flat index", "has substrings");
  FlatIndex index;
  index.arrays_ = ArraysOf(bytes, h);
  index.bytes_ = std::move(bytes);
  return index;
}

Status FlatIndex::RangeSearch(std::span<const Hash256> queries, int radius,
                              std::vector<Neighbor>& out) const {
  if (queries.size() >= UINT32_MAX) return Status::LimitExceeded("range search: too many queries");
  FlatScan(arrays_, queries, radius, out);
  return Status::Ok();
}

// ---- MihIndex ----------------------------------------------------------------------------------

int MihIndex::DefaultSubstrings(uint64_t n) {
  int best = kMaxSubstrings;
  double best_cost = 0;
  std::vector<int> probe_radius;
  for (int m = kMinSubstrings; m <= kMaxSubstrings; ++m) {
    const double c = ::cairn::index::PlanProbes(SubstringBits(m), n, kDefaultRadius, probe_radius);
    if (m == kMinSubstrings || c < best_cost) {
      best = m;
      best_cost = c;
    }
  }
  return best;
}

Result<std::vector<uint8_t>> MihIndex::Serialize(std::span<const Hash256> hashes,
                                                 std::span<const uint64_t> ids,
                                                 const MihOptions& options) {
  CAIRN_RETURN_IF_ERROR(CheckInputs(hashes, ids));
  const uint64_t n = hashes.size();
  const int m = options.substrings == 0 ? DefaultSubstrings(n) : options.substrings;
  if (m < kMinSubstrings || m > kMaxSubstrings) {
    return Status::InvalidArgument("MIH: substrings must be in [" + std::to_string(kMinSubstrings) +
                                   ", " + std::to_string(kMaxSubstrings) + "], got " +
                                   std::to_string(m));
  }
  Header h{};
  std::memcpy(h.magic, kMihMagic, 8);
  h.version = kFormatVersion;
  h.substrings = static_cast<uint32_t>(m);
  h.count = n;
  h.tables_offset = 64;
  h.hashes_offset = AlignUp(h.tables_offset + sizeof(TableEntry) * m, 64);
  h.ids_offset = AlignUp(h.hashes_offset + 32 * n, 64);
  uint64_t end = AlignUp(h.ids_offset + 8 * n, 64);
  std::vector<TableEntry> entries(m);
  int start = 0;
  const std::vector<int> substring_bits = SubstringBits(m);
  for (int t = 0; t < m; ++t) {
    const int bits = substring_bits[t];
    entries[t].start_bit = static_cast<uint32_t>(start);
    entries[t].bits = static_cast<uint32_t>(bits);
    entries[t].offsets_offset = end;
    end = AlignUp(end + 4 * ((uint64_t{1} << bits) + 1), 64);
    entries[t].positions_offset = end;
    end = AlignUp(end + 4 * n, 64);
    start += bits;
  }
  h.total_size = end;
  std::vector<uint8_t> out(h.total_size, 0);
  WriteArrays(hashes, ids, h, out);
  std::memcpy(out.data() + h.tables_offset, entries.data(), sizeof(TableEntry) * m);
  // One counting sort per substring: offsets[v] = first position of value v.
  std::vector<uint32_t> next;
  for (const TableEntry& e : entries) {
    const uint64_t values = uint64_t{1} << e.bits;
    auto* offsets = reinterpret_cast<uint32_t*>(out.data() + e.offsets_offset);
    auto* positions = reinterpret_cast<uint32_t*>(out.data() + e.positions_offset);
    const int s = static_cast<int>(e.start_bit), b = static_cast<int>(e.bits);
    for (uint64_t i = 0; i < n; ++i) ++offsets[SubstringValue(hashes[i].bytes.data(), s, b) + 1];
    for (uint64_t v = 0; v < values; ++v) offsets[v + 1] += offsets[v];
    next.assign(offsets, offsets + values);
    for (uint64_t i = 0; i < n; ++i) {
      positions[next[SubstringValue(hashes[i].bytes.data(), s, b)]++] = static_cast<uint32_t>(i);
    }
  }
  return out;
}

Result<MihIndex> MihIndex::Build(std::span<const Hash256> hashes, std::span<const uint64_t> ids,
                                 const MihOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, Serialize(hashes, ids, options));
  return Open(SharedBytes::FromVector(std::move(bytes)));
}

Result<MihIndex> MihIndex::Open(SharedBytes bytes) {
  constexpr std::string_view kWhat = "MIH index";
  CAIRN_ASSIGN_OR_RETURN(Header h, CheckHeader(bytes, kMihMagic, kFormatVersion, kWhat));
  const uint64_t size = bytes.size();
  if (h.substrings < static_cast<uint32_t>(kMinSubstrings) ||
      h.substrings > static_cast<uint32_t>(kMaxSubstrings)) {
    return internal::CorruptAt(kWhat, "substring count out of range");
  }
  if (h.tables_offset % 8 != 0 ||
      !ArrayFits(h.tables_offset, h.substrings, sizeof(TableEntry), sizeof h, size)) {
    return internal::CorruptAt(kWhat, "table directory out of range");
  }
  MihIndex index;
  index.tables_.resize(h.substrings);
  uint32_t start = 0;
  for (uint32_t t = 0; t < h.substrings; ++t) {
    TableEntry e;
    std::memcpy(&e, bytes.data() + h.tables_offset + t * sizeof(TableEntry), sizeof e);
    const std::string which = "table " + std::to_string(t);
    if (e.start_bit != start || e.bits == 0 || e.bits > kMaxSubstringBits || e.bits > 256 - start) {
      return internal::CorruptAt(kWhat, which + ": substrings do not partition the 256 bits");
    }
    start += e.bits;
    if (e.offsets_offset % 4 != 0 ||
        !ArrayFits(e.offsets_offset, (uint64_t{1} << e.bits) + 1, 4, sizeof h, size)) {
      return internal::CorruptAt(kWhat, which + ": offsets out of range");
    }
    if (e.positions_offset % 4 != 0 || !ArrayFits(e.positions_offset, h.count, 4, sizeof h, size)) {
      return internal::CorruptAt(kWhat, which + ": positions out of range");
    }
    index.tables_[t] = {static_cast<int>(e.start_bit), static_cast<int>(e.bits),
                        reinterpret_cast<const uint32_t*>(bytes.data() + e.offsets_offset),
                        reinterpret_cast<const uint32_t*>(bytes.data() + e.positions_offset)};
  }
  if (start != 256) return internal::CorruptAt(kWhat, "substrings do not cover 256 bits");
  index.arrays_ = ArraysOf(bytes, h);
  index.bytes_ = std::move(bytes);
  return index;
}

Status MihIndex::Verify() const {
  constexpr std::string_view kWhat = "MIH index";
  const uint64_t n = arrays_.count;
  std::vector<bool> seen;
  for (size_t t = 0; t < tables_.size(); ++t) {
    const Table& tb = tables_[t];
    const uint64_t values = uint64_t{1} << tb.bits;
    const std::string which = "table " + std::to_string(t);
    if (tb.offsets[0] != 0 || tb.offsets[values] != n) {
      return internal::CorruptAt(kWhat, which + ": offsets do not span the positions");
    }
    seen.assign(n, false);
    for (uint64_t v = 0; v < values; ++v) {
      if (tb.offsets[v] > tb.offsets[v + 1]) return internal::CorruptAt(kWhat, which + ": offsets not sorted");
      for (uint64_t i = tb.offsets[v]; i < tb.offsets[v + 1]; ++i) {
        const uint32_t p = tb.positions[i];
        if (p >= n || seen[p]) return internal::CorruptAt(kWhat, which + ": bad position");
        seen[p] = true;
        if (SubstringValue(arrays_.hashes + 32 * uint64_t{p}, tb.start_bit, tb.bits) != v) {
          return internal::CorruptAt(kWhat, which + ": position in the wrong bucket");
        }
      }
    }
  }
  return Status::Ok();
}

double MihIndex::PlanProbes(int radius, std::vector<int>& probe_radius) const {
  std::vector<int> bits;
  for (const Table& tb : tables_) bits.push_back(tb.bits);
  return ::cairn::index::PlanProbes(bits, arrays_.count, radius, probe_radius);
}

bool MihIndex::ScansAt(int radius) const {
  if (radius < 0 || tables_.empty()) return false;
  std::vector<int> probe_radius;
  // A random probe or candidate read costs several sequential distance computations.
  return PlanProbes(radius, probe_radius) * 4 >= static_cast<double>(arrays_.count);
}

Status MihIndex::RangeSearch(std::span<const Hash256> queries, int radius,
                             std::vector<Neighbor>& out) const {
  return RangeSearch(queries, radius, Plan::kAuto, out);
}

Status MihIndex::RangeSearch(std::span<const Hash256> queries, int radius, Plan plan,
                             std::vector<Neighbor>& out) const {
  if (queries.size() >= UINT32_MAX) return Status::LimitExceeded("range search: too many queries");
  if (radius < 0 || arrays_.count == 0) return Status::Ok();
  if (plan == Plan::kAuto && ScansAt(radius)) {
    FlatScan(arrays_, queries, radius, out);
    return Status::Ok();
  }
  const int m = static_cast<int>(tables_.size());
  const uint64_t n = arrays_.count;
  std::vector<int> probe_radius;
  PlanProbes(radius, probe_radius);

  // Per query, three passes over flat lists so that many cache misses are in flight at once
  // (the tables and hashes are far larger than the caches): (1) the bucket bounds of every
  // probe, (2) the positions in every non-empty bucket, (3) the hashes of every candidate.
  const HammingKernels& k = BestKernels();
  constexpr size_t kAhead = 16;
  std::vector<const uint32_t*> probe_bounds;  // &offsets[value] of each probe
  std::vector<uint8_t> probe_table;
  std::vector<std::pair<const uint32_t*, uint32_t>> buckets;  // positions + lo, size
  std::vector<uint32_t> candidates;
  std::vector<uint16_t> dist;
  std::vector<std::pair<uint32_t, uint16_t>> hits;  // (position, distance)
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    const uint8_t* q = queries[qi].bytes.data();
    probe_bounds.clear();
    probe_table.clear();
    for (int t = 0; t < m; ++t) {
      const int r = probe_radius[t];
      if (r < 0) continue;
      const Table& tb = tables_[t];
      const uint32_t v = SubstringValue(q, tb.start_bit, tb.bits);
      const uint32_t limit = uint32_t{1} << tb.bits;
      const size_t first = probe_bounds.size();
      probe_bounds.push_back(tb.offsets + v);
      for (int d = 1; d <= r && d <= tb.bits; ++d) {
        // Every `bits`-bit mask with exactly d bits set (Gosper's hack).
        uint32_t mask = (uint32_t{1} << d) - 1;
        while (mask < limit) {
          probe_bounds.push_back(tb.offsets + (v ^ mask));
          const uint32_t c = mask & (~mask + 1);
          const uint32_t rr = mask + c;
          mask = (((rr ^ mask) >> 2) / c) | rr;
        }
      }
      probe_table.resize(probe_bounds.size(), static_cast<uint8_t>(t));
      (void)first;
    }
    buckets.clear();
    const size_t np = probe_bounds.size();
    for (size_t i = 0; i < np; ++i) {
      if (i + kAhead < np) __builtin_prefetch(probe_bounds[i + kAhead]);
      const uint32_t* bounds = probe_bounds[i];
      const uint32_t hi = static_cast<uint32_t>(std::min<uint64_t>(bounds[1], n));
      const uint32_t lo = std::min(bounds[0], hi);
      if (lo < hi) {
        const uint32_t* p = tables_[probe_table[i]].positions + lo;
        __builtin_prefetch(p);
        buckets.emplace_back(p, hi - lo);
      }
    }
    candidates.clear();
    for (const auto& [p, size] : buckets) {
      for (uint32_t j = 0; j < size; ++j) {
        const uint32_t pos = p[j];
        if (pos < n) {
          __builtin_prefetch(arrays_.hashes + 32 * uint64_t{pos});
          candidates.push_back(pos);
        }
      }
    }
    dist.resize(candidates.size());
    k.gather(q, arrays_.hashes, candidates.data(), candidates.size(), dist.data());
    hits.clear();
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (dist[i] <= radius) hits.emplace_back(candidates[i], dist[i]);
    }
    std::sort(hits.begin(), hits.end());
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    const size_t from = out.size();
    for (const auto& [p, d] : hits) out.push_back({static_cast<uint32_t>(qi), arrays_.ids[p], d});
    SortNeighbors(out, from);
  }
  return Status::Ok();
}

}  // namespace cairn::index
