// Stream decoder: signature search (memchr/memmem, nothing else on plain text), then zlib inflate
// under DecodeLimits. Header checks follow the formats: RFC 1950 (zlib header of a PDF Flate
// stream), RFC 1952 (gzip: 1f 8b, method 8, reserved flag bits zero), PKWARE APPNOTE 4.3.7 (zip
// local file header: sizes, a printable name, not encrypted). What counts as a stream and how PDF
// and Office XML text is kept follows bulk_extractor's scanners (see stream_decoder.h).
#include "cairn/extract/stream_decoder.h"

#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace cairn::extract {

std::string_view StreamTag(StreamKind kind) {
  switch (kind) {
    case StreamKind::kPdf: return "PDF";
    case StreamKind::kGzip: return "GZIP";
    case StreamKind::kZip: return "ZIP";
    case StreamKind::kMsxml: return "MSXML";
  }
  return "UNKNOWN";
}

namespace {

constexpr std::string_view kPdfStream = "stream";
constexpr std::string_view kPdfEndStream = "endstream";
constexpr uint8_t kZipSignature[4] = {'P', 'K', 3, 4};
constexpr size_t kZipHeaderBytes = 30;
constexpr size_t kZipMaxNameBytes = 1024;
constexpr size_t kZipMinDecodedBytes = 6;  // smaller members hold no identifier worth a path

size_t Find(std::span<const uint8_t> bytes, size_t from, std::string_view needle) {
  if (from >= bytes.size()) return std::string_view::npos;
  const void* p = memmem(bytes.data() + from, bytes.size() - from, needle.data(), needle.size());
  return p == nullptr ? std::string_view::npos
                      : static_cast<size_t>(static_cast<const uint8_t*>(p) - bytes.data());
}

uint16_t Le16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] | (b[at + 1] << 8));
}
uint32_t Le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

// "stream" that is not the tail of "endstream" and is followed by an end of line (PDF 32000-1
// 7.3.8.1: the keyword is followed by CRLF or LF; a lone CR is accepted as bulk_extractor does).
bool IsPdfStreamAt(std::span<const uint8_t> b, size_t at) {
  if (at + kPdfStream.size() >= b.size()) return false;
  if (at >= 3 && std::memcmp(b.data() + at - 3, "end", 3) == 0) return false;
  const uint8_t eol = b[at + kPdfStream.size()];
  return eol == '\n' || eol == '\r';
}

bool IsGzipAt(std::span<const uint8_t> b, size_t at) {
  return at + 3 < b.size() && b[at] == 0x1f && b[at + 1] == 0x8b && b[at + 2] == 8 && (b[at + 3] & 0xe0) == 0;
}

// A zip member name: UTF-8 lead and continuation bytes in shape (overlongs not checked), no
// control characters.
bool PlausibleZipName(std::span<const uint8_t> name) {
  for (size_t i = 0; i < name.size();) {
    const uint8_t c = name[i];
    if (c < 0x20 || c == 0x7f) return false;
    size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= name.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((name[i + k] & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

struct Inflated {
  std::string bytes;
  bool truncated = false;
  bool input_ended = false;
};

// Inflates `in` (window_bits as zlib's inflateInit2: 15 zlib, 31 gzip, -15 raw deflate) into at
// most max_out bytes, stopping at the ratio bound. Keeps whatever came out before an error.
Inflated Inflate(std::span<const uint8_t> in, int window_bits, size_t max_out, const DecodeLimits& limits) {
  Inflated r;
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, window_bits) != Z_OK) return r;
  // zlib counts in uInt: feed at most 1 GiB per call (limits keep inputs far below that).
  const size_t in_bytes = std::min(in.size(), size_t{1} << 30);
  zs.next_in = in.data();
  zs.avail_in = static_cast<uInt>(in_bytes);
  size_t produced = 0;
  while (true) {
    if (zs.avail_out == 0) {
      if (produced >= max_out) {
        r.truncated = true;
        break;
      }
      const size_t grow = std::min(max_out - produced, std::max<size_t>(size_t{64} << 10, produced));
      r.bytes.resize(produced + grow);
      zs.next_out = reinterpret_cast<Bytef*>(r.bytes.data() + produced);
      zs.avail_out = static_cast<uInt>(grow);
    }
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced = static_cast<size_t>(zs.total_out);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR || (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)) {
      // No progress possible: the input is used up (the stream goes on past it).
      if (zs.avail_in == 0) r.input_ended = true;
      break;
    }
    if (rc != Z_OK) break;  // Z_DATA_ERROR, Z_NEED_DICT, Z_MEM_ERROR: keep what came out
    const size_t consumed = static_cast<size_t>(zs.total_in);
    if (produced > DecodeLimits::kRatioFloor && produced / std::max<size_t>(consumed, 1) > limits.max_ratio) {
      r.truncated = true;
      break;
    }
  }
  inflateEnd(&zs);
  r.bytes.resize(produced);
  return r;
}

bool MostlyText(std::string_view s) {
  size_t text = 0;
  for (const char ch : s) {
    const auto c = static_cast<uint8_t>(ch);
    if ((c >= 0x20 && c < 0x7f) || (c >= 9 && c <= 13)) ++text;
  }
  return text > s.size() * 9 / 10;
}

std::optional<DecodedStream> DecodePdf(std::span<const uint8_t> b, size_t at, const DecodeLimits& limits) {
  if (!IsPdfStreamAt(b, at)) return std::nullopt;
  size_t start = at + kPdfStream.size();
  start += (b[start] == '\r' && start + 1 < b.size() && b[start + 1] == '\n') ? 2 : 1;
  // RFC 1950 header: deflate with a window <= 32 KiB and the FCHECK bits.
  if (start + 2 > b.size()) return std::nullopt;
  const uint8_t cmf = b[start], flg = b[start + 1];
  if ((cmf & 0x0f) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0) return std::nullopt;
  const std::span<const uint8_t> window = b.first(std::min(b.size(), start + limits.max_input_bytes));
  const size_t end = Find(window, start, kPdfEndStream);
  if (end == std::string_view::npos) {
    // Longer than max_input_bytes, or another "stream" keyword comes first: not a stream. Only
    // otherwise may the end lie after the buffer (so a text full of "stream" lines costs no
    // rereads).
    if (window.size() < b.size() || Find(window, start, kPdfStream) != std::string_view::npos) return std::nullopt;
    DecodedStream d;
    d.kind = StreamKind::kPdf;
    d.offset = at;
    d.input_ended = true;
    return d;
  }
  // The next "stream" keyword must be the one inside this "endstream" (else the stream's end is
  // missing and "endstream" belongs to a later object).
  if (Find(window, start, kPdfStream) != end + 3 || end < start + 2) return std::nullopt;
  Inflated z = Inflate(b.subspan(start, end - start), 15, limits.max_decoded_bytes, limits);
  if (z.bytes.empty() || !MostlyText(z.bytes)) return std::nullopt;
  DecodedStream d;
  d.kind = StreamKind::kPdf;
  d.offset = at;
  d.bytes = PdfStringText(z.bytes);
  d.truncated = z.truncated;
  if (d.bytes.empty()) return std::nullopt;
  return d;
}

std::optional<DecodedStream> DecodeGzip(std::span<const uint8_t> b, size_t at, const DecodeLimits& limits) {
  if (!IsGzipAt(b, at)) return std::nullopt;
  const size_t avail = b.size() - at;
  Inflated z = Inflate(b.subspan(at, std::min(avail, limits.max_input_bytes)), 16 + 15,
                       limits.max_decoded_bytes, limits);
  const bool input_ended = z.input_ended && avail <= limits.max_input_bytes;
  if (z.bytes.empty() && !input_ended) return std::nullopt;
  DecodedStream d;
  d.kind = StreamKind::kGzip;
  d.offset = at;
  d.bytes = std::move(z.bytes);
  d.truncated = z.truncated;
  d.input_ended = input_ended;
  return d;
}

std::optional<DecodedStream> DecodeZip(std::span<const uint8_t> b, size_t at, const DecodeLimits& limits) {
  if (at + kZipHeaderBytes > b.size() || std::memcmp(b.data() + at, kZipSignature, 4) != 0) return std::nullopt;
  const uint16_t version = Le16(b, at + 4);
  const uint16_t flags = Le16(b, at + 6);
  const uint16_t method = Le16(b, at + 8);
  const uint32_t compressed = Le32(b, at + 18);
  const uint32_t size = Le32(b, at + 22);
  const size_t name_len = Le16(b, at + 26);
  const size_t extra_len = Le16(b, at + 28);
  if ((version & 0xff) > 63 || (flags & 1) != 0) return std::nullopt;  // unknown version; encrypted
  if (method != 0 && method != 8) return std::nullopt;
  if (name_len == 0 || name_len > kZipMaxNameBytes) return std::nullopt;
  if (size != 0 && size < kZipMinDecodedBytes) return std::nullopt;
  DecodedStream d;
  d.kind = StreamKind::kZip;
  d.offset = at;
  const size_t name_end = std::min(b.size(), at + kZipHeaderBytes + name_len);
  if (!PlausibleZipName(b.subspan(at + kZipHeaderBytes, name_end - (at + kZipHeaderBytes)))) return std::nullopt;
  const size_t data = at + kZipHeaderBytes + name_len + extra_len;
  if (data >= b.size()) {  // the buffer ends in the header or right after it
    d.input_ended = true;
    return d;
  }
  const size_t avail = b.size() - data;
  if (method == 0) {
    // Stored: only when the header gives the size (a data descriptor leaves no way to find the end).
    if (compressed == 0 || compressed != size) return std::nullopt;
    const size_t want = std::min<size_t>(size, limits.max_decoded_bytes);
    const size_t got = std::min(want, avail);
    d.bytes.assign(reinterpret_cast<const char*>(b.data() + data), got);
    d.truncated = want < size;
    d.input_ended = got < want;
    return d;
  }
  // Deflate. Sizes of zero (data descriptor, or OpenOffice's zeros) mean "up to where the
  // deflate stream ends".
  size_t in_len = compressed == 0 ? avail : std::min<size_t>(compressed, avail);
  in_len = std::min(in_len, limits.max_input_bytes);
  const size_t max_out = size == 0 ? limits.max_decoded_bytes : std::min<size_t>(size, limits.max_decoded_bytes);
  Inflated z = Inflate(b.subspan(data, in_len), -15, max_out, limits);
  d.input_ended = z.input_ended && in_len == avail && avail <= limits.max_input_bytes;
  if (z.bytes.size() < kZipMinDecodedBytes && !d.input_ended) return std::nullopt;
  d.bytes = std::move(z.bytes);
  d.truncated = z.truncated;
  return d;
}

}  // namespace

void ForEachStreamSignature(std::span<const uint8_t> bytes, size_t from, size_t to,
                            const std::function<void(size_t, StreamKind)>& visit) {
  to = std::min(to, bytes.size());
  constexpr size_t kNone = std::string_view::npos;
  // Next candidate of each kind at or after `pos` (kNone when there is none before `to`).
  auto next_pdf = [&](size_t pos) {
    while ((pos = Find(bytes, pos, kPdfStream)) != kNone && pos < to) {
      if (IsPdfStreamAt(bytes, pos)) return pos;
      ++pos;
    }
    return kNone;
  };
  auto next_gzip = [&](size_t pos) {
    while (pos < to) {
      const void* p = std::memchr(bytes.data() + pos, 0x1f, to - pos);
      if (p == nullptr) return kNone;
      pos = static_cast<size_t>(static_cast<const uint8_t*>(p) - bytes.data());
      if (IsGzipAt(bytes, pos)) return pos;
      ++pos;
    }
    return kNone;
  };
  auto next_zip = [&](size_t pos) {
    pos = Find(bytes, pos, std::string_view(reinterpret_cast<const char*>(kZipSignature), 4));
    return pos < to ? pos : kNone;
  };
  size_t pdf = next_pdf(from), gzip = next_gzip(from), zip = next_zip(from);
  while (pdf != kNone || gzip != kNone || zip != kNone) {
    const size_t at = std::min({pdf, gzip, zip});
    if (at == pdf) {
      visit(at, StreamKind::kPdf);
      pdf = next_pdf(at + 1);
    } else if (at == gzip) {
      visit(at, StreamKind::kGzip);
      gzip = next_gzip(at + 1);
    } else {
      visit(at, StreamKind::kZip);
      zip = next_zip(at + 1);
    }
  }
}

std::optional<DecodedStream> DecodeStream(std::span<const uint8_t> bytes, size_t offset, StreamKind kind,
                                          const DecodeLimits& limits) {
  if (offset >= bytes.size()) return std::nullopt;
  switch (kind) {
    case StreamKind::kPdf: return DecodePdf(bytes, offset, limits);
    case StreamKind::kGzip: return DecodeGzip(bytes, offset, limits);
    case StreamKind::kZip: return DecodeZip(bytes, offset, limits);
    case StreamKind::kMsxml: {
      auto text = MsxmlText(std::string_view(reinterpret_cast<const char*>(bytes.data()) + offset,
                                             bytes.size() - offset));
      if (!text) return std::nullopt;
      DecodedStream d;
      d.kind = kind;
      d.offset = offset;
      d.bytes = std::move(*text);
      return d;
    }
  }
  return std::nullopt;
}

std::optional<std::string> MsxmlText(std::string_view xml) {
  if (xml.substr(0, 6) != "<?xml ") return std::nullopt;
  std::string text;
  bool between_tags = false;
  for (size_t i = 0; i < xml.size(); ++i) {
    const char c = xml[i];
    if (c == '<') {
      between_tags = false;
      if (xml.substr(i, 6) == "</w:p>") text.push_back('\n');
    } else if (c == '>') {
      between_tags = true;
    } else if (between_tags) {
      text.push_back(c);
    }
  }
  return text;
}

std::string PdfStringText(std::string_view content) {
  // First pass: does any string hold a space? Second: copy the strings.
  bool strings_have_spaces = false;
  bool in_string = false;
  for (const char c : content) {
    if (!in_string) {
      in_string = c == '(';
    } else if (c == ')') {
      in_string = false;
    } else if (c == ' ') {
      strings_have_spaces = true;
      break;
    }
  }
  std::string text;
  in_string = false;
  for (const char c : content) {
    if (!in_string) {
      in_string = c == '(';
    } else if (c == ')') {
      in_string = false;
      if (!strings_have_spaces) text.push_back(' ');
    } else {
      text.push_back(c);
    }
  }
  return text;
}

}  // namespace cairn::extract
