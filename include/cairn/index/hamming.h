// Hamming-distance kernels for 256-bit hashes (PDQ): XOR + popcount over 32 bytes, one-to-one,
// one-to-many over a contiguous array, and one-to-many over a gathered list of positions.
// Three variants with identical results: scalar (reference), POPCNT (SSE4.2 machines) and AVX2
// (nibble-table popcount, the method of Mula et al.; cf. faiss utils/hamming_distance). The best
// one is picked once at run time with __builtin_cpu_supports, never by build flags. Stateless and
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cairn::index {

enum class KernelLevel { kScalar, kPopcnt, kAvx2 };

std::string_view KernelLevelName(KernelLevel level);
// True when this CPU can run `level`.
bool KernelSupported(KernelLevel level);
// The fastest level this CPU supports.
KernelLevel BestKernelLevel();

struct HammingKernels {
  KernelLevel level;
  // Distance between two 32-byte hashes.
  int (*distance)(const uint8_t* a, const uint8_t* b);
  // out[i] = distance(query, base + 32 * i) for i < n.
  void (*distances)(const uint8_t* query, const uint8_t* base, size_t n, uint16_t* out);
  // out[i] = distance(query, base + 32 * positions[i]) for i < n (prefetches ahead).
  void (*gather)(const uint8_t* query, const uint8_t* base, const uint32_t* positions, size_t n,
                 uint16_t* out);
};

// The kernels of `level`; CAIRN_ASSERTs that the CPU supports it.
const HammingKernels& KernelsFor(KernelLevel level);
// The kernels of BestKernelLevel(), chosen once.
const HammingKernels& BestKernels();

}  // namespace cairn::index
