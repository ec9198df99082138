#include "cairn/core/text.h"

#include <cstdint>
#include <cstdio>

namespace cairn {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void AppendXmlEscaped(std::string& out, char c) {
  switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
  }
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

// Walks `s` as UTF-8: ascii(c) for each one-byte character, other(seq) for each longer well-formed
// sequence and, with U+FFFD, for each byte that does not start one. A callback returning false
// stops the walk.
template <typename Ascii, typename Other>
void ForEachCharacter(std::string_view s, Ascii&& ascii, Other&& other) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    const bool go = len == 0   ? other(kReplacement)
                    : len == 1 ? ascii(s[i])
                               : other(s.substr(i, len));
    if (!go) return;
    i += len == 0 ? 1 : len;
  }
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  const size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || len > s.size() - i) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if (len == 2 && c < 0xC2) return 0;                                  // overlong
  if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;  // overlong, surrogate
  if (len == 4 && (c > 0xF4 || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachCharacter(
      s, [&](char c) { out += c; return true; }, [&](std::string_view seq) { out.append(seq); return true; });
  return out;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachCharacter(
      s,
      [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 || c == '\t' || c == '\n' || c == '\r') AppendXmlEscaped(out, c);
        return true;
      },
      [&](std::string_view seq) { out.append(seq); return true; });
  return out;
}

std::string XmlLabel(std::string_view s, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  auto room = [&] {
    if (chars++ < max_chars) return true;
    out += "\xE2\x80\xA6";  // …
    return false;
  };
  ForEachCharacter(
      s,
      [&](char c) {
        if (!room()) return false;
        if (IsControl(static_cast<unsigned char>(c))) {
          out += ' ';
        } else {
          AppendXmlEscaped(out, c);
        }
        return true;
      },
      [&](std::string_view seq) {
        if (!room()) return false;
        out.append(seq);
        return true;
      });
  return out;
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  out.reserve(s.size() + 2);
  ForEachCharacter(
      s,
      [&](char c) {
        switch (c) {
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          case '\b': out += "\\b"; break;
          case '\f': out += "\\f"; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          default:
            if (static_cast<unsigned char>(c) < 0x20) {
              char buf[8];
              std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
              out += buf;
            } else {
              out += c;
            }
        }
        return true;
      },
      [&](std::string_view seq) { out.append(seq); return true; });
  out += '"';
  return out;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace cairn
