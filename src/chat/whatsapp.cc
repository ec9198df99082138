// WhatsApp text export parser. Two passes over the bytes: pass 1 finds header lines and keeps
// their raw date fields; the day/month order is then decided from all of them at once; pass 2
// builds messages (continuation lines are the bytes between one header line and the next).
#include "cairn/chat/whatsapp.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "text_rules.h"
#include "whatsapp_internal.h"

namespace cairn::chat {
namespace {

using internal::TrimMarks;

enum class Meridiem : uint8_t { kNone, kAm, kPm };

struct RawHeader {
  uint64_t line = 0;        // 1-based
  size_t line_begin = 0;    // offset of the line
  size_t line_end = 0;      // offset of its '\n' (or the end)
  size_t rest_begin = 0;    // offset after the header ("Name: text" or system text)
  size_t rest_end = 0;      // end of the line's content (before '\r')
  std::array<uint16_t, 3> field{};
  std::array<uint8_t, 3> digits{};
  uint8_t hour = 0, minute = 0, second = 0;
  Meridiem meridiem = Meridiem::kNone;
};

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline size_t SkipMarks(const char* p, const char* end) {
  const char* start = p;
  while (end - p >= 3) {
    const auto b0 = static_cast<unsigned char>(p[0]);
    const auto b1 = static_cast<unsigned char>(p[1]);
    const auto b2 = static_cast<unsigned char>(p[2]);
    const bool mark = (b0 == 0xE2 && b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE))) ||
                      (b0 == 0xE2 && b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) ||
                      (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF);
    if (!mark) break;
    p += 3;
  }
  return static_cast<size_t>(p - start);
}

// Skips spaces: ASCII space, U+00A0, U+202F (and format marks). Returns the count of bytes.
inline const char* SkipSpaces(const char* p, const char* end) {
  for (;;) {
    if (p < end && (*p == ' ' || *p == '\t')) {
      ++p;
    } else if (end - p >= 2 && static_cast<unsigned char>(p[0]) == 0xC2 && static_cast<unsigned char>(p[1]) == 0xA0) {
      p += 2;
    } else if (end - p >= 3 && static_cast<unsigned char>(p[0]) == 0xE2 && static_cast<unsigned char>(p[1]) == 0x80 &&
               (static_cast<unsigned char>(p[2]) == 0xAF || static_cast<unsigned char>(p[2]) == 0x8E ||
                static_cast<unsigned char>(p[2]) == 0x8F)) {
      p += 3;
    } else {
      return p;
    }
  }
}

inline const char* ReadNumber(const char* p, const char* end, int max_digits, uint16_t* value, uint8_t* digits) {
  int n = 0;
  unsigned v = 0;
  while (p < end && IsDigit(*p) && n <= max_digits) {
    v = v * 10 + static_cast<unsigned>(*p - '0');
    ++p;
    ++n;
  }
  if (n == 0 || n > max_digits) return nullptr;
  *value = static_cast<uint16_t>(v);
  *digits = static_cast<uint8_t>(n);
  return p;
}

struct MeridiemMarker {
  std::string_view text;
  Meridiem value;
};
// Localized AM/PM markers, longest first where one is a prefix of another. Matched
// case-insensitively for ASCII letters; spaces inside ("a. m.") may be any space kind.
constexpr std::array<MeridiemMarker, 36> kMeridiem = {{
    {"a. m.", Meridiem::kAm}, {"p. m.", Meridiem::kPm}, {"a.m.", Meridiem::kAm}, {"p.m.", Meridiem::kPm},
    {"a.m", Meridiem::kAm}, {"p.m", Meridiem::kPm}, {"am", Meridiem::kAm}, {"pm", Meridiem::kPm},
    {"vorm.", Meridiem::kAm}, {"nachm.", Meridiem::kPm}, {"vm.", Meridiem::kAm}, {"nm.", Meridiem::kPm},
    {"\xE5\x8D\x88\xE5\x89\x8D", Meridiem::kAm},   // 午前
    {"\xE5\x8D\x88\xE5\xBE\x8C", Meridiem::kPm},   // 午後
    {"\xE4\xB8\x8A\xE5\x8D\x88", Meridiem::kAm},   // 上午
    {"\xE4\xB8\x8B\xE5\x8D\x88", Meridiem::kPm},   // 下午
    {"\xEC\x98\xA4\xEC\xA0\x84", Meridiem::kAm},   // 오전
    {"\xEC\x98\xA4\xED\x9B\x84", Meridiem::kPm},   // 오후
    {"\xD8\xB5", Meridiem::kAm},                   // ص
    {"\xD9\x85", Meridiem::kPm},                   // م
    {"\xCF\x80.\xCE\xBC.", Meridiem::kAm},          // π.μ.
    {"\xCE\xBC.\xCE\xBC.", Meridiem::kPm},          // μ.μ.
    {"\xD9\x82.\xD8\xB8", Meridiem::kAm},          // ق.ظ
    {"\xD8\xA8.\xD8\xB8", Meridiem::kPm},          // ب.ظ
    {"\xC3\x96\xC3\x96", Meridiem::kAm},           // ÖÖ
    {"\xC3\x96S", Meridiem::kPm},                  // ÖS
    {"dop.", Meridiem::kAm}, {"odp.", Meridiem::kPm}, {"fm", Meridiem::kAm}, {"em", Meridiem::kPm},
    {"ap.", Meridiem::kAm}, {"ip.", Meridiem::kPm},
    {"\xE0\xA4\xAA\xE0\xA5\x82\xE0\xA4\xB0\xE0\xA5\x8D\xE0\xA4\xB5\xE0\xA4\xBE\xE0\xA4\xB9\xE0\xA5\x8D\xE0\xA4\xA8", Meridiem::kAm},  // पूर्वाह्न
    {"\xE0\xA4\x85\xE0\xA4\xAA\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xB9\xE0\xA5\x8D\xE0\xA4\xA8", Meridiem::kPm},  // अपराह्न
    {"SA", Meridiem::kAm}, {"CH", Meridiem::kPm},  // Vietnamese SA / CH
}};

inline char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Matches a marker at p, allowing any space kind where the marker has ' '. Returns the end or null.
const char* MatchMarker(const char* p, const char* end, std::string_view marker) {
  for (size_t i = 0; i < marker.size(); ++i) {
    if (marker[i] == ' ') {
      const char* q = SkipSpaces(p, end);
      if (q == p) return nullptr;
      p = q;
      continue;
    }
    if (p >= end || Lower(*p) != Lower(marker[i])) return nullptr;
    ++p;
  }
  // A Latin marker must not run into more letters ("amigo").
  if (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return nullptr;
  return p;
}

// Recognizes a header at [p, end) (one line without its newline). Fills h's date, time and
// rest_begin (relative to `base`).
bool ParseHeader(const char* base, const char* p, const char* end, RawHeader* h) {
  p += SkipMarks(p, end);
  bool bracket = false;
  if (p < end && *p == '[') {
    bracket = true;
    ++p;
    p += SkipMarks(p, end);
  }
  if (p >= end || !IsDigit(*p)) return false;
  p = ReadNumber(p, end, 4, &h->field[0], &h->digits[0]);
  if (p == nullptr || p >= end) return false;
  const char sep = *p;
  if (sep != '/' && sep != '.' && sep != '-') return false;
  ++p;
  p = ReadNumber(p, end, 4, &h->field[1], &h->digits[1]);
  if (p == nullptr || p >= end || *p != sep) return false;
  ++p;
  p = ReadNumber(p, end, 4, &h->field[2], &h->digits[2]);
  if (p == nullptr) return false;
  int four = 0;
  for (uint8_t d : h->digits) {
    if (d == 3) return false;
    four += d == 4;
  }
  if (four > 1) return false;
  if (sep == '.' && p < end && *p == '.') ++p;  // "15.04.16." in some locales
  // Date-time separator: a comma and/or spaces.
  const char* q = p;
  if (q < end && *q == ',') ++q;
  q = SkipSpaces(q, end);
  if (q == p) return false;
  p = q;
  uint16_t v;
  uint8_t d;
  p = ReadNumber(p, end, 2, &v, &d);
  if (p == nullptr || p >= end || (*p != ':' && *p != '.')) return false;
  const char tsep = *p;
  h->hour = static_cast<uint8_t>(v);
  ++p;
  p = ReadNumber(p, end, 2, &v, &d);
  if (p == nullptr || d != 2 || v > 59) return false;
  h->minute = static_cast<uint8_t>(v);
  h->second = 0;
  if (p < end && *p == tsep && end - p >= 3 && IsDigit(p[1])) {
    ++p;
    p = ReadNumber(p, end, 2, &v, &d);
    if (p == nullptr || d != 2 || v > 60) return false;
    h->second = static_cast<uint8_t>(v);
  }
  h->meridiem = Meridiem::kNone;
  q = SkipSpaces(p, end);
  if (q < end && *q != ']' && *q != '-') {
    for (const MeridiemMarker& m : kMeridiem) {
      if (const char* after = MatchMarker(q, end, m.text)) {
        h->meridiem = m.value;
        p = after;
        break;
      }
    }
  }
  if (h->meridiem == Meridiem::kNone) {
    if (h->hour > 23) return false;
  } else if (h->hour > 12) {
    return false;
  }
  p = SkipSpaces(p, end);
  if (bracket) {
    if (p >= end || *p != ']') return false;
    ++p;
    p = SkipSpaces(p, end);
  } else {
    if (p < end && *p == '-') {
      ++p;
    } else if (end - p >= 3 && static_cast<unsigned char>(p[0]) == 0xE2 && static_cast<unsigned char>(p[1]) == 0x80 &&
               static_cast<unsigned char>(p[2]) == 0x93) {  // en dash
      p += 3;
    } else {
      return false;
    }
    if (p < end && *p != ' ') return false;
    p = SkipSpaces(p, end);
  }
  h->rest_begin = static_cast<size_t>(p - base);
  return true;
}

constexpr std::array<DateOrder, 4> kOrders = {DateOrder::kDayMonthYear, DateOrder::kMonthDayYear,
                                              DateOrder::kYearMonthDay, DateOrder::kYearDayMonth};

struct Ymd {
  int year, month, day;
};

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// The date of `h` read in `order`; false with `why` when it cannot be a date in that order.
bool ReadDate(const RawHeader& h, DateOrder order, int min_year, Ymd* out, const char** why) {
  int yi, mi, di;
  switch (order) {
    case DateOrder::kDayMonthYear: di = 0, mi = 1, yi = 2; break;
    case DateOrder::kMonthDayYear: mi = 0, di = 1, yi = 2; break;
    case DateOrder::kYearMonthDay: yi = 0, mi = 1, di = 2; break;
    case DateOrder::kYearDayMonth: yi = 0, di = 1, mi = 2; break;
    default: *why = "no order"; return false;
  }
  if (h.digits[yi] != 2 && h.digits[yi] != 4) { *why = "the year is not 2 or 4 digits"; return false; }
  if (h.digits[mi] > 2 || h.digits[di] > 2) { *why = "a 4-digit field where day or month would be"; return false; }
  const int year = h.digits[yi] == 2 ? 2000 + h.field[yi] : h.field[yi];
  const int month = h.field[mi];
  const int day = h.field[di];
  if (year < min_year) { *why = "the year would be before the app existed"; return false; }
  if (month < 1 || month > 12) { *why = "the month would be above 12 or 0"; return false; }
  if (day < 1 || day > DaysInMonth(year, month)) { *why = "the day would not exist in that month"; return false; }
  *out = {year, month, day};
  return true;
}

int64_t HeaderSeconds(const RawHeader& h, const Ymd& d) {
  int hour = h.hour;
  if (h.meridiem == Meridiem::kAm && hour == 12) hour = 0;
  if (h.meridiem == Meridiem::kPm && hour < 12) hour += 12;
  return CivilToSeconds(d.year, d.month, d.day, hour, h.minute, h.second);
}

// Decides the date order over every header; fills the report's date fields.
DateOrder DecideOrder(const std::vector<RawHeader>& headers, const WhatsAppOptions& options, ParseReport& report) {
  if (headers.empty()) {
    report.date_order = DateOrder::kUnknown;
    report.date_order_reason = "no message header found";
    return DateOrder::kUnknown;
  }
  std::array<uint64_t, 4> invalid{};
  std::array<std::string, 4> first_invalid;
  for (const RawHeader& h : headers) {
    for (size_t o = 0; o < kOrders.size(); ++o) {
      Ymd d;
      const char* why = nullptr;
      if (!ReadDate(h, kOrders[o], options.min_year, &d, &why)) {
        if (invalid[o]++ == 0) {
          first_invalid[o] = std::string(DateOrderName(kOrders[o])) + " ruled out by line " + std::to_string(h.line) +
                             " (" + why + ")";
        }
      }
    }
  }
  const uint64_t min_invalid = *std::min_element(invalid.begin(), invalid.end());
  std::vector<size_t> candidates;
  std::string reason;
  for (size_t o = 0; o < kOrders.size(); ++o) {
    if (invalid[o] == min_invalid) {
      candidates.push_back(o);
    } else {
      if (!reason.empty()) reason += "; ";
      reason += first_invalid[o];
    }
  }
  if (min_invalid > 0) {
    report.notes.push_back(std::to_string(min_invalid) +
                           " header-like lines have no valid date in any order; kept as message text");
  }
  // Tie-breaker: the order under which time runs forward most consistently.
  if (candidates.size() > 1) {
    std::array<uint64_t, 4> backward{};
    for (size_t c : candidates) {
      int64_t previous = INT64_MIN;
      for (const RawHeader& h : headers) {
        Ymd d;
        const char* why;
        if (!ReadDate(h, kOrders[c], options.min_year, &d, &why)) continue;
        const int64_t s = HeaderSeconds(h, d);
        if (s < previous) ++backward[c];
        previous = s;
      }
    }
    uint64_t best = UINT64_MAX;
    for (size_t c : candidates) best = std::min(best, backward[c]);
    std::vector<size_t> kept;
    for (size_t c : candidates) {
      if (backward[c] == best) {
        kept.push_back(c);
      } else {
        if (!reason.empty()) reason += "; ";
        reason += std::string(DateOrderName(kOrders[c])) + " puts " + std::to_string(backward[c]) +
                  " messages before their predecessor (vs " + std::to_string(best) + ")";
      }
    }
    candidates = std::move(kept);
  }
  if (candidates.size() == 1) {
    const DateOrder chosen = kOrders[candidates[0]];
    report.date_order = chosen;
    report.date_order_source = DecisionSource::kInferred;
    report.date_order_ambiguous = false;
    report.date_order_reason = std::string(DateOrderName(chosen)) + " is the only order consistent with the file" +
                               (reason.empty() ? "" : ": " + reason);
    if (options.date_order && *options.date_order != chosen) {
      report.notes.push_back("option date_order=" + std::string(DateOrderName(*options.date_order)) +
                             " not used: the file decides " + std::string(DateOrderName(chosen)));
    }
    return chosen;
  }
  std::string possible;
  for (size_t c : candidates) {
    if (!possible.empty()) possible += ", ";
    possible += DateOrderName(kOrders[c]);
  }
  report.date_order_ambiguous = true;
  DateOrder chosen = DateOrder::kUnknown;
  if (options.date_order) {
    for (size_t c : candidates) {
      if (kOrders[c] == *options.date_order) chosen = kOrders[c];
    }
  }
  if (chosen != DateOrder::kUnknown) {
    report.date_order_source = DecisionSource::kOption;
    report.date_order_reason = "ambiguous (possible: " + possible + "); the date_order option chose " +
                               std::string(DateOrderName(chosen));
  } else {
    chosen = kOrders[candidates[0]];  // preference: dmy, mdy, ymd, ydm
    report.date_order_source = DecisionSource::kDefault;
    report.date_order_reason = "ambiguous (possible: " + possible + "); no usable date_order option, defaulted to " +
                               std::string(DateOrderName(chosen));
    if (options.date_order) {
      report.notes.push_back("option date_order=" + std::string(DateOrderName(*options.date_order)) +
                             " contradicts the file and was not used");
    }
  }
  if (!reason.empty()) report.date_order_reason += "; " + reason;
  report.date_order = chosen;
  return chosen;
}

// Appends `region` (continuation lines, starting with the newline that ends the header line) to
// text, normalizing CRLF and dropping the final line break.
void AppendContinuation(std::string_view region, bool last, std::string& text) {
  if (!region.empty() && region.back() == '\n') region.remove_suffix(1);
  if (!region.empty() && region.back() == '\r') region.remove_suffix(1);
  if (last) {
    while (!region.empty() && (region.back() == '\n' || region.back() == '\r')) region.remove_suffix(1);
  }
  if (region.empty()) return;
  if (region.find('\r') == std::string_view::npos) {
    text.append(region);
    return;
  }
  for (size_t i = 0; i < region.size(); ++i) {
    if (region[i] == '\r' && i + 1 < region.size() && region[i + 1] == '\n') continue;
    text.push_back(region[i]);
  }
}

// Clears every field, keeping the strings' capacity.
void ResetMessage(Message& m) {
  m.source.clear();
  m.line = m.offset = m.index = 0;
  m.message_id = -1;
  m.time = {};
  m.sender_name.clear();
  m.sender_phone.clear();
  m.sender_id.clear();
  m.text.clear();
  m.kind = MessageKind::kText;
  m.attachment.clear();
  m.attachment_omitted = false;
  m.attachment_member = -1;
  m.media_type.clear();
  m.event = SystemEvent::kNone;
  m.action.clear();
  m.event_actor.clear();
  m.event_targets.clear();
  m.event_detail.clear();
  m.entities.clear();
}

}  // namespace

std::string ChatNameFromFileName(std::string_view file_name) {
  const size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos) file_name = file_name.substr(0, dot);
  for (std::string_view prefix : {"WhatsApp Chat with ", "WhatsApp Chat - ", "WhatsApp-Chat mit ", "WhatsApp Chat mit ",
                                  "Chat de WhatsApp con ", "Conversa do WhatsApp com ", "Discussion WhatsApp avec ",
                                  "WhatsApp-chat met ", "WhatsApp Chat met ", "Chat WhatsApp con ", "WhatsApp Sohbeti - "}) {
    if (file_name.size() > prefix.size() && file_name.substr(0, prefix.size()) == prefix) {
      return std::string(TrimMarks(file_name.substr(prefix.size())));
    }
  }
  return {};
}

Chat ParseWhatsAppText(std::string_view text, const WhatsAppOptions& options) {
  return internal::ParseWhatsAppTextWithHook(text, options, nullptr, /*store=*/true);
}

Chat ParseWhatsAppText(std::string_view text, const WhatsAppOptions& options, const MessageSink& sink) {
  if (!sink) return ParseWhatsAppText(text, options);
  return internal::ParseWhatsAppTextWithHook(text, options, [&sink](Message& m) { sink(m); }, /*store=*/false);
}

Chat internal::ParseWhatsAppTextWithHook(std::string_view text, const WhatsAppOptions& options,
                                         const std::function<void(Message&)>& hook, bool store) {
  Chat chat;
  chat.platform = options.platform;
  chat.source = options.source.empty() ? "<memory>" : options.source;
  if (!options.chat_name.empty()) {
    chat.title = options.chat_name;
    chat.title_source = "option";
  }
  ParseReport& report = chat.report;

  // Pass 1: header lines.
  std::vector<RawHeader> headers;
  headers.reserve(text.size() / 64 + 1);
  const char* const base = text.data();
  const char* const end = base + text.size();
  uint64_t line_no = 0;
  for (const char* p = base; p < end;) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    ++line_no;
    const char* content_end = (line_end > p && line_end[-1] == '\r') ? line_end - 1 : line_end;
    RawHeader h;
    if (ParseHeader(base, p, content_end, &h)) {
      h.line = line_no;
      h.line_begin = static_cast<size_t>(p - base);
      h.line_end = static_cast<size_t>(line_end - base);
      h.rest_end = static_cast<size_t>(content_end - base);
      headers.push_back(h);
    }
    p = nl ? nl + 1 : end;
  }
  report.lines_read = line_no;

  const DateOrder order = DecideOrder(headers, options, report);

  // Headers valid under the chosen order; the others become continuation text.
  std::vector<Ymd> dates;
  std::vector<uint32_t> valid;
  dates.resize(headers.size());
  valid.reserve(headers.size());
  for (uint32_t i = 0; i < headers.size(); ++i) {
    const char* why;
    if (ReadDate(headers[i], order, options.min_year, &dates[i], &why)) valid.push_back(i);
  }

  // Lines before the first message.
  {
    const size_t first = valid.empty() ? text.size() : headers[valid[0]].line_begin;
    uint64_t n = 0;
    for (size_t i = 0; i < first;) {
      const size_t nl = text.find('\n', i);
      const size_t le = nl == std::string_view::npos ? first : std::min(nl, first);
      ++n;
      std::string_view l = text.substr(i, le - i);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (report.skipped.size() < options.max_skipped_listed) {
        report.skipped.push_back({n, l.empty() ? "blank line before the first message"
                                               : "text before the first message header"});
      }
      i = le + 1;
    }
    if (n > report.skipped.size()) {
      report.notes.push_back(std::to_string(n) + " lines skipped before the first message; the first " +
                             std::to_string(report.skipped.size()) + " are listed");
    }
  }

  // Pass 2: messages.
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> member_index;
  auto member = [&](std::string_view name, size_t message_index) -> Member& {
    if (auto it = member_index.find(name); it != member_index.end()) return chat.members[it->second];
    member_index.emplace(std::string(name), chat.members.size());
    Member& m = chat.members.emplace_back();
    m.name = std::string(name);
    if (LooksLikePhoneNumber(name)) m.phone = m.name;
    m.first_message = message_index;
    return m;
  };
  bool group_events = false;
  std::string title_hint;
  Message scratch;  // streaming: one message reused, so its strings keep their capacity
  if (store) chat.messages.reserve(valid.size());
  for (size_t k = 0; k < valid.size(); ++k) {
    const RawHeader& h = headers[valid[k]];
    Message& m = store ? chat.messages.emplace_back() : scratch;
    if (!store) ResetMessage(m);
    m.source = chat.source;
    m.line = h.line;
    m.offset = h.line_begin;
    m.index = k;
    m.time = {HeaderSeconds(h, dates[valid[k]]), false};
    std::string_view rest = text.substr(h.rest_begin, h.rest_end - h.rest_begin);
    const size_t region_end = k + 1 < valid.size() ? headers[valid[k + 1]].line_begin : text.size();
    const std::string_view region = text.substr(h.line_end, region_end - h.line_end);
    const bool last = k + 1 == valid.size();

    // "Name: body", or a system line.
    size_t colon = std::string_view::npos;
    for (size_t at = rest.find(':'); at != std::string_view::npos; at = rest.find(':', at + 1)) {
      if (at + 1 == rest.size() || rest[at + 1] == ' ') {
        colon = at;
        break;
      }
    }
    std::string_view name;
    if (colon != std::string_view::npos && colon > 0) {
      name = rest.substr(0, colon);
      if (name.find('"') != std::string_view::npos || name.find("\xE2\x80\x9C") != std::string_view::npos) {
        name = {};
      }
    }
    std::string_view trimmed_name = TrimMarks(name);
    if (!trimmed_name.empty()) {
      std::string_view body = rest.substr(std::min(rest.size(), colon + 2));
      m.text.assign(body);
      AppendContinuation(region, last, m.text);
      const bool lrm_start = body.size() >= 3 && static_cast<unsigned char>(body[0]) == 0xE2 &&
                             static_cast<unsigned char>(body[1]) == 0x80 && static_cast<unsigned char>(body[2]) == 0x8E;
      bool system = false;
      if (internal::IsEncryptionNotice(body)) {
        internal::ClassifySystemText(body, m);
        system = true;
      } else if (lrm_start) {  // iOS marks system lines attributed to the chat with U+200E
        Message probe;
        if (internal::ClassifySystemText(body, probe)) {
          m.kind = probe.kind;
          m.event = probe.event;
          m.event_actor = std::move(probe.event_actor);
          m.event_targets = std::move(probe.event_targets);
          m.event_detail = std::move(probe.event_detail);
          system = true;
        }
      }
      if (system) {
        // The line is attributed to the chat itself: its name is the chat's title.
        if (title_hint.empty()) title_hint = std::string(trimmed_name);
      } else {
        m.sender_name.assign(trimmed_name);
        if (LooksLikePhoneNumber(trimmed_name)) m.sender_phone = m.sender_name;
        internal::ClassifyBody(m.text, m);
        Member& who = member(trimmed_name, m.index);
        ++who.messages;
      }
    } else {
      m.text.assign(rest);
      AppendContinuation(region, last, m.text);
      internal::ClassifySystemText(m.text, m);
    }
    if (m.kind == MessageKind::kSystem) {
      switch (m.event) {
        case SystemEvent::kCreatedGroup:
        case SystemEvent::kAdded:
        case SystemEvent::kRemoved:
        case SystemEvent::kLeft:
        case SystemEvent::kJoinedByLink:
        case SystemEvent::kChangedSubject:
        case SystemEvent::kChangedIcon:
        case SystemEvent::kChangedDescription: group_events = true; break;
        default: break;
      }
      auto seen = [&](const std::string& n) {
        if (!n.empty() && n != "You" && n != "you") member(n, m.index);
      };
      seen(m.event_actor);
      for (const std::string& t : m.event_targets) seen(t);
    }
    if (hook) hook(m);
  }
  report.messages = valid.size();

  if (chat.title.empty() && !title_hint.empty()) {
    chat.title = title_hint;
    chat.title_source = "system line attribution";
  }
  size_t senders = 0;
  for (const Member& m : chat.members) senders += m.messages > 0;
  if (group_events || senders > 2) {
    chat.type = ChatType::kGroup;
  } else if (!chat.messages.empty()) {
    chat.type = ChatType::kPersonal;
    report.notes.push_back("chat type personal: at most two senders and no group events");
  }
  return chat;
}

}  // namespace cairn::chat
