// Exact digest-set benchmark: build a DigestSet<Md5> of CAIRN_BENCH_DIGEST_N random MD5s
// (default 100,000,000; 4-byte ids), write it, open it from an mmap, and measure single-thread
// lookups/s for hits and misses, one at a time (Find) and batched (FindMany), against a plain
// binary search (std::lower_bound) over the same sorted array in the same run. Run by
// bench/index/run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "cairn/index/digest_set.h"
#include "cairn/index/mapped_file.h"

namespace {

using cairn::Md5;
using cairn::index::DigestSet;
using cairn::index::DigestSetBuilder;
using Clock = std::chrono::steady_clock;

constexpr size_t kQueries = 1 << 20;

struct Rng {
  uint64_t s;
  uint64_t operator()() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

Md5 RandomMd5(Rng& rng) {
  Md5 d;
  const uint64_t a = rng(), b = rng();
  std::memcpy(d.bytes.data(), &a, 8);
  std::memcpy(d.bytes.data() + 8, &b, 8);
  return d;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Fmt(double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, unit);
  return buf;
}

DigestSet<Md5> g_set;
std::vector<Md5> g_hits, g_misses;

// The baseline: binary search over the whole sorted digest array, no prefix table.
bool PlainContains(const DigestSet<Md5>& set, const Md5& d) {
  uint64_t lo = 0, n = set.size();
  const uint8_t* base = set.bytes().data() + 64 + ((uint64_t{1} << set.prefix_bits()) + 1) * 8;
  base = reinterpret_cast<const uint8_t*>((reinterpret_cast<uintptr_t>(base) + 63) & ~uintptr_t{63});
  while (n > 0) {
    const uint64_t half = n / 2;
    if (std::memcmp(base + (lo + half) * 16, d.bytes.data(), 16) < 0) {
      lo += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return lo < set.size() && std::memcmp(base + lo * 16, d.bytes.data(), 16) == 0;
}

void BM_Find(benchmark::State& state, const std::vector<Md5>* queries) {
  std::vector<uint64_t> ids;
  size_t i = 0, found = 0;
  for (auto _ : state) {
    ids.clear();
    found += g_set.Find((*queries)[i++ & (kQueries - 1)], ids);
  }
  benchmark::DoNotOptimize(found);
  state.counters["lookups/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_FindMany(benchmark::State& state, const std::vector<Md5>* queries) {
  std::vector<cairn::index::DigestHit> hits;
  for (auto _ : state) {
    hits.clear();
    g_set.FindMany(*queries, hits);
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["lookups/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * queries->size()), benchmark::Counter::kIsRate);
}

void BM_PlainBinarySearch(benchmark::State& state, const std::vector<Md5>* queries) {
  size_t i = 0, found = 0;
  for (auto _ : state) found += PlainContains(g_set, (*queries)[i++ & (kQueries - 1)]);
  benchmark::DoNotOptimize(found);
  state.counters["lookups/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Lookups per second over all queries (wall clock, and process CPU time: what one core delivers
// when the machine is shared), timed once outside Google Benchmark for the summary.
struct Rates {
  double wall = 0, cpu = 0;
};
template <typename F>
Rates Rate(const std::vector<Md5>& queries, F f) {
  const auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  size_t found = 0;
  for (const Md5& q : queries) found += f(q);
  benchmark::DoNotOptimize(found);
  const double n = static_cast<double>(queries.size());
  return {n / Seconds(t0), n / (static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC)};
}

std::string Fmt(const Rates& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3gM (%.3gM)", r.wall / 1e6, r.cpu / 1e6);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* env = std::getenv("CAIRN_BENCH_DIGEST_N");
  const uint64_t n = env && *env ? std::strtoull(env, nullptr, 10) : 100'000'000;
  std::vector<std::string> summary;

  auto t0 = Clock::now();
  std::vector<uint8_t> bytes;
  {
    Rng rng{7};
    DigestSetBuilder<Md5> builder;
    builder.Reserve(n);
    for (uint64_t i = 0; i < n; ++i) builder.Add(RandomMd5(rng), i);
    const double gen_s = Seconds(t0);
    t0 = Clock::now();
    bytes = builder.Finish();
    summary.push_back("generated " + std::to_string(n) + " MD5s in " + Fmt(gen_s, "s") + ", built in " +
                      Fmt(Seconds(t0), "s") + ": " + Fmt(bytes.size() / 1e9, "GB") + " (" +
                      Fmt(double(bytes.size()) / n, "B/digest") + ")");
  }
  const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm")
                                        ? std::filesystem::path("/dev/shm")
                                        : std::filesystem::temp_directory_path();
  const std::filesystem::path file = dir / "cairn-bench-md5.dset";
  t0 = Clock::now();
  if (!cairn::index::WriteFileAtomically(file, bytes).ok()) return 2;
  const double write_s = Seconds(t0);
  std::vector<uint8_t>().swap(bytes);
  double open_s = 1e9;
  for (int i = 0; i < 20; ++i) {
    t0 = Clock::now();
    auto mapped = cairn::index::MappedFile::Open(file);
    auto set = DigestSet<Md5>::Open(cairn::index::SharedBytes::FromMappedFile(std::move(*mapped)));
    open_s = std::min(open_s, Seconds(t0));
    if (!set.ok()) return 2;
    g_set = std::move(*set);
  }
  std::filesystem::remove(file);
  summary.push_back("write " + Fmt(write_s, "s") + " to " + dir.string() + ", open (mmap + header check, best of 20) " +
                    Fmt(open_s * 1e3, "ms") + "; prefix table 2^" + std::to_string(g_set.prefix_bits()) +
                    " buckets, ids " + std::to_string(g_set.id_width()) + " bytes");
  {
    Rng rng{99};
    for (size_t i = 0; i < kQueries; ++i) g_hits.push_back(g_set.digest_at(rng() % g_set.size()));
    for (size_t i = 0; i < kQueries; ++i) g_misses.push_back(RandomMd5(rng));
  }
  // Touch every page once (a warm page cache, as after the first minutes of a scan).
  {
    uint64_t sum = 0;
    for (uint64_t off = 0; off < g_set.bytes().size(); off += 4096) sum += g_set.bytes()[off];
    benchmark::DoNotOptimize(sum);
  }
  std::vector<uint64_t> ids;
  auto find = [&](const Md5& q) { ids.clear(); return g_set.Find(q, ids); };
  const Rates hit_rate = Rate(g_hits, find);
  const Rates miss_rate = Rate(g_misses, find);
  const Rates plain_hit = Rate(g_hits, [](const Md5& q) { return PlainContains(g_set, q) ? 1 : 0; });
  const Rates plain_miss = Rate(g_misses, [](const Md5& q) { return PlainContains(g_set, q) ? 1 : 0; });
  std::vector<cairn::index::DigestHit> hits;
  auto many = [&](const std::vector<Md5>& queries) {
    const auto t = Clock::now();
    const std::clock_t c = std::clock();
    hits.clear();
    g_set.FindMany(queries, hits);
    return Rates{kQueries / Seconds(t), kQueries / (static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC)};
  };
  const Rates many_hit = many(g_hits);
  const bool all_found = hits.size() >= kQueries;
  const Rates many_miss = many(g_misses);
  summary.push_back("lookups/s, wall (cpu), 1M random queries:");
  summary.push_back("  Find            " + Fmt(hit_rate) + " hits, " + Fmt(miss_rate) + " misses");
  summary.push_back("  FindMany        " + Fmt(many_hit) + " hits, " + Fmt(many_miss) + " misses (batched, prefetching)");
  summary.push_back("  plain bsearch   " + Fmt(plain_hit) + " hits, " + Fmt(plain_miss) + " misses (baseline)");
  summary.push_back("  Find / baseline " + Fmt(hit_rate.wall / plain_hit.wall, "x") + " hits, " +
                    Fmt(miss_rate.wall / plain_miss.wall, "x") + " misses; every hit found: " +
                    (all_found ? "yes" : "NO"));

  benchmark::RegisterBenchmark("digest_set/Find/hit", BM_Find, &g_hits)->MinTime(0.3);
  benchmark::RegisterBenchmark("digest_set/Find/miss", BM_Find, &g_misses)->MinTime(0.3);
  benchmark::RegisterBenchmark("digest_set/FindMany/hit", BM_FindMany, &g_hits)->MinTime(0.3)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("plain_binary_search/hit", BM_PlainBinarySearch, &g_hits)->MinTime(0.3);
  benchmark::RegisterBenchmark("plain_binary_search/miss", BM_PlainBinarySearch, &g_misses)->MinTime(0.3);
  benchmark::RunSpecifiedBenchmarks();

  std::printf("\n== index digest-set summary (%llu MD5s, 1 thread)\n", static_cast<unsigned long long>(n));
  for (const std::string& line : summary) std::printf("  %s\n", line.c_str());
  return all_found ? 0 : 1;
}
