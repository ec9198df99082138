// PDQ arithmetic after decode: the fast kernels against the scalar reference path on 12 MP and
// 3 MP RGB buffers (random noise, smooth gradients, and a real 12 MP photo from the shared data
// when present), with per-stage times; and a libjpeg-turbo decode of a 12 MP JPEG as the yardstick
// the PDQ cost is compared to. bench/pdq/run prints the ratios.
#include <benchmark/benchmark.h>
#include <jpeglib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cairn/pdq/pdq.h"

namespace {

using cairn::pdq::Kernel;
using cairn::pdq::PdqHasher;

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

Image RandomImage(int w, int h) {
  Image img{w, h, std::vector<uint8_t>(3 * static_cast<size_t>(w) * h)};
  std::mt19937 rng(42);
  for (auto& b : img.rgb) b = static_cast<uint8_t>(rng());
  return img;
}

Image SmoothImage(int w, int h) {
  Image img{w, h, std::vector<uint8_t>(3 * static_cast<size_t>(w) * h)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &img.rgb[3 * (static_cast<size_t>(y) * w + x)];
      p[0] = static_cast<uint8_t>(x * 255 / (w - 1));
      p[1] = static_cast<uint8_t>(y * 255 / (h - 1));
      p[2] = static_cast<uint8_t>((x + y) * 255 / (w + h - 2));
    }
  }
  return img;
}

// A 12 MP JPEG: the shared-data photo (4032x3024) if present, else the smooth image encoded here.
std::vector<uint8_t> EncodeJpeg(const Image& img) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = static_cast<JDIMENSION>(img.width);
  c.image_height = static_cast<JDIMENSION>(img.height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 90, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(&img.rgb[3 * static_cast<size_t>(c.next_scanline) * img.width]);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<uint8_t> out(buf, buf + size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

Image DecodeJpeg(const std::vector<uint8_t>& jpeg) {
  jpeg_decompress_struct d;
  jpeg_error_mgr err;
  d.err = jpeg_std_error(&err);
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, jpeg.data(), static_cast<unsigned long>(jpeg.size()));
  jpeg_read_header(&d, TRUE);
  d.out_color_space = JCS_RGB;
  jpeg_start_decompress(&d);
  Image img{static_cast<int>(d.output_width), static_cast<int>(d.output_height), {}};
  img.rgb.resize(3 * static_cast<size_t>(img.width) * img.height);
  while (d.output_scanline < d.output_height) {
    JSAMPROW row = &img.rgb[3 * static_cast<size_t>(d.output_scanline) * img.width];
    jpeg_read_scanlines(&d, &row, 1);
  }
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return img;
}

const std::vector<uint8_t>& Jpeg12Mp() {
  static const std::vector<uint8_t> kJpeg = [] {
    const char* env = std::getenv("CAIRN_SHARED_DATA");
    const std::filesystem::path root =
        env && *env ? std::filesystem::path(env)
                    : std::filesystem::path(CAIRN_SOURCE_DIR) / ".." / "shared" / "data";
    const auto photo = root / "pdq" / "reg-test-input" / "exif-rotn" / "exif-rotn-1.jpg";
    std::ifstream in(photo, std::ios::binary);
    if (in) return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
    std::fprintf(stderr, "note: %s missing; encoding a generated 12 MP JPEG\n", photo.c_str());
    return EncodeJpeg(SmoothImage(4032, 3024));
  }();
  return kJpeg;
}

const Image& GetImage(const std::string& name) {
  static std::map<std::string, Image> images;
  auto it = images.find(name);
  if (it != images.end()) return it->second;
  Image img;
  if (name == "random12mp") img = RandomImage(4000, 3000);
  if (name == "smooth12mp") img = SmoothImage(4000, 3000);
  if (name == "photo12mp") img = DecodeJpeg(Jpeg12Mp());
  if (name == "random3mp") img = RandomImage(2000, 1500);
  if (name == "smooth3mp") img = SmoothImage(2000, 1500);
  if (name == "random512") img = RandomImage(512, 512);
  if (name == "random256") img = RandomImage(256, 256);
  return images.emplace(name, std::move(img)).first->second;
}

void BM_PdqHash(benchmark::State& state, Kernel kernel, const std::string& name) {
  if (!cairn::pdq::KernelSupported(kernel)) {
    state.SkipWithError("kernel not supported on this CPU");
    return;
  }
  const Image& img = GetImage(name);
  PdqHasher hasher(kernel);
  cairn::pdq::StageTimes sum;
  for (auto _ : state) {
    auto r = hasher.HashDihedral(img.rgb, img.width, img.height);
    benchmark::DoNotOptimize(r);
    const auto& t = hasher.last_stage_times();
    sum.luma_ms += t.luma_ms;
    sum.blur_ms += t.blur_ms;
    sum.decimate_ms += t.decimate_ms;
    sum.dct_ms += t.dct_ms;
    sum.threshold_ms += t.threshold_ms;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["luma_ms"] = sum.luma_ms / n;
  state.counters["blur_ms"] = sum.blur_ms / n;
  state.counters["decimate_ms"] = sum.decimate_ms / n;
  state.counters["dct_ms"] = sum.dct_ms / n;
  state.counters["threshold_ms"] = sum.threshold_ms / n;
  state.counters["megapixels"] = img.width * static_cast<double>(img.height) / 1e6;
}

void BM_JpegDecode12Mp(benchmark::State& state) {
  const auto& jpeg = Jpeg12Mp();
  for (auto _ : state) {
    Image img = DecodeJpeg(jpeg);
    benchmark::DoNotOptimize(img.rgb.data());
  }
  state.counters["megapixels"] = 12.19;
}

// The fixed cost per image after the downsample: quality, DCT and the 8 thresholds.
void BM_DihedralFromDownsample(benchmark::State& state) {
  cairn::pdq::Downsample64 d;
  std::mt19937 rng(7);
  for (float& v : d) v = static_cast<float>(rng() % 25500) / 100.0f;
  for (auto _ : state) {
    auto h = cairn::pdq::DihedralFromDownsample(d);
    benchmark::DoNotOptimize(h);
  }
}

void Register() {
  benchmark::RegisterBenchmark("DihedralFromDownsample", BM_DihedralFromDownsample)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("JpegDecode12Mp", BM_JpegDecode12Mp)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(20);
  const std::pair<Kernel, const char*> kernels[] = {
      {Kernel::kScalar, "scalar"}, {Kernel::kSse2, "sse2"}, {Kernel::kAvx2, "avx2"}};
  for (const char* image : {"photo12mp", "random12mp", "smooth12mp", "random3mp", "smooth3mp",
                            "random512", "random256"}) {
    for (const auto& [kernel, kname] : kernels) {
      const bool slow = kernel == Kernel::kScalar;
      const bool big = std::string(image).find("12mp") != std::string::npos;
      const bool tiny = std::string(image).find("mp") == std::string::npos;
      benchmark::RegisterBenchmark(
          (std::string("PdqHashDihedral/") + image + "/" + kname).c_str(),
          [kernel = kernel, image = std::string(image)](benchmark::State& s) {
            BM_PdqHash(s, kernel, image);
          })
          ->Unit(benchmark::kMillisecond)
          ->Iterations(tiny ? 400 : slow ? (big ? 4 : 10) : (big ? 30 : 80));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
