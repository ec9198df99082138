// HEIF/HEIC/AVIF through libheif (libde265 for HEVC, libaom/dav1d for AV1): the primary image.
// 8-bit images are decoded to YCbCr 4:2:0 planes and converted to RGB the way ImageMagick 6.9.11
// does (nearest chroma sample, its BT.601 full-range matrix in double precision, rounded to the
// Q16 quantum, then to 8 bits), which matched `convert` exactly on generated HEIC and AVIF.
// Deeper images go through libheif's own RGB conversion. libheif applies the container's irot/imir/clap transforms
// itself, so the pixels are already shown upright; the EXIF orientation inside a HEIF file must
// be ignored (HEIF spec), so exif_orientation is always 1 and apply_exif_orientation is a no-op.
#include <libheif/heif.h>

#include <cstring>
#include <memory>
#include <string>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

struct ContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleRelease {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct ImageRelease {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct OptionsFree {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};

Status HeifError(const char* what, const heif_error& err) {
  std::string msg = std::string("HEIF: ") + what + ": " + (err.message ? err.message : "unknown");
  if (err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype ||
      err.code == heif_error_Plugin_loading_error) {
    return Status::Unsupported(msg);
  }
  if (err.code == heif_error_Memory_allocation_error) return Status::LimitExceeded(msg);
  return Status::Corrupt(msg);
}

// True when libheif has a decoder plugin with this id ("aom", "dav1d", "libde265").
bool HasDecoder(const char* id) {
  const heif_decoder_descriptor* descriptors[16];
  const int n = heif_get_decoder_descriptors(heif_compression_undefined, descriptors, 16);
  for (int i = 0; i < n; ++i) {
    if (std::strcmp(heif_decoder_descriptor_get_id_name(descriptors[i]), id) == 0) return true;
  }
  return false;
}

// ImageMagick's YPbPr->RGB (colorspace.c, ConvertYPbPrToRGB) on samples scaled to 0..1, then
// ClampToQuantum (round) and ScaleQuantumToChar (round(q/257)).
inline uint8_t ToChar(double v) {
  const double q = v * 65535.0;
  const uint32_t quantum = q <= 0.0 ? 0u : q >= 65535.0 ? 65535u : static_cast<uint32_t>(q + 0.5);
  return static_cast<uint8_t>(((quantum + 128u) - ((quantum + 128u) >> 8)) >> 8);
}

Status YccToRgb(const heif_image* ycc, const DecodeOptions& options, DecodedImage& out) {
  const int w = heif_image_get_width(ycc, heif_channel_Y);
  const int h = heif_image_get_height(ycc, heif_channel_Y);
  int sy = 0, scb = 0, scr = 0;
  const uint8_t* py = heif_image_get_plane_readonly(ycc, heif_channel_Y, &sy);
  const uint8_t* pcb = heif_image_get_plane_readonly(ycc, heif_channel_Cb, &scb);
  const uint8_t* pcr = heif_image_get_plane_readonly(ycc, heif_channel_Cr, &scr);
  if (py == nullptr || pcb == nullptr || pcr == nullptr || w <= 0 || h <= 0 ||
      heif_image_get_width(ycc, heif_channel_Cb) < (w + 1) / 2 ||
      heif_image_get_height(ycc, heif_channel_Cb) < (h + 1) / 2 ||
      heif_image_get_width(ycc, heif_channel_Cr) < (w + 1) / 2 ||
      heif_image_get_height(ycc, heif_channel_Cr) < (h + 1) / 2) {
    return Status::Corrupt("HEIF: decoder returned incomplete YCbCr planes");
  }
  CAIRN_RETURN_IF_ERROR(CheckDimensions("HEIF", static_cast<uint64_t>(w), static_cast<uint64_t>(h), options));
  out.image.width = w;
  out.image.height = h;
  out.image.pixels.resize(static_cast<size_t>(w) * h * 3);
  uint8_t* dst = out.image.pixels.data();
  for (int y = 0; y < h; ++y) {
    const uint8_t* row_y = py + static_cast<size_t>(y) * sy;
    const uint8_t* row_cb = pcb + static_cast<size_t>(y / 2) * scb;
    const uint8_t* row_cr = pcr + static_cast<size_t>(y / 2) * scr;
    for (int x = 0; x < w; ++x) {
      const double luma = row_y[x] * 257.0 / 65535.0;
      const double pb = row_cb[x / 2] * 257.0 / 65535.0 - 0.5;
      const double pr = row_cr[x / 2] * 257.0 / 65535.0 - 0.5;
      dst[0] = ToChar(0.99999999999914679361 * luma - 1.2188941887145875e-06 * pb +
                      1.4019995886561440468 * pr);
      dst[1] = ToChar(0.99999975910502514331 * luma - 0.34413567816504303521 * pb -
                      0.71413649331646789076 * pr);
      dst[2] = ToChar(1.00000124040004623180 * luma + 1.77200006607230409200 * pb +
                      2.1453384174593273e-06 * pr);
      dst += 3;
    }
  }
  return Status::Ok();
}

}  // namespace

Status DecodeHeif(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  std::unique_ptr<heif_context, ContextFree> ctx(heif_context_alloc());
  if (!ctx) return Status::Internal("HEIF: cannot allocate a context");
  heif_context_set_maximum_image_size_limit(ctx.get(), 1 << 16);
  heif_error err = heif_context_read_from_memory_without_copy(ctx.get(), bytes.data(), bytes.size(), nullptr);
  if (err.code != heif_error_Ok) return HeifError("cannot parse the container", err);
  heif_image_handle* raw_handle = nullptr;
  err = heif_context_get_primary_image_handle(ctx.get(), &raw_handle);
  if (err.code != heif_error_Ok) return HeifError("no primary image", err);
  std::unique_ptr<heif_image_handle, HandleRelease> handle(raw_handle);
  const int width = heif_image_handle_get_width(handle.get());
  const int height = heif_image_handle_get_height(handle.get());
  out.source_width = width;
  out.source_height = height;
  out.exif_orientation = 1;
  if (width <= 0 || height <= 0) return Status::Corrupt("HEIF: image has zero width or height");
  CAIRN_RETURN_IF_ERROR(CheckDimensions("HEIF", static_cast<uint64_t>(width), static_cast<uint64_t>(height), options));
  std::unique_ptr<heif_decoding_options, OptionsFree> dec_opts(heif_decoding_options_alloc());
  // AV1 decoding is bit-exact across conforming decoders, so the choice does not change pixels.
  // libheif 1.15's dav1d path leaks on malformed AVIF (found by media_decode_fuzzer: an item
  // with an empty data extent makes dav1d_send_data fail and the plugin drop its buffer), so
  // AVIF goes to libaom when it is there.
  if (out.type == MediaType::kAvif && HasDecoder("aom")) dec_opts->decoder_id = "aom";
  if (heif_image_handle_get_luma_bits_per_pixel(handle.get()) == 8) {
    heif_image* raw_ycc = nullptr;
    err = heif_decode_image(handle.get(), &raw_ycc, heif_colorspace_YCbCr, heif_chroma_420,
                            dec_opts.get());
    if (err.code != heif_error_Ok) return HeifError("cannot decode", err);
    std::unique_ptr<heif_image, ImageRelease> ycc(raw_ycc);
    return YccToRgb(ycc.get(), options, out);
  }
  heif_image* raw_image = nullptr;
  err = heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB, heif_chroma_interleaved_RGB,
                          dec_opts.get());
  if (err.code != heif_error_Ok) return HeifError("cannot decode", err);
  std::unique_ptr<heif_image, ImageRelease> image(raw_image);
  const int w = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(image.get(), heif_channel_interleaved);
  int stride = 0;
  const uint8_t* plane = heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr || w <= 0 || h <= 0 || stride < w * 3) {
    return Status::Corrupt("HEIF: decoder returned no RGB plane");
  }
  CAIRN_RETURN_IF_ERROR(CheckDimensions("HEIF", static_cast<uint64_t>(w), static_cast<uint64_t>(h), options));
  out.image.width = w;
  out.image.height = h;
  out.image.pixels.resize(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    std::memcpy(out.image.pixels.data() + static_cast<size_t>(y) * w * 3,
                plane + static_cast<size_t>(y) * stride, static_cast<size_t>(w) * 3);
  }
  return Status::Ok();
}

}  // namespace cairn::media::internal
