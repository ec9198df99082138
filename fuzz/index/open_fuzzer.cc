// Fuzzes opening serialised indexes from untrusted bytes: the first byte picks the structure
// (digest set of MD5/SHA-1/SHA-256, flat index, MIH index), the rest are its bytes. Opening must
// fail cleanly or give an index whose lookups, searches and Verify() stay memory-safe.
#include <cstdint>
#include <cstring>
#include <vector>

#include "cairn/index/binary_index.h"
#include "cairn/index/digest_set.h"

namespace {

using cairn::index::SharedBytes;

template <typename D>
void FuzzDigestSet(const SharedBytes& bytes, const uint8_t* probe, size_t probe_size) {
  auto set = cairn::index::DigestSet<D>::Open(bytes);
  if (!set.ok()) return;
  (void)set->Verify();
  std::vector<D> queries(4);
  for (size_t i = 0; i < queries.size(); ++i) {
    for (size_t j = 0; j < D::kSize; ++j) {
      queries[i].bytes[j] = probe_size ? probe[(i * 7 + j) % probe_size] : static_cast<uint8_t>(j);
    }
  }
  if (set->size() > 0) queries.push_back(set->digest_at(set->size() / 2));
  std::vector<uint64_t> ids;
  for (const D& q : queries) {
    set->Find(q, ids);
    (void)set->Contains(q);
  }
  std::vector<cairn::index::DigestHit> hits;
  set->FindMany(queries, hits);
}

template <typename Index>
void FuzzBinaryIndex(Index& index, const uint8_t* probe, size_t probe_size) {
  std::vector<cairn::Hash256> queries(2);
  for (size_t j = 0; j < 32; ++j) {
    queries[0].bytes[j] = probe_size ? probe[j % probe_size] : 0;
    queries[1].bytes[j] = static_cast<uint8_t>(~queries[0].bytes[j]);
  }
  std::vector<cairn::index::Neighbor> out;
  for (int radius : {0, 31, 300}) (void)index.RangeSearch(queries, radius, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0];
  // Copy so the index bytes are 8-byte aligned, as they are in a mapped file.
  SharedBytes bytes = SharedBytes::FromVector(std::vector<uint8_t>(data + 1, data + size));
  const uint8_t* probe = data + 1;
  const size_t probe_size = size - 1;
  switch (kind % 5) {
    case 0: FuzzDigestSet<cairn::Md5>(bytes, probe, probe_size); break;
    case 1: FuzzDigestSet<cairn::Sha1>(bytes, probe, probe_size); break;
    case 2: FuzzDigestSet<cairn::Sha256>(bytes, probe, probe_size); break;
    case 3: {
      auto index = cairn::index::FlatIndex::Open(bytes);
      if (index.ok()) FuzzBinaryIndex(*index, probe, probe_size);
      break;
    }
    default: {
      auto index = cairn::index::MihIndex::Open(bytes);
      if (index.ok()) {
        (void)index->Verify();
        FuzzBinaryIndex(*index, probe, probe_size);
        std::vector<cairn::Hash256> q(1);
        std::vector<cairn::index::Neighbor> out;
        (void)index->RangeSearch(q, 40, cairn::index::MihIndex::Plan::kAlwaysProbe, out);
      }
      break;
    }
  }
  return 0;
}
