// Identifier extraction throughput (MB/s) over a generated text of CAIRN_BENCH_EXTRACT_MB MiB
// (default 100) mixing chat-like noise with identifiers of every kind (about one in 40 tokens, ~1 per 250 bytes),
// against a baseline memchr pass counting newlines over the same bytes; the same text with stream
// decoding off (the cost of looking for PDF/gzip/zip signatures in plain text) and the signature
// search alone; and a corpus of gzip members (64 KiB of the text each) decoded and scanned.
// bench/extract/run prints the ratios.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include "cairn/extract/extractor.h"
#include "cairn/extract/stream_decoder.h"

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

void RunExtract(benchmark::State& state, bool utf16, bool decode = true) {
  const std::string& c = Corpus();
  cairn::extract::ExtractOptions o;
  o.scan_utf16 = utf16;
  o.decode_streams = decode;
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
void BM_ExtractNoDecode(benchmark::State& state) { RunExtract(state, true, false); }

void BM_StreamSignatures(benchmark::State& state) {
  const std::string& c = Corpus();
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(c.data()), c.size());
  size_t found = 0;
  for (auto _ : state) {
    found = 0;
    cairn::extract::ForEachStreamSignature(bytes, 0, bytes.size(), [&](size_t, cairn::extract::StreamKind) { ++found; });
    benchmark::DoNotOptimize(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.size()));
  state.counters["signatures"] = static_cast<double>(found);
}

// The first 16 MiB of the corpus as gzip members of 64 KiB each, back to back.
const std::string& GzipCorpus() {
  static const std::string gz = [] {
    const std::string& c = Corpus();
    const size_t total = std::min(c.size(), size_t{16} << 20);
    std::string out;
    for (size_t at = 0; at < total; at += size_t{64} << 10) {
      const size_t n = std::min(total - at, size_t{64} << 10);
      z_stream zs{};
      deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
      std::string member(deflateBound(&zs, n) + 32, '\0');
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(c.data() + at));
      zs.avail_in = static_cast<uInt>(n);
      zs.next_out = reinterpret_cast<Bytef*>(member.data());
      zs.avail_out = static_cast<uInt>(member.size());
      deflate(&zs, Z_FINISH);
      member.resize(zs.total_out);
      deflateEnd(&zs);
      out += member;
    }
    return out;
  }();
  return gz;
}

// MB/s counted in decoded bytes (the text inside the members).
void BM_ExtractGzipMembers(benchmark::State& state) {
  const std::string& gz = GzipCorpus();
  auto x = cairn::extract::Extractor::Create({});
  size_t found = 0;
  for (auto _ : state) {
    found = x->Extract(gz).size();
    benchmark::DoNotOptimize(found);
  }
  const size_t decoded = std::min(Corpus().size(), size_t{16} << 20);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * decoded));
  state.counters["identifiers"] = static_cast<double>(found);
  state.counters["compressed_mb"] = static_cast<double>(gz.size()) / 1e6;
}

}  // namespace

BENCHMARK(BM_MemchrBaseline)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Extract)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_ExtractAsciiOnly)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_ExtractNoDecode)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_StreamSignatures)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_ExtractGzipMembers)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_MAIN();
