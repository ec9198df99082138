// GIF through giflib's low-level reader: only the first image is decoded (no DGifSlurp, which
// would decode every frame), at the size of its own image descriptor as ImageMagick reports the
// first frame. Transparency is ignored (the palette colour is kept; PPM has no alpha).
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "decoders.h"

namespace cairn::media::internal {
namespace {

struct GifSource {
  const uint8_t* data;
  size_t size;
  size_t pos;
};

extern "C" int GifRead(GifFileType* gif, GifByteType* dst, int length) {
  auto* src = static_cast<GifSource*>(gif->UserData);
  if (length <= 0) return 0;
  const size_t n = std::min(static_cast<size_t>(length), src->size - src->pos);
  std::memcpy(dst, src->data + src->pos, n);
  src->pos += n;
  return static_cast<int>(n);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    DGifCloseFile(gif, &error);
  }
};

Status GifError(const char* what, int code) {
  const char* text = GifErrorString(code);
  return Status::Corrupt(std::string("GIF: ") + what + ": " + (text ? text : "unknown error"));
}

}  // namespace

Status DecodeGif(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  GifSource source{bytes.data(), bytes.size(), 0};
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(DGifOpen(&source, GifRead, &error));
  if (!gif) return GifError("cannot read header", error);
  // Only the first frame is allocated, so only its size is checked (the logical screen may be
  // larger than max_pixels while the frame is small).
  for (;;) {
    GifRecordType record;
    if (DGifGetRecordType(gif.get(), &record) == GIF_ERROR) {
      return GifError("cannot read record", gif->Error);
    }
    if (record == TERMINATE_RECORD_TYPE) return Status::Corrupt("GIF: no image in the file");
    if (record == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* ext = nullptr;
      if (DGifGetExtension(gif.get(), &code, &ext) == GIF_ERROR) {
        return GifError("cannot read extension", gif->Error);
      }
      while (ext != nullptr) {
        if (DGifGetExtensionNext(gif.get(), &ext) == GIF_ERROR) {
          return GifError("cannot read extension", gif->Error);
        }
      }
      continue;
    }
    if (record != IMAGE_DESC_RECORD_TYPE) continue;
    if (DGifGetImageDesc(gif.get()) == GIF_ERROR) {
      return GifError("cannot read image descriptor", gif->Error);
    }
    const GifImageDesc& desc = gif->Image;
    const int width = desc.Width;
    const int height = desc.Height;
    out.source_width = width;
    out.source_height = height;
    CAIRN_RETURN_IF_ERROR(CheckDimensions("GIF", static_cast<uint64_t>(std::max(width, 0)),
                                          static_cast<uint64_t>(std::max(height, 0)), options));
    // Palette: the image's own, else the global one, else a grey ramp (as ImageMagick does).
    uint8_t palette[256][3];
    const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
    int colors = 0;
    if (map != nullptr && map->Colors != nullptr) {
      colors = std::min(map->ColorCount, 256);
      for (int i = 0; i < colors; ++i) {
        palette[i][0] = map->Colors[i].Red;
        palette[i][1] = map->Colors[i].Green;
        palette[i][2] = map->Colors[i].Blue;
      }
    } else {
      colors = 256;
      for (int i = 0; i < 256; ++i) palette[i][0] = palette[i][1] = palette[i][2] = static_cast<uint8_t>(i);
    }
    for (int i = colors; i < 256; ++i) {  // out-of-range indices show colour 0
      std::memcpy(palette[i], palette[0], 3);
    }
    const size_t stride = static_cast<size_t>(width) * 3;
    out.image.pixels.resize(stride * height);
    out.image.width = width;
    out.image.height = height;
    std::vector<GifPixelType> line(static_cast<size_t>(width));
    auto emit = [&](int y) {
      uint8_t* dst = out.image.pixels.data() + static_cast<size_t>(y) * stride;
      for (int x = 0; x < width; ++x) {
        std::memcpy(dst + x * 3, palette[line[x]], 3);
      }
    };
    if (desc.Interlace) {
      static constexpr int kOffset[] = {0, 4, 2, 1};
      static constexpr int kStep[] = {8, 8, 4, 2};
      for (int pass = 0; pass < 4; ++pass) {
        for (int y = kOffset[pass]; y < height; y += kStep[pass]) {
          if (DGifGetLine(gif.get(), line.data(), width) == GIF_ERROR) {
            out.image = RgbImage();
            return GifError("image data is corrupt or truncated", gif->Error);
          }
          emit(y);
        }
      }
    } else {
      for (int y = 0; y < height; ++y) {
        if (DGifGetLine(gif.get(), line.data(), width) == GIF_ERROR) {
          out.image = RgbImage();
          return GifError("image data is corrupt or truncated", gif->Error);
        }
        emit(y);
      }
    }
    return Status::Ok();
  }
}

}  // namespace cairn::media::internal
