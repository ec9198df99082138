// End-to-end hashing benchmark and fast-mode accuracy study (issue: foundation).
//   hash_bench speed FILE...     per image: decode (exact, fast), PDQ arithmetic (its stages:
//                                bench/pdq), whole FileHasher (exact, fast) and
//                                ImageMagick `convert FILE ppm:-` (the reference tool's decoder);
//                                medians of several runs, printed with ratios.
//   hash_bench accuracy FILE...  PDQ distance between exact and fast mode for every image.
//   hash_bench digest LISTFILE   over the files named in LISTFILE (one path a line): read only,
//                                SHA-256 alone, MD5+SHA-1+SHA-256 in one pass (MultiDigester,
//                                what the scan computes) on 1 and 2 threads; prints "name wall-s
//                                cpu-s" (best of 3) — the in-process floors for bench/scan/run.
// Timing is CPU time (this thread's, and the children's for `convert`), medians of several runs,
// so a busy machine inflates the figures less than wall time would; baselines run in the same
// process on the same files.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <fstream>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/file.h"
#include "cairn/media/decode.h"
#include "cairn/pdq/pdq.h"
#include "cairn/scan/file_hasher.h"

namespace {

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double ChildrenCpuMs() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}

template <typename F>
double MedianMs(int runs, F&& f, double (*clock)() = ThreadCpuMs) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const double t0 = clock();
    f();
    ms.push_back(clock() - t0);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

int Speed(const std::vector<std::string>& files, int runs) {
  std::printf("%-28s %6s %9s %9s %9s %9s %9s %9s\n", "image", "MP", "decode", "fast-dec",
              "pdq-math", "hash", "hash-fast", "convert");
  cairn::pdq::PdqHasher pdq;
  cairn::scan::HashOptions exact_opt, fast_opt;
  fast_opt.fast = true;
  cairn::scan::FileHasher exact(exact_opt), fast(fast_opt);
  for (const std::string& f : files) {
    auto bytes = cairn::ReadWholeFile(f, uint64_t{1} << 31);
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), bytes.status().ToString().c_str());
      return 1;
    }
    cairn::media::DecodeOptions fast_decode;
    fast_decode.jpeg_min_dimension = cairn::scan::kFastJpegMinDimension;
    auto decoded = cairn::media::DecodeImage(*bytes);
    if (!decoded.ok()) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), decoded.status().ToString().c_str());
      return 1;
    }
    const auto& img = decoded->image;
    const double mp = img.width * static_cast<double>(img.height) / 1e6;
    const double decode_ms = MedianMs(runs, [&] { (void)cairn::media::DecodeImage(*bytes); });
    const double fast_ms = MedianMs(runs, [&] { (void)cairn::media::DecodeImage(*bytes, fast_decode); });
    const double pdq_ms = MedianMs(runs, [&] { (void)pdq.Hash(img.pixels, img.width, img.height); });
    const double hash_ms = MedianMs(runs, [&] { (void)exact.HashFile(f); });
    const double hash_fast_ms = MedianMs(runs, [&] { (void)fast.HashFile(f); });
    const std::string cmd = "convert '" + f + "' -depth 8 ppm:- > /dev/null";
    const double convert_ms = MedianMs(std::max(1, runs / 2), [&] {
      if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "convert failed on %s\n", f.c_str());
    }, ChildrenCpuMs);
    std::printf("%-28s %6.1f %7.1fms %7.1fms %7.1fms %7.1fms %7.1fms %7.1fms\n",
                std::filesystem::path(f).filename().c_str(), mp, decode_ms, fast_ms, pdq_ms,
                hash_ms, hash_fast_ms, convert_ms);
    std::printf("  ratios: pdq-math/decode %.2f | hash exact %.1f img/s, fast %.1f img/s (fast/exact "
                "speed-up %.2fx) | convert decode / cairn exact hash %.2fx\n",
                pdq_ms / decode_ms, 1000 / hash_ms, 1000 / hash_fast_ms, hash_ms / hash_fast_ms,
                convert_ms / hash_ms);
  }
  return 0;
}

int Accuracy(const std::vector<std::string>& files) {
  cairn::scan::HashOptions exact_opt, fast_opt;
  fast_opt.fast = true;
  cairn::scan::FileHasher exact(exact_opt), fast(fast_opt);
  std::map<int, int> histogram;
  int considered = 0, within8 = 0, worst = 0, jpegs = 0;
  for (const std::string& f : files) {
    const auto a = exact.HashFile(f);
    const auto b = fast.HashFile(f);
    if (!a.pdq || !b.pdq || a.media_type != cairn::media::MediaType::kJpeg) continue;
    ++jpegs;
    const int d = cairn::HammingDistance(a.pdq->hash, b.pdq->hash);
    std::printf("%3d  q=%3d  %dx%d  %s\n", d, a.pdq->quality, a.width, a.height, f.c_str());
    if (a.pdq->quality < 50) continue;
    ++considered;
    ++histogram[d];
    within8 += d <= 8;
    worst = std::max(worst, d);
  }
  std::printf("\nJPEGs: %d; with quality >= 50: %d; distance <= 8 bits: %d (%.1f%%); worst %d\n",
              jpegs, considered, within8, considered ? 100.0 * within8 / considered : 0.0, worst);
  std::printf("histogram (distance: images):");
  for (const auto& [d, n] : histogram) std::printf(" %d:%d", d, n);
  std::printf("\n");
  return 0;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

struct Times {
  double wall = 0, cpu = 0;
};

// Streams every file in `files` through `consume` on `threads` threads (files handed out in
// order from a shared counter); returns wall and process CPU seconds.
template <typename MakeConsumer>
Times StreamFiles(const std::vector<std::string>& files, int threads, MakeConsumer make) {
  std::atomic<size_t> next{0};
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto consume = make();
      std::vector<uint8_t> buf(1 << 20);
      for (size_t i = next++; i < files.size(); i = next++) {
        auto file = cairn::ReadOnlyFile::Open(files[i]);
        if (!file.ok()) continue;
        while (true) {
          auto n = file->Read(buf);
          if (!n.ok() || *n == 0) break;
          consume(std::span<const uint8_t>(buf.data(), *n));
        }
        consume(std::span<const uint8_t>());  // end of file
      }
    });
  }
  for (auto& th : pool) th.join();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
          ProcessCpuSeconds() - cpu0};
}

int DigestFloors(const std::string& list_path) {
  std::ifstream in(list_path);
  std::vector<std::string> files;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    files.push_back(line);
  }
  if (files.empty()) {
    std::fprintf(stderr, "hash_bench digest: no files listed in %s\n", list_path.c_str());
    return 1;
  }
  auto report = [&](const char* what, Times t) { std::printf("%s %.3f %.3f\n", what, t.wall, t.cpu); };
  // Best of three for each (the machine is shared; page cache warmed by the first pass).
  auto best = [&](int threads, auto make) {
    Times b{1e30, 1e30};
    for (int r = 0; r < 3; ++r) {
      const Times t = StreamFiles(files, threads, make);
      b.wall = std::min(b.wall, t.wall);
      b.cpu = std::min(b.cpu, t.cpu);
    }
    return b;
  };
  report("read", best(1, [] { return [](std::span<const uint8_t>) {}; }));
  report("sha256", best(1, [] {
    return [d = std::make_shared<cairn::Sha256Digester>()](std::span<const uint8_t> s) {
      if (s.empty()) (void)d->Finish(); else d->Update(s);
    };
  }));
  auto multi = [] {
    return [d = std::make_shared<cairn::MultiDigester>()](std::span<const uint8_t> s) {
      if (s.empty()) (void)d->Finish(); else d->Update(s);
    };
  };
  report("md5+sha1+sha256", best(1, multi));
  report("md5+sha1+sha256-j2", best(2, multi));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: hash_bench speed|accuracy FILE... | digest LISTFILE\n");
    return 2;
  }
  const std::string mode = argv[1];
  std::vector<std::string> files(argv + 2, argv + argc);
  const int runs = std::getenv("BENCH_RUNS") ? std::atoi(std::getenv("BENCH_RUNS")) : 5;
  if (mode == "speed") return Speed(files, runs);
  if (mode == "accuracy") return Accuracy(files);
  if (mode == "digest") return DigestFloors(files[0]);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
