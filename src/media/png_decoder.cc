// PNG through libpng, with the transforms that reproduce ImageMagick 6 Q16's pixels after
// `-depth 8`: palette and low-bit gray expanded, 16-bit samples reduced with floor(v/257) by a
// libpng user transform (IM truncates; png_set_scale_16 would round), gray replicated
// to RGB, alpha dropped without compositing (PPM has no alpha). gAMA/iCCP do not touch pixels.
// libpng errors longjmp back to DecodePngInner, whose frame holds only trivially destructible
// objects.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

struct PngState {
  const uint8_t* data;
  size_t size;
  size_t pos;
  StatusCode code;
  char message[256];
};

extern "C" void PngError(png_structp png, png_const_charp msg) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  if (state->message[0] == '\0') std::snprintf(state->message, sizeof(state->message), "%s", msg);
  if (state->code == StatusCode::kOk) state->code = StatusCode::kCorrupt;
  png_longjmp(png, 1);
}

extern "C" void PngWarning(png_structp, png_const_charp) {}

// Runs after libpng's own transforms: 16-bit RGB samples (big-endian) become floor(v/257) in
// place; the output row is never longer than the input, so a forward pass is safe.
extern "C" void PngScale16(png_structp, png_row_infop row, png_bytep data) {
  if (row->bit_depth != 16) return;
  const size_t samples = static_cast<size_t>(row->width) * row->channels;
  for (size_t i = 0; i < samples; ++i) {
    data[i] = QuantumToChar((uint32_t{data[2 * i]} << 8) | data[2 * i + 1]);
  }
  row->bit_depth = 8;
  row->pixel_depth = static_cast<png_byte>(8 * row->channels);
  row->rowbytes = samples;
}

extern "C" void PngRead(png_structp png, png_bytep dst, size_t length) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (length > state->size - state->pos) {
    std::snprintf(state->message, sizeof(state->message), "premature end of data (truncated file)");
    png_error(png, state->message);
  }
  std::memcpy(dst, state->data + state->pos, length);
  state->pos += length;
}

bool DecodePngInner(PngState* state, const DecodeOptions* options, DecodedImage* out,
                    std::string* limit_message) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, PngError, PngWarning);
  if (png == nullptr) {
    std::snprintf(state->message, sizeof(state->message), "cannot create libpng reader");
    state->code = StatusCode::kInternal;
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    std::snprintf(state->message, sizeof(state->message), "cannot create libpng info");
    state->code = StatusCode::kInternal;
    return false;
  }
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, state, PngRead);
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  out->source_width = static_cast<int>(width);
  out->source_height = static_cast<int>(height);
  {
    Status dims = CheckDimensions("PNG", width, height, *options);
    if (!dims.ok()) {
      *limit_message = dims.message();
      state->code = dims.code();
      png_destroy_read_struct(&png, &info, nullptr);
      return false;
    }
  }
  png_bytep exif = nullptr;
  png_uint_32 exif_length = 0;
  if (png_get_eXIf_1(png, info, &exif_length, &exif) != 0 && exif != nullptr) {
    out->exif_orientation = ExifOrientation({exif, exif_length});
  }

  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (bit_depth == 16) {
    png_set_read_user_transform_fn(png, PngScale16);
    png_set_user_transform_info(png, nullptr, 8, 3);
  }
  png_set_strip_alpha(png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8 ||
      png_get_rowbytes(png, info) != static_cast<size_t>(width) * 3) {
    std::snprintf(state->message, sizeof(state->message),
                  "unexpected layout after transforms (colour type %d, depth %d)", color_type,
                  bit_depth);
    state->code = StatusCode::kUnsupported;
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  try {
    out->image.pixels.resize(static_cast<size_t>(width) * height * 3);
  } catch (const std::bad_alloc&) {
    std::snprintf(state->message, sizeof(state->message), "out of memory for %ux%u", width, height);
    state->code = StatusCode::kLimitExceeded;
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  out->image.width = static_cast<int>(width);
  out->image.height = static_cast<int>(height);
  uint8_t* pixels = out->image.pixels.data();
  const size_t stride = static_cast<size_t>(width) * 3;
  // With interlace handling on, each pass's pixels are combined into the rows already there.
  for (int pass = 0; pass < passes; ++pass) {
    for (png_uint_32 y = 0; y < height; ++y) png_read_row(png, pixels + y * stride, nullptr);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

Status DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  PngState state;
  state.data = bytes.data();
  state.size = bytes.size();
  state.pos = 0;
  state.code = StatusCode::kOk;
  state.message[0] = '\0';
  std::string limit_message;
  if (DecodePngInner(&state, &options, &out, &limit_message)) return Status::Ok();
  out.image = RgbImage();
  std::string message = limit_message.empty() ? "PNG: " + std::string(state.message) : limit_message;
  switch (state.code) {
    case StatusCode::kLimitExceeded: return Status::LimitExceeded(std::move(message));
    case StatusCode::kUnsupported: return Status::Unsupported(std::move(message));
    case StatusCode::kInternal: return Status::Internal(std::move(message));
    default: return Status::Corrupt(std::move(message));
  }
}

}  // namespace cairn::media::internal
