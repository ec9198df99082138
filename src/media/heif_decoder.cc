// HEIF/HEIC/AVIF through libheif (libde265 for HEVC, libaom/dav1d for AV1): the primary image,
// decoded to interleaved 8-bit RGB. libheif applies the container's irot/imir/clap transforms
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
