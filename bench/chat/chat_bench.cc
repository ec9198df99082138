// WhatsApp parse throughput on one core. Generates a realistic Android export (default 2M
// messages: "dd/mm/yyyy, HH:MM - Name: text", 10% multi-line, media and system lines, names and
// phone numbers) into /tmp, reads it into memory, then measures ParseWhatsAppText against the
// baseline of counting the lines in the same bytes. CAIRN_CHAT_BENCH_MESSAGES sets the size.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cairn/chat/whatsapp.h"

namespace {

size_t MessageCount() {
  const char* env = std::getenv("CAIRN_CHAT_BENCH_MESSAGES");
  return env ? std::strtoull(env, nullptr, 10) : 2000000;
}

std::string Generate(size_t messages) {
  std::mt19937_64 rng(20240229);
  std::vector<std::string> senders;
  char name[64];
  for (int i = 0; i < 300; ++i) {
    if (i % 3 == 0) {
      std::snprintf(name, sizeof(name), "+%d %d %d", 1 + i % 97, 300 + i, 1000000 + static_cast<int>(rng() % 8999999));
    } else {
      std::snprintf(name, sizeof(name), "Member %d %s", i, i % 2 ? "Smith" : "\xC3\x96zt\xC3\xBCrk");
    }
    senders.emplace_back(name);
  }
  static const char* kWords[] = {"ok", "see", "the", "link", "tomorrow", "send", "new", "files", "group",
                                 "please", "https://example.org/x", "thanks", "\xF0\x9F\x98\x82", "later"};
  std::string out;
  out.reserve(messages * 80);
  int64_t t = 1577836800;  // 2020-01-01
  char header[64];
  for (size_t i = 0; i < messages; ++i) {
    t += static_cast<int64_t>(rng() % 120);
    const int64_t days = t / 86400, rem = t % 86400;
    // Civil date from days (same algorithm as cairn::chat::FormatTimestamp).
    const int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    std::snprintf(header, sizeof(header), "%02d/%02d/%04d, %02d:%02d - ", static_cast<int>(d), static_cast<int>(m),
                  static_cast<int>(y), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60));
    out += header;
    const std::string& who = senders[rng() % senders.size()];
    const unsigned kind = static_cast<unsigned>(rng() % 100);
    if (kind < 2) {
      out += who;
      out += " added ";
      out += senders[rng() % senders.size()];
      out += '\n';
      continue;
    }
    out += who;
    out += ": ";
    if (kind < 8) {
      out += "<Media omitted>\n";
      continue;
    }
    const int words = 3 + static_cast<int>(rng() % 10);
    for (int w = 0; w < words; ++w) {
      if (w) out += ' ';
      out += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
    }
    if (kind < 18) out += "\nsecond line of a multi-line message";
    out += '\n';
  }
  return out;
}

std::filesystem::path ExportPath() {
  return std::filesystem::temp_directory_path() / ("cairn-chat-bench-" + std::to_string(MessageCount()) + ".txt");
}

const std::string& Export() {
  static const std::string text = [] {
    const size_t n = MessageCount();
    const std::filesystem::path path = ExportPath();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      const std::string generated = Generate(n);
      std::ofstream(path, std::ios::binary).write(generated.data(), static_cast<std::streamsize>(generated.size()));
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "chat_bench: %s, %zu bytes\n", path.c_str(), bytes.size());
    return bytes;
  }();
  return text;
}

// Baseline: count the lines (memchr for '\n') in the same bytes.
void BM_CountLines(benchmark::State& state) {
  const std::string& text = Export();
  const size_t messages = MessageCount();
  for (auto _ : state) {
    size_t lines = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      ++lines;
      p = nl ? nl + 1 : end;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ParseWhatsApp(benchmark::State& state) {
  const std::string& text = Export();
  cairn::chat::WhatsAppOptions options;
  options.source = ExportPath().string();  // every message carries it, as in real use
  size_t messages = 0;
  for (auto _ : state) {
    cairn::chat::Chat chat = cairn::chat::ParseWhatsAppText(text, options);
    messages = chat.messages.size();
    benchmark::DoNotOptimize(chat.messages.data());
    state.PauseTiming();
    { cairn::chat::Chat drop = std::move(chat); }  // freeing is not parsing
    state.ResumeTiming();
  }
  if (messages != MessageCount()) state.SkipWithError("message count differs from the generated count");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// The same parse streaming each message to a callback (flat memory; what ingest uses).
void BM_StreamWhatsApp(benchmark::State& state) {
  const std::string& text = Export();
  cairn::chat::WhatsAppOptions options;
  options.source = ExportPath().string();
  size_t messages = 0;
  for (auto _ : state) {
    size_t seen = 0, text_bytes = 0;
    cairn::chat::Chat chat = cairn::chat::ParseWhatsAppText(text, options, [&](const cairn::chat::Message& m) {
      ++seen;
      text_bytes += m.text.size();
    });
    benchmark::DoNotOptimize(text_bytes);
    messages = seen;
  }
  if (messages != MessageCount()) state.SkipWithError("message count differs from the generated count");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_CountLines)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_ParseWhatsApp)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_StreamWhatsApp)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
