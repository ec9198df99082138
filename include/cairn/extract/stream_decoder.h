// Stream decoder: finds compressed streams embedded anywhere in a byte buffer — PDF
// `stream … endstream` (FlateDecode, text kept from its `( … )` strings), gzip members, zip local
// file headers (deflate or stored) — and inflates them with zlib under hard bounds (bytes out,
// expansion ratio); also the text of Office XML parts (MSXML). Modelled on bulk_extractor's
// scan_pdf / scan_gzip / scan_zip / scan_msxml (simsong/bulk_extractor src/scan_*.cpp; read, not
// copied). Pure functions on caller-owned bytes; thread-safe. Never crashes on garbage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cairn::extract {

enum class StreamKind { kPdf, kGzip, kZip, kMsxml };
// The forensic-path tag bulk_extractor uses: "PDF", "GZIP", "ZIP", "MSXML".
std::string_view StreamTag(StreamKind kind);

struct DecodeLimits {
  // Decoded bytes kept per stream; a longer stream is cut there (and marked truncated).
  size_t max_decoded_bytes = size_t{16} << 20;
  // A stream stops once it has produced more than this many bytes per input byte (past the
  // first kRatioFloor bytes): bounds deflate bombs.
  uint32_t max_ratio = 1100;
  // Streams inside decoded streams are followed to this depth (1 = only streams in the input).
  int max_depth = 5;
  // Compressed bytes read for one stream (a gzip member or a PDF stream must end within them).
  size_t max_input_bytes = size_t{64} << 20;
  // Decoded bytes in total under one stream of the input, nested ones included.
  size_t max_total_decoded_bytes = size_t{64} << 20;

  static constexpr size_t kRatioFloor = size_t{1} << 20;
};

struct DecodedStream {
  StreamKind kind = StreamKind::kGzip;
  size_t offset = 0;       // where the signature starts in the buffer ("stream", 1f 8b 08, PK\3\4)
  std::string bytes;       // decoded bytes; for kPdf the text of the stream's ( ) strings
  bool truncated = false;  // stopped at a limit (bytes or ratio); `bytes` holds what came before
  // The buffer ended inside the stream: with more input after the buffer the result may be
  // longer (or, for PDF, exist at all).
  bool input_ended = false;
};

// Calls visit(offset, kind) for each stream signature starting at an offset in [from, to) of
// `bytes`, in increasing order. Cheap: memchr/memmem per signature, nothing decoded.
void ForEachStreamSignature(std::span<const uint8_t> bytes, size_t from, size_t to,
                            const std::function<void(size_t, StreamKind)>& visit);

// Decodes the stream of `kind` whose signature starts at bytes[offset]; nullopt when the bytes
// there are not such a stream (bad header, not zlib data, nothing decoded, a PDF stream whose
// decoded bytes are not mostly text or hold no strings).
std::optional<DecodedStream> DecodeStream(std::span<const uint8_t> bytes, size_t offset, StreamKind kind,
                                          const DecodeLimits& limits = {});

// The text bulk_extractor's msxml scanner keeps from an XML part starting "<?xml ": every byte
// after a '>' and before the next '<', plus "\n" at each "</w:p>". nullopt for other bytes.
std::optional<std::string> MsxmlText(std::string_view xml);

// The text of a decoded PDF content stream: the bytes inside ( ) strings, each string followed
// by one space unless some string of the stream contains a space (bulk_extractor's rule).
std::string PdfStringText(std::string_view content);

}  // namespace cairn::extract
