// End-to-end trail benchmark on a generated ledger (CAIRN_TRAIL_BENCH_ROWS rows, default
// 10,000,000; calendar times, two-decimal amounts, busy hub accounts, planted 6-hop chains):
//   1. baseline: read the file and count lines (memchr), the floor for any parser;
//   2. IngestFile (read, SHA-256, parse, ledger segment, SQLite for files/accounts, one commit) in a
//      child process of its own, so its CPU time, wall time and peak RSS are its alone; then
//      ParseLedger alone (the public row-vector parser) for comparison — rows/s and ratios;
//   3. LedgerGraph::Load — seconds and graph memory; peak RSS;
//   4. Trace latency at 3 and 6 hops, forward and backward, from the busiest account and from a
//      planted chain's head (Google Benchmark, real time).
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/store/case.h"
#include "cairn/trail/graph.h"
#include "cairn/trail/ledger.h"
#include "cairn/trail/trace.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }
// Process CPU seconds (the benchmark is single-threaded; on a shared machine wall time is not).
double CpuNow() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::unique_ptr<cairn::trail::LedgerGraph> g_graph;
uint32_t g_hub = 0;
uint32_t g_chain_head = 0;

std::string Generate(const std::filesystem::path& path, uint64_t rows) {
  std::mt19937_64 rng(42);
  const uint64_t accounts = std::max<uint64_t>(1000, rows / 10);
  const uint64_t hubs = 100;
  const uint64_t chains = 1000, chain_len = 6;
  const int64_t start = 1704067200;  // 2024-01-01T00:00:00Z
  const int64_t span = 365LL * 86400;
  std::string out;
  out.reserve(rows * 48);
  out += "id,from,to,amount,time\n";
  char line[256];
  auto fmt_time = [](int64_t t, char* buf) {
    int64_t days = t / 86400, secs = t % 86400;
    // civil from days (2024 is a leap year; the generator stays within 2024-2025)
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1), m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    int64_t y = yoe + era * 400 + (m <= 2);
    std::snprintf(buf, 64, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m, d,
                  static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  };
  char tbuf[64];
  const uint64_t planted = chains * chain_len;
  const uint64_t random_rows = rows > planted ? rows - planted : 0;
  uint64_t id = 0;
  for (uint64_t i = 0; i < random_rows; ++i) {
    uint64_t from = rng() % accounts, to = rng() % accounts;
    if (rng() % 100 == 0) from = rng() % hubs;  // hubs: ~1% of transfers leave one of 100 hubs
    if (rng() % 100 == 0) to = rng() % hubs;
    const int64_t t = start + static_cast<int64_t>(i * static_cast<uint64_t>(span) / std::max<uint64_t>(1, random_rows));
    fmt_time(t, tbuf);
    const uint64_t cents = 100 + rng() % 500000;
    int n = std::snprintf(line, sizeof line, "%llu,ACC%07llu,ACC%07llu,%llu.%02llu,%s\n",
                          static_cast<unsigned long long>(++id), static_cast<unsigned long long>(from),
                          static_cast<unsigned long long>(to), static_cast<unsigned long long>(cents / 100),
                          static_cast<unsigned long long>(cents % 100), tbuf);
    out.append(line, static_cast<size_t>(n));
  }
  for (uint64_t c = 0; c < chains; ++c) {
    int64_t t = start + static_cast<int64_t>(rng() % static_cast<uint64_t>(span / 2));
    uint64_t cents = 500000 + rng() % 500000;
    for (uint64_t k = 0; k < chain_len; ++k) {
      t += 3600 + static_cast<int64_t>(rng() % 86400);
      fmt_time(t, tbuf);
      int n = std::snprintf(line, sizeof line, "%llu,CHAIN%04llu_%llu,CHAIN%04llu_%llu,%llu.%02llu,%s\n",
                            static_cast<unsigned long long>(++id), static_cast<unsigned long long>(c),
                            static_cast<unsigned long long>(k), static_cast<unsigned long long>(c),
                            static_cast<unsigned long long>(k + 1), static_cast<unsigned long long>(cents / 100),
                            static_cast<unsigned long long>(cents % 100), tbuf);
      out.append(line, static_cast<size_t>(n));
      cents = cents * 98 / 100;
    }
  }
  std::ofstream f(path, std::ios::binary);
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

long PeakRssMb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

void BM_Trace(benchmark::State& state) {
  cairn::trail::TraceOptions o;
  o.direction = state.range(1) ? cairn::trail::Direction::kBackward : cairn::trail::Direction::kForward;
  o.max_hops = static_cast<int>(state.range(0));
  o.reachability = state.range(3) != 0;
  std::vector<uint32_t> start = {state.range(2) ? g_chain_head : g_hub};
  size_t accounts = 0, reach = 0;
  bool truncated = false;
  for (auto _ : state) {
    auto r = cairn::trail::Trace(*g_graph, start, o);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    accounts = r->accounts.size();
    reach = r->reachable.size();
    truncated = r->truncated;
    benchmark::DoNotOptimize(r);
  }
  state.counters["fifo_accounts"] = static_cast<double>(accounts);
  state.counters["reachable"] = static_cast<double>(reach);
  state.counters["truncated"] = truncated ? 1 : 0;
}
// args: hops, backward, chain head (0 = busiest hub), reachability (1 = also every reachable account)
BENCHMARK(BM_Trace)
    ->Args({3, 0, 0, 0})->Args({6, 0, 0, 0})->Args({3, 1, 0, 0})->Args({6, 1, 0, 0})
    ->Args({3, 0, 0, 1})->Args({6, 0, 0, 1})->Args({3, 1, 0, 1})->Args({6, 1, 0, 1})
    ->Args({3, 0, 1, 1})->Args({6, 0, 1, 1})->Unit(benchmark::kMillisecond);

}  // namespace

// The ingest step, run as `trail_bench --ingest-child CSV CASE_DIR` by main.
int IngestChild(const char* csv, const char* case_dir) {
  cairn::trail::IngestOptions o;
  o.map = *cairn::trail::ColumnMap::Parse("id=id,from=from,to=to,amount=amount,time=time");
  o.default_currency = "EUR";
  auto c = cairn::store::Case::Open(case_dir, true);
  if (!c.ok()) {
    std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
    return 1;
  }
  auto r = cairn::trail::IngestFile(**c, csv, o);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  return 0;
}

struct ChildRun {
  bool ok = false;
  double wall = 0, cpu = 0;
  long peak_rss_mb = 0;
};

ChildRun RunIngestChild(const std::filesystem::path& csv, const std::filesystem::path& case_dir) {
  ChildRun run;
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string flag = "--ingest-child", a = csv.string(), b = case_dir.string();
  char* argv[] = {self.data(), flag.data(), a.data(), b.data(), nullptr};
  const auto t0 = Clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, environ) != 0) return run;
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) != pid) return run;
  run.wall = Seconds(t0);
  run.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  run.peak_rss_mb = ru.ru_maxrss / 1024;
  run.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return run;
}

uint64_t TreeBytes(const std::filesystem::path& dir) {
  uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string_view(argv[1]) == "--ingest-child") return IngestChild(argv[2], argv[3]);
  uint64_t rows = 10'000'000;
  if (const char* e = std::getenv("CAIRN_TRAIL_BENCH_ROWS")) rows = std::strtoull(e, nullptr, 10);
  const auto dir = std::filesystem::temp_directory_path() / ("cairn-trail-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto csv = dir / "ledger.csv";
  // CAIRN_TRAIL_BENCH_CSV_ONLY=PATH: write the generated ledger to PATH and stop (for profiling
  // `trail_bench --ingest-child PATH CASE_DIR` alone).
  if (const char* only = std::getenv("CAIRN_TRAIL_BENCH_CSV_ONLY")) {
    Generate(only, rows);
    std::filesystem::remove_all(dir);
    return 0;
  }

  auto t0 = Clock::now();
  std::string bytes = Generate(csv, rows);
  std::printf("generated %llu rows, %.1f MB in %.2f s\n", static_cast<unsigned long long>(rows),
              static_cast<double>(bytes.size()) / 1e6, Seconds(t0));
  bytes.clear();
  bytes.shrink_to_fit();

  // 1. baseline: read + count lines
  t0 = Clock::now();
  double c0 = CpuNow();
  uint64_t lines = 0;
  {
    std::ifstream in(csv, std::ios::binary);
    std::vector<char> buf(1 << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const size_t n = static_cast<size_t>(in.gcount());
      for (const char* p = buf.data(); (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(buf.data() + n - p)))) != nullptr; ++p) ++lines;
    }
  }
  const double t_count = Seconds(t0);
  const double cpu_count = CpuNow() - c0;

  // CAIRN_TRAIL_BENCH_SKIP_STORE=1: build the graph straight from the parsed rows (no case), to
  // measure trace latency on big ledgers quickly.
  const bool skip_store = std::getenv("CAIRN_TRAIL_BENCH_SKIP_STORE") != nullptr;
  // 2. ingest into a case, in a child process
  ChildRun ingest;
  if (!skip_store) {
    ingest = RunIngestChild(csv, dir / "case");
    if (!ingest.ok) {
      std::fprintf(stderr, "ingest failed\n");
      return 1;
    }
  }
  // parse only, through the public row-vector API
  cairn::trail::IngestOptions o;
  o.map = *cairn::trail::ColumnMap::Parse("id=id,from=from,to=to,amount=amount,time=time");
  o.default_currency = "EUR";
  double t_parse = 0, cpu_parse = 0;
  {
    std::ifstream in(csv, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    t0 = Clock::now();
    c0 = CpuNow();
    auto p = cairn::trail::ParseLedger(all, o);
    t_parse = Seconds(t0);
    cpu_parse = CpuNow() - c0;
    if (!p.ok() || p->rows.size() != rows) {
      std::fprintf(stderr, "parse failed: %s\n", p.ok() ? "row count" : p.status().ToString().c_str());
      return 1;
    }
    if (skip_store) {
      std::vector<std::string> names;
      std::unordered_map<std::string_view, uint32_t> ids;
      std::vector<cairn::trail::Transfer> transfers;
      transfers.reserve(p->rows.size());
      auto id_of = [&](std::string_view name) {
        auto [it, fresh] = ids.try_emplace(name, static_cast<uint32_t>(names.size()));
        if (fresh) names.emplace_back(name);
        return it->second;
      };
      int64_t tx = 0;
      for (const auto& row : p->rows) {
        transfers.push_back({id_of(row.from), id_of(row.to), row.amount, row.time, ++tx});
      }
      g_graph = std::make_unique<cairn::trail::LedgerGraph>(cairn::trail::LedgerGraph::Build(
          std::move(names), std::move(transfers), p->time_kind, "EUR"));
      std::printf("ParseLedger: %.2f M rows/s per cpu-s; graph built without the store: %.0f MB\n",
                  static_cast<double>(rows) / cpu_parse / 1e6, static_cast<double>(g_graph->MemoryBytes()) / 1e6);
    }
  }
  if (skip_store) {
    size_t best = 0;
    for (uint32_t v = 0; v < g_graph->num_accounts(); ++v) {
      if (g_graph->out(v).size() > best) {
        best = g_graph->out(v).size();
        g_hub = v;
      }
    }
    g_chain_head = *g_graph->FindAccount("CHAIN0000_0");
    std::printf("busiest account %s: %zu transfers out, %zu in\n", g_graph->name(g_hub).c_str(),
                g_graph->out(g_hub).size(), g_graph->in(g_hub).size());
    std::fflush(stdout);
    std::filesystem::remove_all(dir);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
  }

  // 3. load the graph from the case
  auto c = cairn::store::Case::Open(dir / "case", false);
  if (!c.ok()) {
    std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
    return 1;
  }
  t0 = Clock::now();
  c0 = CpuNow();
  auto g = cairn::trail::LedgerGraph::Load(**c);
  const double t_load = Seconds(t0);
  const double cpu_load = CpuNow() - c0;
  if (!g.ok()) {
    std::fprintf(stderr, "%s\n", g.status().ToString().c_str());
    return 1;
  }
  g_graph = std::make_unique<cairn::trail::LedgerGraph>(std::move(*g));
  size_t best = 0;
  for (uint32_t v = 0; v < g_graph->num_accounts(); ++v) {
    if (g_graph->out(v).size() > best) {
      best = g_graph->out(v).size();
      g_hub = v;
    }
  }
  g_chain_head = *g_graph->FindAccount("CHAIN0000_0");
  const double n = static_cast<double>(rows);
  auto line = [&](const char* what, double wall, double cpu) {
    std::printf("%-28s wall %7.2f s  cpu %7.2f s  %6.2f M rows/s per cpu-s  (%6.1fx baseline cpu)\n", what,
                wall, cpu, n / cpu / 1e6, cpu / cpu_count);
  };
  line("baseline read+count lines", t_count, cpu_count);
  line("IngestFile (whole import)", ingest.wall, ingest.cpu);
  line("ParseLedger (rows in memory)", t_parse, cpu_parse);
  line("LedgerGraph::Load", t_load, cpu_load);
  std::printf("IngestFile peak RSS        : %8ld MB (its own process; includes the mapped CSV)\n", ingest.peak_rss_mb);
  std::printf("graph memory %.0f MB, %zu accounts, %zu transfers\n",
              static_cast<double>(g_graph->MemoryBytes()) / 1e6, g_graph->num_accounts(), g_graph->num_transfers());
  std::printf("case.db size               : %8.0f MB; ledger segments %.0f MB\n",
              static_cast<double>(std::filesystem::file_size(dir / "case" / "case.db")) / 1e6,
              static_cast<double>(TreeBytes(dir / "case" / "trail")) / 1e6);
  std::printf("peak RSS so far            : %8ld MB\n", PeakRssMb());
  std::printf("busiest account %s: %zu transfers out, %zu in\n", g_graph->name(g_hub).c_str(),
              g_graph->out(g_hub).size(), g_graph->in(g_hub).size());
  std::fflush(stdout);
  c->reset();
  std::filesystem::remove_all(dir);

  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
