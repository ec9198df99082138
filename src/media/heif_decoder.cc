// HEIF/HEIC/AVIF through libheif (libde265 for HEVC, libaom/dav1d for AV1): the primary image.
// 8-bit images are decoded to YCbCr 4:2:0 planes and converted to RGB the way ImageMagick 6.9.11
// does (nearest chroma sample, its BT.601 full-range matrix in double precision, rounded to the
// Q16 quantum, then to 8 bits), which matched `convert` exactly on generated HEIC and AVIF.
// Deeper images go through libheif's own RGB conversion. libheif applies the container's irot/imir/clap transforms
// itself, so the pixels are already shown upright; the EXIF orientation inside a HEIF file must
// be ignored (HEIF spec), so exif_orientation is always 1 and apply_exif_orientation is a no-op.
#include <libheif/heif.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype ||
      err.code == heif_error_Plugin_loading_error) {
    return Status::Unsupported(msg);
  }
  if (err.code == heif_error_Memory_allocation_error) return Status::LimitExceeded(msg);
  return Status::Corrupt(msg);
}

// ---- Item reference check -------------------------------------------------------------------
// libheif 1.15 follows item references ('dimg' grids/overlays/identity, 'auxl' alpha) recursively
// without a depth limit: a reference loop or a very long chain recurses until the stack overflows
// (or, with decoding threads, until thread creation throws std::system_error out of the C API and
// terminates the process). Found by media_decode_fuzzer. So before decoding we read the `iref`
// box of the top-level `meta` ourselves and refuse files whose reference graph from the primary
// item has a cycle or is deeper than kMaxReferenceDepth. A malformed meta box is left to libheif.

constexpr int kMaxReferenceDepth = 16;

struct Box {
  uint32_t type = 0;
  size_t body = 0;  // offset of the payload
  size_t end = 0;   // offset just past the box
};

uint32_t Be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
constexpr uint32_t FourCc(const char (&s)[5]) {
  return (uint32_t(uint8_t(s[0])) << 24) | (uint32_t(uint8_t(s[1])) << 16) |
         (uint32_t(uint8_t(s[2])) << 8) | uint32_t(uint8_t(s[3]));
}

// The boxes directly inside [begin, end); stops at the first malformed header. `complete` (when
// given) says whether the boxes tile the range exactly.
std::vector<Box> ChildBoxes(std::span<const uint8_t> d, size_t begin, size_t end,
                            bool* complete = nullptr) {
  std::vector<Box> boxes;
  size_t pos = begin;
  while (pos + 8 <= end) {
    uint64_t size = Be32(d.data() + pos);
    Box box;
    box.type = Be32(d.data() + pos + 4);
    size_t header = 8;
    if (size == 1) {
      if (pos + 16 > end) break;
      size = (uint64_t{Be32(d.data() + pos + 8)} << 32) | Be32(d.data() + pos + 12);
      header = 16;
    } else if (size == 0) {
      size = end - pos;
    }
    if (size < header || size > end - pos) break;
    box.body = pos + header;
    box.end = pos + static_cast<size_t>(size);
    boxes.push_back(box);
    pos = box.end;
  }
  if (complete != nullptr) *complete = pos == end;
  return boxes;
}

// Longest reference chain from `item` (kMaxReferenceDepth + 1 on a cycle or when too deep).
int ReferenceDepth(uint32_t item, const std::multimap<uint32_t, uint32_t>& edges,
                   std::map<uint32_t, int>& memo, int level) {
  if (level > kMaxReferenceDepth) return kMaxReferenceDepth + 1;
  auto it = memo.find(item);
  if (it != memo.end()) return it->second < 0 ? kMaxReferenceDepth + 1 : it->second;  // -1: on stack
  memo[item] = -1;
  int depth = 0;
  auto [first, last] = edges.equal_range(item);
  for (auto e = first; e != last && depth <= kMaxReferenceDepth; ++e) {
    depth = std::max(depth, 1 + ReferenceDepth(e->second, edges, memo, level + 1));
  }
  memo[item] = std::min(depth, kMaxReferenceDepth + 1);
  return memo[item];
}

// False when the primary item's reference graph loops or is too deep.
bool ItemReferencesAreSane(std::span<const uint8_t> d) {
  for (const Box& top : ChildBoxes(d, 0, d.size())) {
    if (top.type != FourCc("meta") || top.body + 4 > top.end) continue;
    uint32_t primary = 0;
    bool have_primary = false;
    std::multimap<uint32_t, uint32_t> edges;
    bool complete = false;
    const std::vector<Box> children = ChildBoxes(d, top.body + 4, top.end, &complete);
    // A meta box we cannot walk to its end could hide an iref we would not check.
    if (!complete) return false;
    for (const Box& child : children) {  // meta is a FullBox
      if (child.type == FourCc("pitm") && child.body + 6 <= child.end) {
        const uint8_t version = d[child.body];
        have_primary = true;
        primary = version == 0 ? ((d[child.body + 4] << 8) | d[child.body + 5])
                               : (child.body + 8 <= child.end ? Be32(d.data() + child.body + 4) : 0);
      }
      if (child.type != FourCc("iref") || child.body + 4 > child.end) continue;
      const bool wide = d[child.body] != 0;  // version 1: 32-bit item ids
      const size_t id_size = wide ? 4 : 2;
      auto read_id = [&](size_t at) -> uint32_t {
        return wide ? Be32(d.data() + at) : static_cast<uint32_t>((d[at] << 8) | d[at + 1]);
      };
      // Read the reference entries the way libheif 1.15 does (Box_iref::parse): one after the
      // other, ignoring each entry's declared box size. Parsing by the declared sizes instead let
      // a self-reference with a bogus size through (fuzzer, heic-iref-bad-entry-size.heic).
      size_t at = child.body + 4;
      while (at + 8 <= child.end) {
        const uint32_t entry_size = Be32(d.data() + at);
        const uint32_t type = Be32(d.data() + at + 4);
        at += 8;
        if (entry_size == 1) at += 8;              // 64-bit size follows
        if (type == FourCc("uuid")) at += 16;      // extended type follows
        if (at + id_size + 2 > child.end) break;
        const uint32_t from = read_id(at);
        const size_t count = (d[at + id_size] << 8) | d[at + id_size + 1];
        at += id_size + 2;
        for (size_t i = 0; i < count && at + id_size <= child.end; ++i, at += id_size) {
          const uint32_t to = read_id(at);
          // Decoding an image decodes its 'dimg' inputs (grid, overlay, identity) and the
          // auxiliary images that point at it ('auxl' goes aux -> master, so reverse it).
          // Thumbnails ('thmb') and metadata ('cdsc') are not decoded with the master.
          if (type == FourCc("auxl")) {
            edges.emplace(to, from);
          } else if (type != FourCc("thmb") && type != FourCc("cdsc")) {
            edges.emplace(from, to);
          }
        }
      }
    }
    if (edges.empty()) return true;
    std::map<uint32_t, int> memo;
    if (have_primary) return ReferenceDepth(primary, edges, memo, 0) <= kMaxReferenceDepth;
    // No pitm: check every item.
    for (const auto& [from, to] : edges) {
      if (ReferenceDepth(from, edges, memo, 0) > kMaxReferenceDepth) return false;
    }
    return true;
  }
  return true;
}

// The payload of the first top-level `meta` box, or an empty span.
std::span<const uint8_t> MetaPayload(std::span<const uint8_t> d) {
  for (const Box& top : ChildBoxes(d, 0, d.size())) {
    if (top.type == FourCc("meta")) return d.subspan(top.body, top.end - top.body);
  }
  return {};
}

bool Contains(std::span<const uint8_t> haystack, const char (&needle)[5]) {
  for (size_t i = 0; i + 4 <= haystack.size(); ++i) {
    if (std::memcmp(haystack.data() + i, needle, 4) == 0) return true;
  }
  return false;
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
  // libheif registers its decoder plugins on first use; do that once, under C++'s thread-safe
  // static initialization, so concurrent first calls do not race. Never de-initialized.
  static const bool heif_ready = [] {
    heif_init(nullptr);
    return true;
  }();
  (void)heif_ready;
  if (!ItemReferencesAreSane(bytes)) {
    return Status::Corrupt("HEIF: malformed meta box, or item references that loop or nest deeper than " +
                           std::to_string(kMaxReferenceDepth));
  }
  std::unique_ptr<heif_context, ContextFree> ctx(heif_context_alloc());
  if (!ctx) return Status::Internal("HEIF: cannot allocate a context");
  heif_context_set_maximum_image_size_limit(ctx.get(), 1 << 16);
  // Tiles are decoded on the calling thread: callers already decode many files in parallel, and
  // libheif's per-tile threads turn a malformed file into a thread storm.
  heif_context_set_max_decoding_threads(ctx.get(), 0);
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
  // libheif checks every decoded picture against this side limit before allocating it, so a
  // codec stream whose own header claims a far larger picture than the container (found by the
  // fuzzer: 26725x27000 inside a 16x16 item, 721 MB) is refused instead of decoded. Coded sizes
  // exceed the displayed size by at most a few CTUs; 256 leaves room for that.
  heif_context_set_maximum_image_size_limit(ctx.get(), std::max(width, height) + 256);
  std::unique_ptr<heif_decoding_options, OptionsFree> dec_opts(heif_decoding_options_alloc());
  // AV1 decoding is bit-exact across conforming decoders, so the choice does not change pixels.
  // libheif 1.15's dav1d path leaks on malformed AVIF (found by media_decode_fuzzer: an item
  // with an empty data extent makes dav1d_send_data fail and the plugin drop its buffer), so
  // AV1 items go to libaom when it is there.
  // The codec is read from the item types in `meta` ('av01' vs 'hvc1'), not from the ftyp brand:
  // the fuzzer reached dav1d again through a file with a mangled brand.
  const std::span<const uint8_t> meta = MetaPayload(bytes);
  if (Contains(meta, "av01") && !Contains(meta, "hvc1") && HasDecoder("aom")) {
    dec_opts->decoder_id = "aom";
  }
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
