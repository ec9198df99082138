// Extractor: finds and validates identifiers (URLs, e-mails, phone numbers, UPI VPAs, IBANs,
// card numbers, Bitcoin and Ethereum addresses) in raw bytes, ASCII and UTF-16LE, with byte
// offsets in the input. One combined RE2 pattern finds candidates for every kind in one pass;
// each candidate is then validated (checksums in validate.h, phones with libphonenumber).
// An Extractor is immutable after construction: its const methods are safe to call from many
// threads at once. Files are streamed in chunks with overlap; an identifier that spans a chunk
// border is found exactly once, at the same offset as in a whole-buffer scan. Compressed streams
// inside the input are decoded and scanned too (bulk_extractor's recursion; stream_decoder.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/extract/identifier.h"
#include "cairn/extract/stream_decoder.h"

namespace cairn::extract {

struct ExtractOptions {
  // ISO 3166 region for phone numbers written without '+' (e.g. "IN"); empty = only numbers in
  // international form (+CC...) are accepted.
  std::string default_region;
  // Also decode runs of UTF-16LE ASCII text (at least kMinUtf16Chars characters) and scan them.
  bool scan_utf16 = true;
  // Bit (1 << int(kind)) set = report that kind. Default: every kind.
  uint32_t kinds = (1u << kIdentifierKindCount) - 1;
  // Also decode the streams embedded in the input (PDF Flate streams, gzip members, zip members,
  // Office XML text; stream_decoder.h), recursively, and report what they hold with a forensic
  // path (Identifier::forensic_path). Plain text only pays for the signature search.
  bool decode_streams = true;
  DecodeLimits decode_limits;

  static constexpr size_t kMinUtf16Chars = 6;
};

using IdentifierSink = std::function<void(const Identifier&)>;

class Extractor {
 public:
  // URLs longer than this are reported cut to this many bytes.
  static constexpr size_t kMaxCandidateBytes = 2048;
  // Overlap kept between file chunks (> a UTF-16 piece). A candidate that starts before the
  // overlap and ends within kChunkOverlap / 2 of a window's end makes the window grow (doubling,
  // up to 64 MiB) and be rescanned, so streamed results equal whole-buffer ones.
  static constexpr size_t kChunkOverlap = 8192;

  // Fails with kInvalidArgument for an unknown default region.
  static Result<Extractor> Create(ExtractOptions options = {});

  Extractor(Extractor&&) noexcept;
  Extractor& operator=(Extractor&&) noexcept;
  ~Extractor();

  const ExtractOptions& options() const;

  // Every identifier in `bytes`, sorted by offset; offsets are base_offset + index in bytes.
  // Identifiers inside decoded streams carry forensic paths whose first number is an offset
  // computed the same way; at one offset they follow the plain ones, in forensic-path order.
  std::vector<Identifier> Extract(std::span<const uint8_t> bytes, uint64_t base_offset = 0) const;
  std::vector<Identifier> Extract(std::string_view text, uint64_t base_offset = 0) const;

  // Streams a file through ReadOnlyFile in chunks of `chunk_bytes` (at least 2 * kChunkOverlap)
  // and calls `sink` for each identifier in offset order. The result equals Extract() on the
  // whole file.
  Status ExtractFile(const std::filesystem::path& path, const IdentifierSink& sink,
                     size_t chunk_bytes = size_t{16} << 20) const;

 private:
  struct Impl;
  explicit Extractor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::extract
