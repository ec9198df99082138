// Decode throughput of cairn::media::DecodeImage against the reference pipeline's decoder,
// ImageMagick (`convert FILE -depth 8 ppm:-`, one thread: MAGICK_THREAD_LIMIT=1), measured in the
// same run on the shared PDQ images; also JPEG fast mode (jpeg_min_dimension = 512).
// Usage: media_decode_bench [IMAGE...]; without arguments it uses ../shared/data/pdq.
// Prints one line per image: median ms for each decoder and the ratio convert / cairn.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cairn/media/decode.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

template <typename F>
double MedianMs(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) files.emplace_back(argv[i]);
  if (files.empty()) {
    const fs::path root = fs::path(CAIRN_SOURCE_DIR) / ".." / "shared" / "data" / "pdq";
    for (const char* f : {"bridge-mods/aaa-orig.jpg", "reg-test-input/exif-rotn/exif-rotn-6.jpg",
                          "misc-images/modes/CMYK.jpg", "misc-images/modes/RGBA.png",
                          "misc-images/modes/P.png", "misc-images/modes/HSV.webp"}) {
      if (fs::exists(root / f)) files.push_back(root / f);
    }
  }
  if (files.empty()) {
    std::printf("media bench: no images (../shared/data/pdq missing); skipped\n");
    return 0;
  }
  const bool have_convert = fs::exists("/usr/bin/convert");
  std::printf("%-22s %11s %9s %9s %10s %8s %9s\n", "image", "size", "cairn ms", "fast ms",
              "convert ms", "ratio", "fast x");
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto first = cairn::media::DecodeImage(bytes);
    if (!first.ok()) {
      std::printf("%s: %s\n", file.c_str(), first.status().ToString().c_str());
      return 1;
    }
    const int runs = 7;
    const double cairn_ms = MedianMs(runs, [&] {
      auto r = cairn::media::DecodeImage(bytes);
      if (!r.ok()) std::abort();
    });
    cairn::media::DecodeOptions fast;
    fast.jpeg_min_dimension = 512;
    const double fast_ms = MedianMs(runs, [&] {
      auto r = cairn::media::DecodeImage(bytes, fast);
      if (!r.ok()) std::abort();
    });
    double convert_ms = 0;
    if (have_convert) {
      const std::string cmd = "MAGICK_THREAD_LIMIT=1 /usr/bin/convert '" + file.string() +
                              "' -depth 8 ppm:- > /dev/null";
      convert_ms = MedianMs(3, [&] {
        if (std::system(cmd.c_str()) != 0) std::abort();
      });
    }
    const std::string size =
        std::to_string(first->image.width) + "x" + std::to_string(first->image.height);
    std::printf("%-22s %11s %9.1f %9.1f %10.1f %7.1fx %8.1fx\n",
                file.filename().c_str(), size.c_str(), cairn_ms, fast_ms, convert_ms,
                cairn_ms > 0 ? convert_ms / cairn_ms : 0.0, fast_ms > 0 ? cairn_ms / fast_ms : 0.0);
  }
  std::printf("ratio = convert / cairn (same file, same machine, this run); fast x = full / fast\n");
  return 0;
}
