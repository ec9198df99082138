// A stand-in for libFuzzer's driver in the normal (gcc) build: runs LLVMFuzzerTestOneInput on
// every seed file named on the command line (files, or folders of files), then on a fixed number
// of deterministic mutations of each (bit flips, truncations, inserted and overwritten bytes).
// Same seeds, same inputs, every run. Prints "<N> inputs, 0 crashes" when done.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void Mutate(std::vector<uint8_t>& v, std::mt19937_64& rng) {
  const int kind = static_cast<int>(rng() % 4);
  if (v.empty()) {
    v.push_back(static_cast<uint8_t>(rng()));
    return;
  }
  const size_t at = rng() % v.size();
  switch (kind) {
    case 0: v[at] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
    case 1: v.resize(at); break;
    case 2: v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng())); break;
    default: {
      const size_t n = std::min<size_t>(v.size() - at, 1 + rng() % 8);
      for (size_t i = 0; i < n; ++i) v[at + i] = static_cast<uint8_t>(rng());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 100;
  std::vector<std::filesystem::path> seeds;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::strtol(arg.c_str() + 12, nullptr, 10);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg, ec)) {
        if (e.is_regular_file()) seeds.push_back(e.path());
      }
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      seeds.push_back(arg);
    } else {
      std::printf("replay: seed %s is missing; skipped\n", arg.c_str());
    }
  }
  std::sort(seeds.begin(), seeds.end());
  long runs = 0;
  LLVMFuzzerTestOneInput(nullptr, 0);
  ++runs;
  for (const auto& seed : seeds) {
    const std::vector<uint8_t> original = ReadAll(seed);
    LLVMFuzzerTestOneInput(original.data(), original.size());
    ++runs;
    std::mt19937_64 rng(std::hash<std::string>{}(seed.filename().string()));
    for (long m = 0; m < mutations; ++m) {
      std::vector<uint8_t> v = original;
      const int rounds = 1 + static_cast<int>(rng() % 4);
      for (int r = 0; r < rounds; ++r) Mutate(v, rng);
      LLVMFuzzerTestOneInput(v.data(), v.size());
      ++runs;
    }
  }
  std::printf("replay: %ld inputs from %zu seeds, 0 crashes\n", runs, seeds.size());
  return 0;
}
