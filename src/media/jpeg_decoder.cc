// JPEG through libjpeg-turbo, configured as ImageMagick 6 configures it (library defaults:
// JDCT_ISLOW, fancy upsampling, JCS_RGB output), decoding straight into the final RGB rows.
// CMYK/YCCK: libjpeg gives CMYK; ImageMagick treats every 4-component JPEG as Adobe-inverted
// CMYK and converts to RGB when it writes PPM (see CmykToRgb). Errors and the "premature end of
// data" warning longjmp back to DecodeJpegInner, whose frame holds only trivially destructible
// objects, so no C++ destructor is ever skipped.
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <jerror.h>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

// A progressive JPEG may carry thousands of tiny scans, each a full pass over the coefficients;
// real encoders write at most a few dozen. This bounds decode time on hostile input.
constexpr int kMaxScans = 1000;
// Corrupt entropy data produces one warning per bad segment; past this many we give up.
constexpr long kMaxWarnings = 10000;

struct JpegErrorManager {
  jpeg_error_mgr pub;
  jmp_buf jump;
  StatusCode code;
  char message[JMSG_LENGTH_MAX + 64];
};

[[noreturn]] void Fail(j_common_ptr cinfo, StatusCode code) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  err->code = code;
  longjmp(err->jump, 1);
}

extern "C" void JpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  // Valid JPEG variants this libjpeg build cannot decode (12-bit precision, lossless) are
  // unsupported rather than corrupt.
  const int code = err->pub.msg_code;
  const bool unsupported = code == JERR_BAD_PRECISION || code == JERR_NOT_COMPILED;
  Fail(cinfo, unsupported ? StatusCode::kUnsupported : StatusCode::kCorrupt);
}

extern "C" void JpegEmitMessage(j_common_ptr cinfo, int msg_level) {
  if (msg_level >= 0) return;  // trace messages
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  if (err->pub.msg_code == JWRN_JPEG_EOF) {
    // The data ended before the image did: libjpeg would pad with grey. We call it corrupt.
    std::snprintf(err->message, sizeof(err->message), "premature end of data (truncated file)");
    Fail(cinfo, StatusCode::kCorrupt);
  }
  if (++err->pub.num_warnings > kMaxWarnings) {
    (*cinfo->err->format_message)(cinfo, err->message);
    std::strncat(err->message, " (too many corrupt-data warnings)",
                 sizeof(err->message) - std::strlen(err->message) - 1);
    Fail(cinfo, StatusCode::kCorrupt);
  }
}

extern "C" void JpegProgress(j_common_ptr cinfo) {
  if (!cinfo->is_decompressor) return;
  auto* dinfo = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (dinfo->input_scan_number > kMaxScans) {
    auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
    std::snprintf(err->message, sizeof(err->message), "more than %d progressive scans", kMaxScans);
    Fail(cinfo, StatusCode::kLimitExceeded);
  }
}

// ImageMagick 6 stores each sample v of a 4-component JPEG as cyan = 65535 - 257*v (it assumes
// Adobe-inverted CMYK, coders/jpeg.c) and converts CMYK to RGB when writing PPM. Measured against
// `convert -depth 8 ppm:-` on generated and shared CMYK files, the result is exactly
// round(v * k / 255) with v, k the raw (inverted) samples; see docs/MEDIA.md.
inline uint8_t CmykChannel(uint32_t v, uint32_t k) { return static_cast<uint8_t>((v * k + 127) / 255); }

void CmykRowToRgb(const JSAMPLE* cmyk, int width, uint8_t* rgb) {
  for (int x = 0; x < width; ++x) {
    const uint32_t k = cmyk[3];
    rgb[0] = CmykChannel(cmyk[0], k);
    rgb[1] = CmykChannel(cmyk[1], k);
    rgb[2] = CmykChannel(cmyk[2], k);
    cmyk += 4;
    rgb += 3;
  }
}

// Everything between setjmp and the last libjpeg call lives here. Locals are C structs, plain
// pointers and integers only; `out` and its vector live in the caller's frame.
// Returns true on success; on failure err->code and err->message say why.
bool DecodeJpegInner(const uint8_t* data, size_t size, const DecodeOptions* options,
                     DecodedImage* out, JpegErrorManager* err, std::string* limit_message) {
  jpeg_decompress_struct cinfo;
  jpeg_progress_mgr progress;
  std::memset(&cinfo, 0, sizeof(cinfo));
  std::memset(&progress, 0, sizeof(progress));
  cinfo.err = jpeg_std_error(&err->pub);
  err->pub.error_exit = JpegErrorExit;
  err->pub.emit_message = JpegEmitMessage;
  err->code = StatusCode::kOk;
  err->message[0] = '\0';
  if (setjmp(err->jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  progress.progress_monitor = JpegProgress;
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, const_cast<unsigned char*>(data), static_cast<unsigned long>(size));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);

  out->source_width = static_cast<int>(cinfo.image_width);
  out->source_height = static_cast<int>(cinfo.image_height);
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m != nullptr; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
        std::memcmp(m->data, "Exif\0\0", 6) == 0) {
      out->exif_orientation = ExifOrientation({m->data, m->data_length});
      break;
    }
  }
  {
    // Scoped so that this C++ object is gone before the next call that may longjmp.
    Status dims = CheckDimensions("JPEG", cinfo.image_width, cinfo.image_height, *options);
    if (!dims.ok()) {
      *limit_message = dims.message();
      err->code = dims.code();
      jpeg_destroy_decompress(&cinfo);
      return false;
    }
  }

  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  if (options->jpeg_min_dimension > 0) {
    const unsigned min_dim = static_cast<unsigned>(options->jpeg_min_dimension);
    cinfo.scale_denom = 8;
    for (unsigned m = 1; m <= 8; m *= 2) {  // 1/8, 1/4, 1/2, 1: the fast IDCT scales
      cinfo.scale_num = m;
      jpeg_calc_output_dimensions(&cinfo);
      if ((cinfo.output_width >= min_dim && cinfo.output_height >= min_dim) || m == 8) break;
    }
  }
  jpeg_start_decompress(&cinfo);
  const int width = static_cast<int>(cinfo.output_width);
  const int height = static_cast<int>(cinfo.output_height);
  if (cinfo.output_components != (cmyk ? 4 : 3)) {
    std::snprintf(err->message, sizeof(err->message), "unexpected %d output components",
                  cinfo.output_components);
    err->code = StatusCode::kUnsupported;
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  try {
    out->image.pixels.resize(static_cast<size_t>(width) * height * 3);
  } catch (const std::bad_alloc&) {
    std::snprintf(err->message, sizeof(err->message), "out of memory for %dx%d", width, height);
    err->code = StatusCode::kLimitExceeded;
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  out->image.width = width;
  out->image.height = height;
  uint8_t* pixels = out->image.pixels.data();
  const size_t stride = static_cast<size_t>(width) * 3;
  if (!cmyk) {
    JSAMPROW rows[16];
    while (cinfo.output_scanline < cinfo.output_height) {
      const JDIMENSION first = cinfo.output_scanline;
      int n = 0;
      for (; n < 16 && first + n < cinfo.output_height; ++n) {
        rows[n] = pixels + (first + n) * stride;
      }
      if (jpeg_read_scanlines(&cinfo, rows, static_cast<JDIMENSION>(n)) == 0) break;
    }
  } else {
    JSAMPARRAY row = (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo),
                                                JPOOL_IMAGE, cinfo.output_width * 4, 1);
    while (cinfo.output_scanline < cinfo.output_height) {
      const JDIMENSION y = cinfo.output_scanline;
      if (jpeg_read_scanlines(&cinfo, row, 1) != 1) break;
      CmykRowToRgb(row[0], width, pixels + y * stride);
    }
  }
  if (cinfo.output_scanline < cinfo.output_height) {
    std::snprintf(err->message, sizeof(err->message), "decoder stopped at row %u of %u",
                  cinfo.output_scanline, cinfo.output_height);
    err->code = StatusCode::kCorrupt;
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

}  // namespace

Status DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  JpegErrorManager err;
  std::string limit_message;
  if (DecodeJpegInner(bytes.data(), bytes.size(), &options, &out, &err, &limit_message)) {
    return Status::Ok();
  }
  out.image = RgbImage();
  std::string message = limit_message.empty() ? "JPEG: " + std::string(err.message) : limit_message;
  switch (err.code) {
    case StatusCode::kLimitExceeded: return Status::LimitExceeded(std::move(message));
    case StatusCode::kUnsupported: return Status::Unsupported(std::move(message));
    default: return Status::Corrupt(std::move(message));
  }
}

}  // namespace cairn::media::internal
