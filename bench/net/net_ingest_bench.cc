// cairn net at the case's scale: a generated case (default 50 groups, 5,000 people from 50
// regions, ~1M messages) is parsed (baseline: the streaming WhatsApp parser with an empty sink),
// then ingested into a fresh case and summarised. Prints one JSON object with the timings.
// Usage: net_ingest_bench [texts_per_member (default 150)] [work folder (default /tmp)]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include "cairn/chat/whatsapp.h"
#include "cairn/net/network.h"
#include "cairn/store/case.h"
#include "synthetic_exports.h"

namespace {
double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
// User + system CPU of this process (all threads).
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  const int texts = argc > 1 ? std::atoi(argv[1]) : 150;
  const std::filesystem::path work =
      std::filesystem::path(argc > 2 ? argv[2] : "/tmp") / ("cairn-net-bench-" + std::to_string(::getpid()));
  cairn::net::testing::SyntheticPlan plan;
  plan.groups = 50;
  const char* regions[] = {"PK", "CA", "US", "IN", "GB", "DE", "FR", "BR", "NG", "PH", "ID", "MX", "EG",
                           "TR", "IT", "ES", "RU", "AU", "ZA", "KE", "BD", "VN", "TH", "MY", "SA", "AE",
                           "IR", "IQ", "AR", "CO", "PE", "CL", "VE", "UA", "PL", "RO", "NL", "BE", "SE",
                           "NO", "DK", "FI", "PT", "GR", "CZ", "HU", "AT", "CH", "IE", "NZ"};
  for (const char* r : regions) plan.regions.emplace_back(r, 100);
  plan.distributors = {{7, 40}, {40, 25}, {111, 10}};
  plan.texts_per_member = texts;
  auto t0 = std::chrono::steady_clock::now();
  const auto sc = cairn::net::testing::WriteSyntheticCase(plan, work / "exports");
  const double gen = Seconds(t0);
  uint64_t bytes = 0;
  for (const auto& f : sc.files) bytes += std::filesystem::file_size(f);

  t0 = std::chrono::steady_clock::now();
  const double parse_cpu0 = CpuSeconds();
  uint64_t parsed = 0;
  for (const auto& f : sc.files) {
    auto r = cairn::chat::ParseWhatsAppFile(f, {}, nullptr, [&](const cairn::chat::Message&) { ++parsed; });
    if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
  }
  const double parse = Seconds(t0);
  const double parse_cpu = CpuSeconds() - parse_cpu0;

  auto c = cairn::store::Case::Open(work / "case", true);
  if (!c.ok()) return std::fprintf(stderr, "%s\n", c.status().ToString().c_str()), 1;
  t0 = std::chrono::steady_clock::now();
  double cpu0 = CpuSeconds();
  uint64_t ingested = 0;
  double first_export = 0, last_export = 0;
  for (const auto& f : sc.files) {
    const auto e0 = std::chrono::steady_clock::now();
    auto r = cairn::net::IngestExport(**c, f);
    if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
    ingested += r->messages;
    last_export = Seconds(e0);
    if (first_export == 0) first_export = last_export;
  }
  const double ingest = Seconds(t0);
  const double ingest_cpu = CpuSeconds() - cpu0;
  t0 = std::chrono::steady_clock::now();
  cpu0 = CpuSeconds();
  auto s = cairn::net::Summarize(**c);
  if (!s.ok()) return std::fprintf(stderr, "%s\n", s.status().ToString().c_str()), 1;
  const double summary = Seconds(t0);
  const double summary_cpu = CpuSeconds() - cpu0;
  const uint64_t db_bytes = std::filesystem::file_size(work / "case" / "case.db");
  std::printf("{\"groups\":%llu,\"people\":%llu,\"countries\":%zu,\"messages\":%llu,\"export_bytes\":%llu,"
              "\"generate_s\":%.3f,\"parse_s\":%.3f,\"parse_cpu_s\":%.3f,\"ingest_s\":%.3f,\"ingest_cpu_s\":%.3f,"
              "\"first_export_s\":%.3f,\"last_export_s\":%.3f,\"summary_s\":%.3f,\"summary_cpu_s\":%.3f,"
              "\"case_db_bytes\":%llu}\n",
              static_cast<unsigned long long>(s->groups), static_cast<unsigned long long>(s->people),
              s->countries.size(), static_cast<unsigned long long>(ingested),
              static_cast<unsigned long long>(bytes), gen, parse, parse_cpu, ingest, ingest_cpu, first_export,
              last_export, summary, summary_cpu, static_cast<unsigned long long>(db_bytes));
  std::error_code ec;
  std::filesystem::remove_all(work, ec);
  return parsed == ingested ? 0 : 1;
}
