// Content sniffing: what kind of file a byte string is, decided by magic bytes only (never by the
// file name, which an offender controls). Pure functions over caller-owned bytes; no state, safe
// to call from any number of threads. Signatures follow the formats' own specifications (JPEG SOI,
// PNG signature, ISO-BMFF `ftyp` brands, RIFF form types, ...); see docs/MEDIA.md.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cairn::media {

enum class MediaType {
  kUnknown = 0,
  // Still images.
  kJpeg,
  kPng,
  kGif,
  kWebp,
  kBmp,
  kTiff,
  kHeic,  // ISO-BMFF ftyp heic/heix/heim/heis/hevc/hevx
  kHeif,  // ISO-BMFF ftyp mif1/msf1 without a more specific brand
  kAvif,  // ISO-BMFF ftyp avif/avis
  kPnm,   // Netpbm P1..P6
  // Video.
  kMp4,       // ISO-BMFF ftyp isom/mp41/mp42/avc1/dash/iso2.. and unknown ftyp brands
  kQuickTime, // ftyp qt, or a bare moov/mdat/wide/free atom at offset 0
  k3gp,       // ftyp 3gp*/3g2*
  kAvi,       // RIFF....AVI
  kMatroska,  // EBML with DocType "matroska"
  kWebm,      // EBML with DocType "webm"
  // Containers and documents.
  kZip,
  k7z,
  kRar,
  kGzip,
  kPdf,
  kSqlite,
  kOle,  // OLE2 compound file (legacy Office, Thumbs.db)
};

// A stable MIME name: "image/jpeg", "video/mp4", "application/zip", ...;
// "application/octet-stream" for kUnknown. Used in reports and JSON; never changes once released.
std::string_view MediaTypeName(MediaType type);

// The type of the data that starts with `head`. The first 64 bytes are enough; fewer bytes give
// kUnknown where a signature cannot be confirmed.
MediaType SniffMediaType(std::span<const uint8_t> head);

// True for the types DecodeImage decodes: JPEG, PNG, GIF, WebP, BMP, TIFF, PNM, HEIC/HEIF/AVIF.
bool IsDecodableImage(MediaType type);

}  // namespace cairn::media
