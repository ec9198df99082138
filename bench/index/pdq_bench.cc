// PDQ BinaryIndex benchmark: build time, serialised size, open time (mmap) and single-thread
// range-search throughput at radius 31 (inclusive) for MihIndex vs FlatIndex vs faiss
// IndexBinaryMultiHash(256, 16, 16) (nflip = 1, radius 32 exclusive = 31 inclusive), on uniform
// random and on clustered (near-duplicate) hashes, with a check that all three return identical
// result sets. Sizes: CAIRN_BENCH_PDQ_N (default 10,000,000); faiss runs on its own uniform set of
// CAIRN_BENCH_FAISS_N (default 1,000,000: its build takes ~100 s at 10M); CAIRN_BENCH_PDQ_M lists
// extra MIH substring counts to compare (e.g. "16"). Throughput is given in wall-clock and in
// process CPU time (the latter is what one core delivers when the machine is shared). Index files
// go to /dev/shm when it exists (else the temp folder). Run by bench/index/run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <sstream>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cairn/index/binary_index.h"
#include "cairn/index/hamming.h"
#include "cairn/index/mapped_file.h"

#ifdef CAIRN_BENCH_HAVE_FAISS
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>
#endif

namespace {

using cairn::Hash256;
using cairn::index::FlatIndex;
using cairn::index::MihIndex;
using cairn::index::MihOptions;
using cairn::index::Neighbor;
using Clock = std::chrono::steady_clock;

constexpr int kRadius = 31;
constexpr size_t kQueries = 2000;     // per query kind, for MIH and faiss
constexpr size_t kFlatQueries = 32;   // the flat scan is ~1000x slower
constexpr size_t kFaissQueries = 200; // faiss's multi-hash is ~50x slower than MIH here

uint64_t EnvSize(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Wall-clock and CPU seconds of one call.
struct Timing {
  double wall = 0, cpu = 0;
};
template <typename F>
Timing Time(F f) {
  const auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  f();
  return {Seconds(t0), static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC};
}

// splitmix64: fast enough to fill 320 MB of hashes in well under a second.
struct Rng {
  uint64_t s;
  uint64_t operator()() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

Hash256 RandomHash(Rng& rng) {
  Hash256 h;
  for (int i = 0; i < 4; ++i) {
    const uint64_t w = rng();
    std::memcpy(h.bytes.data() + 8 * i, &w, 8);
  }
  return h;
}

Hash256 Flip(Hash256 h, int bits, Rng& rng) {
  // Distinct positions: re-draw on a repeat.
  uint64_t used[4] = {0, 0, 0, 0};
  for (int i = 0; i < bits;) {
    const int b = static_cast<int>(rng() % 256);
    if (used[b / 64] >> (b % 64) & 1) continue;
    used[b / 64] |= uint64_t{1} << (b % 64);
    h.bytes[b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
    ++i;
  }
  return h;
}

struct Dataset {
  std::string name;
  std::vector<Hash256> hashes;
  std::vector<uint64_t> ids;
  std::vector<Hash256> miss_queries;  // uniform random: almost all miss
  std::vector<Hash256> near_queries;  // indexed hashes moved by 0..31 bits: each hits
};

Dataset MakeUniform(uint64_t n) {
  Rng rng{1};
  Dataset d;
  d.name = "uniform";
  d.hashes.resize(n);
  for (auto& h : d.hashes) h = RandomHash(rng);
  d.ids.resize(n);
  for (uint64_t i = 0; i < n; ++i) d.ids[i] = i;
  for (size_t i = 0; i < kQueries; ++i) d.miss_queries.push_back(RandomHash(rng));
  for (size_t i = 0; i < kQueries; ++i) {
    d.near_queries.push_back(Flip(d.hashes[rng() % n], static_cast<int>(rng() % 32), rng));
  }
  return d;
}

// n/10 random centres, ten hashes each within 0..40 bits of their centre.
Dataset MakeClustered(uint64_t n) {
  Rng rng{2};
  Dataset d;
  d.name = "clustered";
  const uint64_t centres = std::max<uint64_t>(1, n / 10);
  std::vector<Hash256> c(centres);
  for (auto& h : c) h = RandomHash(rng);
  d.hashes.resize(n);
  for (uint64_t i = 0; i < n; ++i) d.hashes[i] = Flip(c[i % centres], static_cast<int>(rng() % 41), rng);
  d.ids.resize(n);
  for (uint64_t i = 0; i < n; ++i) d.ids[i] = i;
  for (size_t i = 0; i < kQueries; ++i) d.miss_queries.push_back(RandomHash(rng));
  for (size_t i = 0; i < kQueries; ++i) {
    d.near_queries.push_back(Flip(c[rng() % centres], static_cast<int>(rng() % 21), rng));
  }
  return d;
}

std::vector<std::string> g_summary;
bool g_all_identical = true;

std::vector<Neighbor> Run(const cairn::index::BinaryIndex& index, std::span<const Hash256> q) {
  std::vector<Neighbor> out;
  if (!index.RangeSearch(q, kRadius, out).ok()) std::abort();
  return out;
}

// Queries/s of `search` over `queries`, measured by Google Benchmark.
template <typename F>
void RegisterQueries(const std::string& name, std::span<const Hash256> queries, F search,
                     bool once = false) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [queries, search](benchmark::State& state) {
    size_t results = 0;
    for (auto _ : state) results += search(queries);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * queries.size()));
    state.counters["results/query"] =
        static_cast<double>(results) / static_cast<double>(state.iterations() * queries.size());
    state.counters["queries/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * queries.size()), benchmark::Counter::kIsRate);
  });
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
  if (once) {
    b->Iterations(1);
  } else {
    b->MinTime(0.5);
  }
}

#ifdef CAIRN_BENCH_HAVE_FAISS
std::vector<Neighbor> RunFaiss(const faiss::IndexBinaryMultiHash& index, std::span<const Hash256> q) {
  faiss::RangeSearchResult res(static_cast<faiss::Index::idx_t>(q.size()));
  // faiss returns distance < radius: radius 32 there is 31 inclusive here.
  index.range_search(static_cast<faiss::Index::idx_t>(q.size()), q.data()->bytes.data(), kRadius + 1, &res);
  std::vector<Neighbor> out;
  for (size_t i = 0; i < q.size(); ++i) {
    const size_t from = out.size();
    for (size_t j = res.lims[i]; j < res.lims[i + 1]; ++j) {
      out.push_back({static_cast<uint32_t>(i), static_cast<uint64_t>(res.labels[j]),
                     static_cast<int>(res.distances[j])});
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(),
              [](const Neighbor& a, const Neighbor& b) {
                return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
              });
  }
  return out;
}
#endif

void Check(const std::string& what, const std::vector<Neighbor>& a, const std::vector<Neighbor>& b) {
  const bool same = a == b;
  g_all_identical = g_all_identical && same;
  g_summary.push_back("  identical result sets, " + what + ": " + (same ? "yes" : "NO") + " (" +
                      std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " neighbors)");
}

std::string Fmt(double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, unit);
  return buf;
}

void BenchDataset(Dataset d, const std::vector<int>& substrings, bool with_faiss) {
  const uint64_t n = d.hashes.size();
  g_summary.push_back(d.name + " (" + std::to_string(n) + " hashes, radius " + std::to_string(kRadius) +
                      " inclusive, 1 thread, kernels " +
                      std::string(cairn::index::KernelLevelName(cairn::index::BestKernelLevel())) + "):");
  const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm")
                                        ? std::filesystem::path("/dev/shm")
                                        : std::filesystem::temp_directory_path();
  auto t0 = Clock::now();
  FlatIndex flat = std::move(FlatIndex::Build(d.hashes, d.ids)).value();
  g_summary.push_back("  flat: build " + Fmt(Seconds(t0), "s") + ", " + Fmt(flat.bytes().size() / 1e6, "MB"));
  std::span<const Hash256> flat_miss(d.miss_queries.data(), kFlatQueries);
  std::span<const Hash256> flat_near(d.near_queries.data(), kFlatQueries);
  const auto flat_miss_results = Run(flat, flat_miss);
  const auto flat_near_results = Run(flat, flat_near);

  const Timing flat_t = Time([&] { benchmark::DoNotOptimize(Run(flat, flat_miss)); });
  const double flat_qps = kFlatQueries / flat_t.wall, flat_cpu_qps = kFlatQueries / flat_t.cpu;
  RegisterQueries("flat/" + d.name + "/miss", flat_miss,
                  [&flat](std::span<const Hash256> q) { return Run(flat, q).size(); });

  std::vector<std::unique_ptr<MihIndex>> mihs;
  std::vector<double> mih_miss_qps, mih_near_qps;
  for (int m : substrings) {
    const int mm = m == 0 ? MihIndex::DefaultSubstrings(n) : m;
    t0 = Clock::now();
    std::vector<uint8_t> bytes = std::move(MihIndex::Serialize(d.hashes, d.ids, MihOptions{mm})).value();
    const double build_s = Seconds(t0);
    const std::filesystem::path file = dir / ("cairn-bench-" + d.name + "-m" + std::to_string(mm) + ".mih");
    t0 = Clock::now();
    if (!cairn::index::WriteFileAtomically(file, bytes).ok()) std::abort();
    const double write_s = Seconds(t0);
    const size_t size = bytes.size();
    std::vector<uint8_t>().swap(bytes);
    // Open = mmap + header validation; best of 20.
    double open_s = 1e9;
    for (int i = 0; i < 20; ++i) {
      t0 = Clock::now();
      auto mapped = cairn::index::MappedFile::Open(file);
      auto index = MihIndex::Open(cairn::index::SharedBytes::FromMappedFile(std::move(*mapped)));
      open_s = std::min(open_s, Seconds(t0));
      if (i == 19) mihs.push_back(std::make_unique<MihIndex>(std::move(*index)));
    }
    std::filesystem::remove(file);  // the mapping stays valid until unmapped
    const MihIndex& mih = *mihs.back();
    std::string huge_line;
    {
      // The same index copied into huge-page memory (fewer TLB misses on random probes).
      t0 = Clock::now();
      auto huge = cairn::index::SharedBytes::CopyToHugePages(mih.bytes());
      auto hidx = MihIndex::Open(std::move(*huge));
      const double copy_s = Seconds(t0);
      (void)Run(*hidx, std::span<const Hash256>(d.near_queries).first(200));
      const Timing hm = Time([&] { benchmark::DoNotOptimize(Run(*hidx, d.miss_queries)); });
      const Timing hn = Time([&] { benchmark::DoNotOptimize(Run(*hidx, d.near_queries)); });
      huge_line = ("    copied to huge pages (" + Fmt(copy_s, "s") +
                          "): queries/s wall (cpu): " + Fmt(kQueries / hm.wall, "") + "(" +
                          Fmt(kQueries / hm.cpu, "") + ") miss, " + Fmt(kQueries / hn.wall, "") + "(" +
                          Fmt(kQueries / hn.cpu, "") + ") near-dup");
    }
    // Warm the page cache mapping (first touch of each page), then measure.
    (void)Run(mih, d.near_queries);
    const Timing miss_t = Time([&] { benchmark::DoNotOptimize(Run(mih, d.miss_queries)); });
    const Timing near_t = Time([&] { benchmark::DoNotOptimize(Run(mih, d.near_queries)); });
    const double miss_qps = kQueries / miss_t.wall, near_qps = kQueries / near_t.wall;
    mih_miss_qps.push_back(miss_qps);
    mih_near_qps.push_back(near_qps);
    g_summary.push_back("  MIH m=" + std::to_string(mm) + ": build " + Fmt(build_s, "s") + ", " +
                        Fmt(size / 1e6, "MB") + " (" + Fmt(double(size) / n, "B/hash") + "), write " +
                        Fmt(write_s, "s") + " to " + dir.string() + ", open " + Fmt(open_s * 1e3, "ms"));
    g_summary.push_back("    queries/s wall (cpu): " + Fmt(miss_qps, "") + "(" + Fmt(kQueries / miss_t.cpu, "") +
                        ") miss, " + Fmt(near_qps, "") + "(" + Fmt(kQueries / near_t.cpu, "") +
                        ") near-dup; flat " + Fmt(flat_qps, "") + "(" + Fmt(flat_cpu_qps, "") +
                        "); MIH/flat " + Fmt(miss_qps / flat_qps, "x"));
    g_summary.push_back(huge_line);
    Check("MIH m=" + std::to_string(mm) + " vs flat, " + std::to_string(kFlatQueries) + " miss queries",
          Run(mih, flat_miss), flat_miss_results);
    Check("MIH m=" + std::to_string(mm) + " vs flat, " + std::to_string(kFlatQueries) + " near-dup queries",
          Run(mih, flat_near), flat_near_results);
    const std::string tag = "mih_m" + std::to_string(mm) + "/" + d.name;
    RegisterQueries(tag + "/miss", d.miss_queries,
                    [&mih](std::span<const Hash256> q) { return Run(mih, q).size(); });
    RegisterQueries(tag + "/near_dup", d.near_queries,
                    [&mih](std::span<const Hash256> q) { return Run(mih, q).size(); });
  }

#ifdef CAIRN_BENCH_HAVE_FAISS
  std::unique_ptr<faiss::IndexBinaryMultiHash> fx;
  if (with_faiss) {
    omp_set_num_threads(1);
    t0 = Clock::now();
    fx = std::make_unique<faiss::IndexBinaryMultiHash>(256, 16, 16);
    fx->nflip = 1;
    fx->add(static_cast<faiss::Index::idx_t>(n), d.hashes.data()->bytes.data());
    const double build_s = Seconds(t0);
    std::span<const Hash256> fmiss(d.miss_queries.data(), kFaissQueries);
    std::span<const Hash256> fnear(d.near_queries.data(), kFaissQueries);
    (void)RunFaiss(*fx, fnear.first(10));
    std::vector<Neighbor> miss, near;
    const Timing miss_t = Time([&] { miss = RunFaiss(*fx, fmiss); });
    const Timing near_t = Time([&] { near = RunFaiss(*fx, fnear); });
    const double miss_qps = kFaissQueries / miss_t.wall, near_qps = kFaissQueries / near_t.wall;
    g_summary.push_back("  faiss IndexBinaryMultiHash(256,16,16) nflip=1: build " + Fmt(build_s, "s") +
                        " (in memory; no mmap form); queries/s wall (cpu): " + Fmt(miss_qps, "") + "(" +
                        Fmt(kFaissQueries / miss_t.cpu, "") + ") miss, " + Fmt(near_qps, "") + "(" +
                        Fmt(kFaissQueries / near_t.cpu, "") + ") near-dup");
    for (size_t i = 0; i < mihs.size(); ++i) {
      const std::string m = std::to_string(mihs[i]->substrings());
      g_summary.push_back("  MIH m=" + m + " vs faiss: " + Fmt(mih_miss_qps[i] / miss_qps, "x") + " miss, " +
                          Fmt(mih_near_qps[i] / near_qps, "x") + " near-dup");
      Check("MIH m=" + m + " vs faiss, " + std::to_string(kFaissQueries) + " miss queries", Run(*mihs[i], fmiss), miss);
      Check("MIH m=" + m + " vs faiss, " + std::to_string(kFaissQueries) + " near-dup queries", Run(*mihs[i], fnear), near);
    }
    const faiss::IndexBinaryMultiHash* fp = fx.get();
    RegisterQueries("faiss_multihash/" + d.name + "/miss", fmiss,
                    [fp](std::span<const Hash256> q) { return RunFaiss(*fp, q).size(); }, true);
    RegisterQueries("faiss_multihash/" + d.name + "/near_dup", fnear,
                    [fp](std::span<const Hash256> q) { return RunFaiss(*fp, q).size(); }, true);
  }
#else
  (void)with_faiss;
  g_summary.push_back("  faiss: not built (libfaiss-dev missing)");
#endif
  // A fresh reporter per call: libbenchmark 1.7.1 crashes when its default one is reused.
  benchmark::ConsoleReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const uint64_t n = EnvSize("CAIRN_BENCH_PDQ_N", 10'000'000);
  const uint64_t faiss_n = EnvSize("CAIRN_BENCH_FAISS_N", 1'000'000);
  std::vector<int> substrings = {0};
  if (const char* extra = std::getenv("CAIRN_BENCH_PDQ_M")) {
    std::stringstream list(extra);
    for (std::string item; std::getline(list, item, ',');) substrings.push_back(std::atoi(item.c_str()));
  }
  auto t0 = Clock::now();
  {
    Dataset d = MakeUniform(n);
    g_summary.push_back("generated " + std::to_string(n) + " uniform hashes in " + Fmt(Seconds(t0), "s"));
    BenchDataset(std::move(d), substrings, faiss_n == n);
  }
  {
    t0 = Clock::now();
    Dataset d = MakeClustered(n);
    g_summary.push_back("generated " + std::to_string(n) + " clustered hashes in " + Fmt(Seconds(t0), "s"));
    BenchDataset(std::move(d), {0}, false);
  }
  if (faiss_n != n && faiss_n > 0) {
    Dataset d = MakeUniform(faiss_n);
    BenchDataset(std::move(d), {0}, true);
  }
  std::printf("\n== index PDQ summary\n");
  for (const std::string& line : g_summary) std::printf("%s\n", line.c_str());
  std::printf("%s\n", g_all_identical ? "all result sets identical" : "RESULT SETS DIFFER");
  return g_all_identical ? 0 : 1;
}
