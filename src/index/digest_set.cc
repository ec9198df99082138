#include "cairn/index/digest_set.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "layout.h"

namespace cairn::index {
namespace {

using internal::AlignUp;
using internal::ArrayFits;
using internal::CompareBytes;

constexpr char kMagic[8] = {'C', 'A', 'I', 'R', 'N', 'D', 'S', 'T'};
constexpr int kMaxPrefixBits = 24;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t digest_size;
  uint32_t id_width;
  uint32_t prefix_bits;
  uint64_t count;
  uint64_t prefix_offset;
  uint64_t digests_offset;
  uint64_t ids_offset;
  uint64_t total_size;
};
static_assert(sizeof(Header) == 64);

// About 8 to 16 digests per bucket: the bucket's digests share one or two cache lines.
int PrefixBitsFor(uint64_t n) {
  const int bits = static_cast<int>(std::bit_width(n)) - 4;
  return std::clamp(bits, 0, kMaxPrefixBits);
}

inline uint32_t PrefixOf(const uint8_t* digest, int bits) {
  if (bits == 0) return 0;
  return internal::LoadBe32(digest) >> (32 - bits);
}

}  // namespace

template <typename D>
Result<DigestSet<D>> DigestSet<D>::Open(SharedBytes bytes) {
  constexpr std::string_view kWhat = "digest set";
  const uint64_t size = bytes.size();
  if (size < sizeof(Header)) return internal::CorruptAt(kWhat, "shorter than its header");
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0) {
    return Status::InvalidArgument("digest set: bytes are not 8-byte aligned");
  }
  Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, 8) != 0) return internal::CorruptAt(kWhat, "bad magic");
  if (h.version != kFormatVersion) {
    return Status::Unsupported("digest set: format version " + std::to_string(h.version) +
                               " (this build reads " + std::to_string(kFormatVersion) + ")");
  }
  if (h.digest_size != D::kSize) {
    return internal::CorruptAt(kWhat, "digest size " + std::to_string(h.digest_size) +
                                          ", expected " + std::to_string(D::kSize));
  }
  if (h.id_width != 4 && h.id_width != 8) return internal::CorruptAt(kWhat, "bad id width");
  if (h.prefix_bits > kMaxPrefixBits) return internal::CorruptAt(kWhat, "bad prefix bits");
  if (h.total_size != size) {
    return internal::CorruptAt(kWhat, "header says " + std::to_string(h.total_size) +
                                          " bytes, have " + std::to_string(size));
  }
  const uint64_t buckets = (uint64_t{1} << h.prefix_bits) + 1;
  if (h.prefix_offset % 8 != 0 || !ArrayFits(h.prefix_offset, buckets, 8, sizeof h, size)) {
    return internal::CorruptAt(kWhat, "prefix table out of range");
  }
  if (!ArrayFits(h.digests_offset, h.count, D::kSize, sizeof h, size)) {
    return internal::CorruptAt(kWhat, "digest array out of range");
  }
  if (h.ids_offset % h.id_width != 0 || !ArrayFits(h.ids_offset, h.count, h.id_width, sizeof h, size)) {
    return internal::CorruptAt(kWhat, "id array out of range");
  }
  DigestSet set;
  set.prefix_ = reinterpret_cast<const uint64_t*>(bytes.data() + h.prefix_offset);
  set.digests_ = bytes.data() + h.digests_offset;
  set.ids_ = bytes.data() + h.ids_offset;
  set.count_ = h.count;
  set.prefix_bits_ = static_cast<int>(h.prefix_bits);
  set.id_width_ = static_cast<int>(h.id_width);
  set.bytes_ = std::move(bytes);
  return set;
}

template <typename D>
D DigestSet<D>::digest_at(uint64_t i) const {
  CAIRN_ASSERT(i < count_);
  D d;
  std::memcpy(d.bytes.data(), digests_ + i * D::kSize, D::kSize);
  return d;
}

template <typename D>
uint64_t DigestSet<D>::id_at(uint64_t i) const {
  CAIRN_ASSERT(i < count_);
  if (id_width_ == 4) {
    uint32_t v;
    std::memcpy(&v, ids_ + i * 4, 4);
    return v;
  }
  uint64_t v;
  std::memcpy(&v, ids_ + i * 8, 8);
  return v;
}

template <typename D>
void DigestSet<D>::Range(const D& digest, uint64_t& lo, uint64_t& hi) const {
  if (prefix_ == nullptr) {
    lo = hi = 0;
    return;
  }
  const uint32_t p = PrefixOf(digest.bytes.data(), prefix_bits_);
  hi = std::min(prefix_[p + 1], count_);
  lo = std::min(prefix_[p], hi);
}

template <typename D>
size_t DigestSet<D>::Find(const D& digest, std::vector<uint64_t>& ids) const {
  uint64_t lo, hi;
  Range(digest, lo, hi);
  const uint8_t* key = digest.bytes.data();
  // lower_bound in [lo, hi)
  uint64_t n = hi - lo;
  while (n > 0) {
    const uint64_t half = n / 2;
    if (CompareBytes<D::kSize>(digests_ + (lo + half) * D::kSize, key) < 0) {
      lo += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  size_t found = 0;
  for (; lo < hi && CompareBytes<D::kSize>(digests_ + lo * D::kSize, key) == 0; ++lo, ++found) {
    ids.push_back(id_at(lo));
  }
  return found;
}

template <typename D>
bool DigestSet<D>::Contains(const D& digest) const {
  uint64_t lo, hi;
  Range(digest, lo, hi);
  const uint8_t* key = digest.bytes.data();
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    const int c = CompareBytes<D::kSize>(digests_ + mid * D::kSize, key);
    if (c == 0) return true;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

template <typename D>
void DigestSet<D>::FindMany(std::span<const D> digests, std::vector<DigestHit>& out) const {
  CAIRN_ASSERT(digests.size() < UINT32_MAX);  // DigestHit::query is 32-bit
  if (prefix_ == nullptr) return;
  constexpr size_t kPrefixAhead = 16;
  constexpr size_t kBucketAhead = 8;
  std::vector<uint64_t> ids;
  const size_t n = digests.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefixAhead < n) {
      __builtin_prefetch(prefix_ + PrefixOf(digests[i + kPrefixAhead].bytes.data(), prefix_bits_));
    }
    if (i + kBucketAhead < n) {
      uint64_t lo, hi;
      Range(digests[i + kBucketAhead], lo, hi);
      if (lo < hi) {
        __builtin_prefetch(digests_ + lo * D::kSize);
        __builtin_prefetch(digests_ + (lo + (hi - lo) / 2) * D::kSize);
        __builtin_prefetch(digests_ + hi * D::kSize - 1);
      }
    }
    ids.clear();
    Find(digests[i], ids);
    for (uint64_t id : ids) out.push_back({static_cast<uint32_t>(i), id});
  }
}

template <typename D>
Status DigestSet<D>::Verify() const {
  constexpr std::string_view kWhat = "digest set";
  if (prefix_ == nullptr) return Status::Ok();
  const uint64_t buckets = uint64_t{1} << prefix_bits_;
  if (prefix_[0] != 0 || prefix_[buckets] != count_) {
    return internal::CorruptAt(kWhat, "prefix table does not span the digests");
  }
  for (uint64_t b = 0; b < buckets; ++b) {
    if (prefix_[b] > prefix_[b + 1]) return internal::CorruptAt(kWhat, "prefix table not sorted");
    for (uint64_t i = prefix_[b]; i < prefix_[b + 1]; ++i) {
      if (PrefixOf(digests_ + i * D::kSize, prefix_bits_) != b) {
        return internal::CorruptAt(kWhat, "digest " + std::to_string(i) + " in the wrong bucket");
      }
    }
  }
  for (uint64_t i = 1; i < count_; ++i) {
    const int c = CompareBytes<D::kSize>(digests_ + (i - 1) * D::kSize, digests_ + i * D::kSize);
    if (c > 0 || (c == 0 && id_at(i - 1) >= id_at(i))) {
      return internal::CorruptAt(kWhat, "entries not sorted at " + std::to_string(i));
    }
  }
  return Status::Ok();
}

template <typename D>
std::vector<uint8_t> DigestSetBuilder<D>::Finish() {
  const int bits = PrefixBitsFor(records_.size());
  const uint64_t buckets = uint64_t{1} << bits;
  // Counting sort by prefix, then a small sort inside each bucket.
  std::vector<uint64_t> start(buckets + 1, 0);
  for (const Record& r : records_) ++start[PrefixOf(r.digest.bytes.data(), bits) + 1];
  for (uint64_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  std::vector<Record> sorted(records_.size());
  {
    std::vector<uint64_t> next(start.begin(), start.end() - 1);
    for (const Record& r : records_) sorted[next[PrefixOf(r.digest.bytes.data(), bits)]++] = r;
  }
  std::vector<Record>().swap(records_);
  auto less = [](const Record& a, const Record& b) {
    const int c = CompareBytes<D::kSize>(a.digest.bytes.data(), b.digest.bytes.data());
    return c < 0 || (c == 0 && a.id < b.id);
  };
  for (uint64_t b = 0; b < buckets; ++b) {
    std::sort(sorted.begin() + static_cast<std::ptrdiff_t>(start[b]),
              sorted.begin() + static_cast<std::ptrdiff_t>(start[b + 1]), less);
  }
  auto same = [](const Record& a, const Record& b) { return a.id == b.id && a.digest == b.digest; };
  sorted.erase(std::unique(sorted.begin(), sorted.end(), same), sorted.end());
  const uint64_t count = sorted.size();
  uint64_t max_id = 0;
  for (const Record& r : sorted) max_id = std::max(max_id, r.id);
  const uint32_t id_width = max_id <= UINT32_MAX ? 4 : 8;

  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = DigestSet<D>::kFormatVersion;
  h.digest_size = D::kSize;
  h.id_width = id_width;
  h.prefix_bits = static_cast<uint32_t>(bits);
  h.count = count;
  h.prefix_offset = sizeof(Header);
  h.digests_offset = AlignUp(h.prefix_offset + (buckets + 1) * 8, 64);
  h.ids_offset = AlignUp(h.digests_offset + count * D::kSize, 64);
  h.total_size = AlignUp(h.ids_offset + count * id_width, 8);

  std::vector<uint8_t> out(h.total_size, 0);
  std::memcpy(out.data(), &h, sizeof h);
  // Prefix table of the deduplicated array.
  auto* prefix = reinterpret_cast<uint64_t*>(out.data() + h.prefix_offset);
  {
    uint64_t i = 0;
    for (uint64_t b = 0; b < buckets; ++b) {
      prefix[b] = i;
      while (i < count && PrefixOf(sorted[i].digest.bytes.data(), bits) == b) ++i;
    }
    prefix[buckets] = count;
  }
  uint8_t* digests = out.data() + h.digests_offset;
  uint8_t* ids = out.data() + h.ids_offset;
  for (uint64_t i = 0; i < count; ++i) {
    std::memcpy(digests + i * D::kSize, sorted[i].digest.bytes.data(), D::kSize);
    if (id_width == 4) {
      const auto v = static_cast<uint32_t>(sorted[i].id);
      std::memcpy(ids + i * 4, &v, 4);
    } else {
      std::memcpy(ids + i * 8, &sorted[i].id, 8);
    }
  }
  return out;
}

template class DigestSet<Md5>;
template class DigestSet<Sha1>;
template class DigestSet<Sha256>;
template class DigestSetBuilder<Md5>;
template class DigestSetBuilder<Sha1>;
template class DigestSetBuilder<Sha256>;

}  // namespace cairn::index
