// Text for what Cairn writes: UTF-8 validation and repair, and escaping for XML/HTML, JSON and CSV.
// Names from evidence, chats and ledgers can hold any bytes; everything written goes through
// these so reports and exports stay valid documents. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn {

// The length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when the bytes there
// are not one (stray continuation byte, overlong form, surrogate, past U+10FFFF, truncated).
size_t Utf8SequenceLength(std::string_view s, size_t i);
bool IsValidUtf8(std::string_view s);
// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

// XML (and HTML) text or attribute value: valid UTF-8, & < > " ' as entities, control
// characters other than tab, LF and CR dropped (XML 1.0 cannot carry them).
std::string XmlEscape(std::string_view s);
// A one-line label for a picture: as XmlEscape, but every control character becomes a space
// and at most `max_chars` code points are kept (then "…"), never cutting a character.
std::string XmlLabel(std::string_view s, size_t max_chars);

// A JSON string literal, quotes included: valid UTF-8 (bad bytes become U+FFFD), with the
// escapes JSON requires (" \ and control characters).
std::string JsonQuote(std::string_view s);

// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view s);

}  // namespace cairn
