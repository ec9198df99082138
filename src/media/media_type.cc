// Magic-byte sniffing. Each signature is the one its format's specification fixes at offset 0
// (or, for ISO-BMFF, the `ftyp` box brands; for EBML, the DocType element).
#include "cairn/media/media_type.h"

#include <algorithm>
#include <cstring>

namespace cairn::media {
namespace {

bool StartsWith(std::span<const uint8_t> head, std::string_view magic, size_t offset = 0) {
  if (head.size() < offset + magic.size()) return false;
  return std::memcmp(head.data() + offset, magic.data(), magic.size()) == 0;
}

uint32_t ReadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint32_t ReadLe32(const uint8_t* p) {
  return (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
}

// The type an ISO-BMFF brand names, or kUnknown for brands that say nothing specific.
MediaType BrandType(std::string_view brand) {
  static constexpr std::string_view kHeicBrands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx"};
  for (std::string_view b : kHeicBrands) {
    if (brand == b) return MediaType::kHeic;
  }
  if (brand == "avif" || brand == "avis") return MediaType::kAvif;
  if (brand == "qt  ") return MediaType::kQuickTime;
  if (brand.substr(0, 3) == "3gp" || brand.substr(0, 3) == "3g2") return MediaType::k3gp;
  return MediaType::kUnknown;
}

MediaType SniffFtyp(std::span<const uint8_t> head) {
  const uint32_t box_size = ReadBe32(head.data());
  const std::string_view major(reinterpret_cast<const char*>(head.data() + 8), 4);
  if (MediaType t = BrandType(major); t != MediaType::kUnknown) return t;
  const bool heif_structure = major == "mif1" || major == "msf1";
  // Compatible brands: 4-byte entries from offset 16 to the end of the box (within `head`).
  const size_t end = std::min<size_t>(head.size(), box_size < 16 ? 16 : box_size);
  MediaType from_compatible = MediaType::kUnknown;
  for (size_t off = 16; off + 4 <= end; off += 4) {
    const std::string_view brand(reinterpret_cast<const char*>(head.data() + off), 4);
    MediaType t = BrandType(brand);
    if (t == MediaType::kHeic || t == MediaType::kAvif) return t;
    if (brand == "mif1" || brand == "msf1") from_compatible = MediaType::kHeif;
  }
  if (heif_structure) return MediaType::kHeif;
  if (from_compatible == MediaType::kHeif && major != "isom" && major != "mp41" &&
      major != "mp42") {
    return MediaType::kHeif;
  }
  return MediaType::kMp4;
}

// EBML header: look for the DocType element (ID 0x4282) and read its string.
MediaType SniffEbml(std::span<const uint8_t> head) {
  for (size_t i = 4; i + 3 < head.size(); ++i) {
    if (head[i] != 0x42 || head[i + 1] != 0x82) continue;
    const uint8_t size_byte = head[i + 2];
    if ((size_byte & 0x80) == 0) continue;  // only the 1-byte size form is used in practice
    const size_t len = size_byte & 0x7f;
    if (i + 3 + len > head.size()) break;
    const std::string_view doc(reinterpret_cast<const char*>(head.data() + i + 3), len);
    if (doc == "webm") return MediaType::kWebm;
    if (doc == "matroska") return MediaType::kMatroska;
    break;
  }
  return MediaType::kMatroska;  // EBML without a readable DocType: the general container
}

bool IsPnmSpace(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '#'; }

}  // namespace

std::string_view MediaTypeName(MediaType type) {
  switch (type) {
    case MediaType::kUnknown: return "application/octet-stream";
    case MediaType::kJpeg: return "image/jpeg";
    case MediaType::kPng: return "image/png";
    case MediaType::kGif: return "image/gif";
    case MediaType::kWebp: return "image/webp";
    case MediaType::kBmp: return "image/bmp";
    case MediaType::kTiff: return "image/tiff";
    case MediaType::kHeic: return "image/heic";
    case MediaType::kHeif: return "image/heif";
    case MediaType::kAvif: return "image/avif";
    case MediaType::kPnm: return "image/x-portable-anymap";
    case MediaType::kMp4: return "video/mp4";
    case MediaType::kQuickTime: return "video/quicktime";
    case MediaType::k3gp: return "video/3gpp";
    case MediaType::kAvi: return "video/x-msvideo";
    case MediaType::kMatroska: return "video/x-matroska";
    case MediaType::kWebm: return "video/webm";
    case MediaType::kZip: return "application/zip";
    case MediaType::k7z: return "application/x-7z-compressed";
    case MediaType::kRar: return "application/vnd.rar";
    case MediaType::kGzip: return "application/gzip";
    case MediaType::kPdf: return "application/pdf";
    case MediaType::kSqlite: return "application/vnd.sqlite3";
    case MediaType::kOle: return "application/x-ole-storage";
  }
  return "application/octet-stream";
}

MediaType SniffMediaType(std::span<const uint8_t> head) {
  if (head.size() < 2) return MediaType::kUnknown;
  if (StartsWith(head, "\xFF\xD8\xFF")) return MediaType::kJpeg;
  if (StartsWith(head, "\x89PNG\r\n\x1A\n")) return MediaType::kPng;
  if (StartsWith(head, "GIF87a") || StartsWith(head, "GIF89a")) return MediaType::kGif;
  if (StartsWith(head, "RIFF") && head.size() >= 12) {
    if (StartsWith(head, "WEBP", 8)) return MediaType::kWebp;
    if (StartsWith(head, "AVI ", 8)) return MediaType::kAvi;
    return MediaType::kUnknown;
  }
  if (StartsWith(head, "BM") && head.size() >= 18) {
    const uint32_t dib = ReadLe32(head.data() + 14);
    if (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 ||
        dib == 108 || dib == 124) {
      return MediaType::kBmp;
    }
  }
  if (StartsWith(head, std::string_view("II*\0", 4)) || StartsWith(head, std::string_view("MM\0*", 4)) ||
      StartsWith(head, std::string_view("II+\0", 4)) || StartsWith(head, std::string_view("MM\0+", 4))) {
    return MediaType::kTiff;
  }
  if (head.size() >= 12 && StartsWith(head, "ftyp", 4)) return SniffFtyp(head);
  if (head.size() >= 8) {
    for (std::string_view atom : {"moov", "mdat", "wide", "pnot"}) {
      if (StartsWith(head, atom, 4)) return MediaType::kQuickTime;
    }
  }
  if (StartsWith(head, "\x1A\x45\xDF\xA3")) return SniffEbml(head);
  if (head.size() >= 3 && head[0] == 'P' && head[1] >= '1' && head[1] <= '6' && IsPnmSpace(head[2])) {
    return MediaType::kPnm;
  }
  if (StartsWith(head, "PK\x03\x04") || StartsWith(head, "PK\x05\x06") ||
      StartsWith(head, "PK\x07\x08")) {
    return MediaType::kZip;
  }
  if (StartsWith(head, "7z\xBC\xAF\x27\x1C")) return MediaType::k7z;
  if (StartsWith(head, std::string_view("Rar!\x1A\x07\x00", 7)) ||
      StartsWith(head, std::string_view("Rar!\x1A\x07\x01\x00", 8))) {
    return MediaType::kRar;
  }
  if (StartsWith(head, "\x1F\x8B\x08")) return MediaType::kGzip;
  if (StartsWith(head, "%PDF-")) return MediaType::kPdf;
  if (StartsWith(head, std::string_view("SQLite format 3\0", 16))) return MediaType::kSqlite;
  if (StartsWith(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return MediaType::kOle;
  return MediaType::kUnknown;
}

bool IsDecodableImage(MediaType type) {
  switch (type) {
    case MediaType::kJpeg:
    case MediaType::kPng:
    case MediaType::kGif:
    case MediaType::kWebp:
    case MediaType::kBmp:
    case MediaType::kTiff:
    case MediaType::kHeic:
    case MediaType::kHeif:
    case MediaType::kAvif:
    case MediaType::kPnm:
      return true;
    default:
      return false;
  }
}

}  // namespace cairn::media
