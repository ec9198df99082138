// TIFF through libtiff's RGBA interface (TIFFRGBAImage), first directory only, read in bands of
// rows so the temporary 32-bit raster stays small. Error and warning handlers are per handle
// (TIFFOpenOptions, libtiff >= 4.5), so nothing global is touched. The raster is requested in the
// stored row order (req_orientation = the file's orientation) and the Orientation tag is reported
// as exif_orientation, so apply_exif_orientation works as for JPEG.
// Known differences from ImageMagick: libtiff reduces 16-bit samples with v >> 8 (IM uses
// floor(v/257)), and premultiplies unassociated alpha; see docs/MEDIA.md.
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

struct TiffSource {
  const uint8_t* data;
  uint64_t size;
  uint64_t pos;
  char message[256];
};

extern "C" tmsize_t TiffRead(thandle_t h, void* buf, tmsize_t n) {
  auto* s = static_cast<TiffSource*>(h);
  if (n <= 0) return 0;
  const uint64_t avail = s->pos < s->size ? s->size - s->pos : 0;
  const uint64_t take = std::min<uint64_t>(static_cast<uint64_t>(n), avail);
  std::memcpy(buf, s->data + s->pos, take);
  s->pos += take;
  return static_cast<tmsize_t>(take);
}
extern "C" tmsize_t TiffWrite(thandle_t, void*, tmsize_t) { return 0; }
extern "C" toff_t TiffSeek(thandle_t h, toff_t off, int whence) {
  auto* s = static_cast<TiffSource*>(h);
  uint64_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->size : 0;
  s->pos = base + off;
  return s->pos;
}
extern "C" int TiffClose(thandle_t) { return 0; }
extern "C" toff_t TiffSize(thandle_t h) { return static_cast<TiffSource*>(h)->size; }
// "Mapping" hands libtiff the caller's buffer: no copies, and it avoids libtiff 4.5.0's
// false "Invalid tile byte count" error on uncompressed tiles read through the non-mapped path.
extern "C" int TiffMap(thandle_t h, void** base, toff_t* size) {
  auto* s = static_cast<TiffSource*>(h);
  *base = const_cast<uint8_t*>(s->data);  // libtiff only reads a mapping opened with "r"
  *size = s->size;
  return 1;
}
extern "C" void TiffUnmap(thandle_t, void*, toff_t) {}

extern "C" int TiffErrorHandler(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* s = static_cast<TiffSource*>(user);
  if (s->message[0] == '\0') {
    int n = std::snprintf(s->message, sizeof(s->message), "%s: ", module ? module : "libtiff");
    if (n < 0) n = 0;
    if (static_cast<size_t>(n) < sizeof(s->message)) {
      std::vsnprintf(s->message + n, sizeof(s->message) - n, fmt, ap);
    }
  }
  return 1;  // handled: libtiff does not call the global handler
}
extern "C" int TiffWarningHandler(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
struct OptionsFree {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

constexpr uint32_t kBandRows = 64;

}  // namespace

Status DecodeTiff(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  TiffSource source{bytes.data(), bytes.size(), 0, {0}};
  std::unique_ptr<TIFFOpenOptions, OptionsFree> opts(TIFFOpenOptionsAlloc());
  if (!opts) return Status::Internal("TIFF: cannot allocate options");
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts.get(), tmsize_t{256} << 20);
  TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), TiffErrorHandler, &source);
  TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), TiffWarningHandler, &source);
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt("memory", "r", &source, TiffRead, TiffWrite,
                                                         TiffSeek, TiffClose, TiffSize, TiffMap,
                                                         TiffUnmap, opts.get()));
  auto fail = [&](const std::string& what) {
    out.image = RgbImage();
    std::string msg = "TIFF: " + what;
    if (source.message[0] != '\0') msg += " (" + std::string(source.message) + ")";
    return Status::Corrupt(msg);
  };
  if (!tif) return fail("cannot read the header");
  uint32_t width = 0;
  uint32_t height = 0;
  TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height);
  out.source_width = static_cast<int>(std::min<uint32_t>(width, INT32_MAX));
  out.source_height = static_cast<int>(std::min<uint32_t>(height, INT32_MAX));
  CAIRN_RETURN_IF_ERROR(CheckDimensions("TIFF", width, height, options));
  char emsg[1024] = {0};
  if (!TIFFRGBAImageOK(tif.get(), emsg)) {
    return Status::Unsupported(std::string("TIFF: ") + emsg);
  }
  TIFFRGBAImage img;
  std::memset(&img, 0, sizeof(img));
  if (!TIFFRGBAImageBegin(&img, tif.get(), /*stop_on_error=*/1, emsg)) {
    return fail(emsg);
  }
  out.exif_orientation = (img.orientation >= 1 && img.orientation <= 8) ? img.orientation : 1;
  img.req_orientation = img.orientation;  // stored row order, no flips
  const uint32_t w = img.width;
  const uint32_t h = img.height;
  out.image.width = static_cast<int>(w);
  out.image.height = static_cast<int>(h);
  out.image.pixels.resize(static_cast<size_t>(w) * h * 3);
  std::vector<uint32_t> band(static_cast<size_t>(w) * kBandRows);
  bool ok = true;
  for (uint32_t y = 0; y < h && ok; y += kBandRows) {
    const uint32_t rows = std::min(kBandRows, h - y);
    img.row_offset = static_cast<int>(y);
    img.col_offset = 0;
    ok = TIFFRGBAImageGet(&img, band.data(), w, rows) != 0;
    uint8_t* dst = out.image.pixels.data() + static_cast<size_t>(y) * w * 3;
    for (size_t i = 0; i < static_cast<size_t>(w) * rows; ++i) {
      const uint32_t p = band[i];
      dst[i * 3 + 0] = static_cast<uint8_t>(TIFFGetR(p));
      dst[i * 3 + 1] = static_cast<uint8_t>(TIFFGetG(p));
      dst[i * 3 + 2] = static_cast<uint8_t>(TIFFGetB(p));
    }
  }
  TIFFRGBAImageEnd(&img);
  if (!ok) return fail("image data is corrupt or truncated");
  return Status::Ok();
}

}  // namespace cairn::media::internal
