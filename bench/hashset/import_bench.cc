// Import throughput of the VICS 2.0 reader against a raw simdjson parse of the same bytes.
// Generates a synthetic VICS 2.0 Media list (CAIRN_BENCH_RECORDS records, default 1,000,000;
// random digests, no real data) at $TMPDIR/cairn-bench-vics-<N>.json once, then measures:
//   BM_SimdjsonDomBaseline    simdjson DOM parse of the whole file (runtime-dispatched SIMD) and
//                             a walk over value[*].MD5 — the baseline
//   BM_SimdjsonOnDemandBaseline  the same with On-Demand (the API Cairn's reader uses per record)
//   BM_CairnVicsImport        OpenReader + Next() over every entry (digests parsed, categories
//                             mapped, report kept), file memory-mapped
// Each reports records/s ("items_per_second").
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "cairn/hashset/import.h"

namespace {

size_t RecordCount() {
  const char* env = std::getenv("CAIRN_BENCH_RECORDS");
  return env ? std::strtoull(env, nullptr, 10) : 1000000;
}

std::string Hex(std::mt19937_64& rng, size_t digits) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s(digits, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (i % 16 == 0) bits = rng();
    s[i] = kDigits[bits & 0xf];
    bits >>= 4;
  }
  return s;
}

const std::filesystem::path& BenchFile() {
  static const std::filesystem::path path = [] {
    const size_t n = RecordCount();
    auto p = std::filesystem::temp_directory_path() / ("cairn-bench-vics-" + std::to_string(n) + ".json");
    if (std::filesystem::exists(p)) return p;
    const auto tmp = p.string() + ".part";
    std::ofstream out(tmp, std::ios::binary);
    out << "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/"
           "$metadata#Media\",\"value\":[";
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < n; ++i) {
      const std::string md5 = Hex(rng, 32);
      out << (i ? ",\n" : "\n") << "{\"MediaID\":" << i + 1 << ",\"Category\":" << (i % 3) << ",\"MD5\":\"" << md5
          << "\",\"SHA1\":\"" << Hex(rng, 40) << "\",\"MediaSize\":" << (rng() % 5000000)
          << ",\"VictimIdentified\":" << ((i & 1) ? "true" : "\"false\"") << ",\"IsDistributed\":true"
          << ",\"Series\":\"SERIES-" << (i % 977) << "\",\"Tags\":\"synthetic benchmark record\""
          << ",\"DateUpdated\":\"2024-01-02T03:04:05.000Z\",\"IsPrecategorized\":\"false\"";
      if (i % 4 == 0) {
        out << ",\"AlternativeHashes\":[{\"MD5\":\"" << md5 << "\",\"HashName\":\"SHA256\",\"HashValue\":\""
            << Hex(rng, 64) << "\"}]";
      }
      out << "}";
    }
    out << "\n]}\n";
    out.close();
    std::filesystem::rename(tmp, p);
    return p;
  }();
  return path;
}

void BM_SimdjsonDomBaseline(benchmark::State& state) {
  simdjson::padded_string json;
  if (simdjson::padded_string::load(BenchFile().string()).get(json)) {
    state.SkipWithError("cannot load the benchmark file");
    return;
  }
  simdjson::dom::parser parser;
  size_t records = 0;
  for (auto _ : state) {
    simdjson::dom::element doc;
    if (parser.parse(json).get(doc)) {
      state.SkipWithError("parse failed");
      return;
    }
    size_t n = 0;
    for (simdjson::dom::element m : doc["value"].get_array()) {
      std::string_view md5;
      if (!m["MD5"].get_string().get(md5)) n += md5.size() == 32;
    }
    records = n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(records * state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(json.size() * state.iterations()));
}

void BM_SimdjsonOnDemandBaseline(benchmark::State& state) {
  simdjson::padded_string json;
  if (simdjson::padded_string::load(BenchFile().string()).get(json)) {
    state.SkipWithError("cannot load the benchmark file");
    return;
  }
  simdjson::ondemand::parser parser;
  size_t records = 0;
  for (auto _ : state) {
    auto doc = parser.iterate(json);
    size_t n = 0;
    for (auto m : doc["value"].get_array()) {
      std::string_view md5;
      if (!m["MD5"].get_string().get(md5)) n += md5.size() == 32;
    }
    records = n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(records * state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(json.size() * state.iterations()));
}

void BM_CairnVicsImport(benchmark::State& state) {
  const auto& path = BenchFile();
  const auto bytes = std::filesystem::file_size(path);
  size_t records = 0;
  for (auto _ : state) {
    auto reader = cairn::hashset::OpenReader(path);
    if (!reader.ok()) {
      state.SkipWithError(reader.status().ToString().c_str());
      return;
    }
    cairn::hashset::Entry e;
    size_t n = 0;
    while (true) {
      auto more = (*reader)->Next(e);
      if (!more.ok() || !*more) break;
      ++n;
    }
    records = n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(records * state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes * state.iterations()));
}

BENCHMARK(BM_SimdjsonDomBaseline)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_SimdjsonOnDemandBaseline)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_CairnVicsImport)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
