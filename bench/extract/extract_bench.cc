// Identifier extraction throughput (MB/s) over a generated text of CAIRN_BENCH_EXTRACT_MB MiB
// (default 100) mixing chat-like noise with identifiers of every kind (about one in 40 tokens, ~1 per 250 bytes),
// against a baseline memchr pass counting newlines over the same bytes. bench/extract/run prints
// the ratios.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cairn/extract/extractor.h"

namespace {

const std::string& Corpus() {
  static const std::string corpus = [] {
    size_t mb = 100;
    if (const char* env = std::getenv("CAIRN_BENCH_EXTRACT_MB")) mb = std::strtoul(env, nullptr, 10);
    const size_t size = mb << 20;
    std::mt19937 rng(7);
    const char* words[] = {"the", "group", "link", "send", "new", "files", "today", "ok", "bro", "check",
                           "price", "2023-04-05", "10:32", "12", "join", "admin", "payment", "done",
                           "please", "video", "pics", "here", "at", "version", "1.2.3", "#42", "(ok)",
                           "www", "com", "email", "call", "me", "@", "x", "4:15", "+", "100%"};
    const char* ids[] = {"https://mega.nz/file/Ab3dEf#k3y", "t.me/joinchat/AAAAAEx1", "alice.b@example.com",
                         "+91 98765 43210", "+44 20 7946 0958", "9876543210@ybl", "GB82 WEST 1234 5698 7654 32",
                         "4111 1111 1111 1111", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
                         "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                         "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "https://www.mediafire.com/file/x1/a.zip",
                         "chat.whatsapp.com/InV1teC0de"};
    std::string s;
    s.reserve(size + 256);
    while (s.size() < size) {
      const unsigned r = rng() % 520;
      if (r < 13) {
        s += ids[r];
      } else {
        s += words[rng() % (sizeof(words) / sizeof(words[0]))];
      }
      s += (rng() % 12 == 0) ? '\n' : ' ';
    }
    s.resize(size);
    return s;
  }();
  return corpus;
}

void BM_MemchrBaseline(benchmark::State& state) {
  const std::string& c = Corpus();
  for (auto _ : state) {
    size_t lines = 0;
    const char* p = c.data();
    const char* end = p + c.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) != nullptr) {
      ++lines;
      ++p;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.size()));
}

void RunExtract(benchmark::State& state, bool utf16) {
  const std::string& c = Corpus();
  cairn::extract::ExtractOptions o;
  o.scan_utf16 = utf16;
  auto x = cairn::extract::Extractor::Create(o);
  size_t found = 0;
  for (auto _ : state) {
    found = x->Extract(c).size();
    benchmark::DoNotOptimize(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.size()));
  state.counters["identifiers"] = static_cast<double>(found);
}

void BM_Extract(benchmark::State& state) { RunExtract(state, true); }
void BM_ExtractAsciiOnly(benchmark::State& state) { RunExtract(state, false); }

}  // namespace

BENCHMARK(BM_MemchrBaseline)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Extract)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_ExtractAsciiOnly)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_MAIN();
