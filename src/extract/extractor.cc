// Extractor: one combined RE2 pattern (Latin-1, leftmost-first) finds candidates of every kind
// in a single left-to-right pass; each candidate is validated by its kind's rules. The pass is a
// chain "leftmost match starting at or after the end of the previous one", so a file streamed in
// windows gives exactly the whole-buffer result when each window resumes the chain where the
// previous one stopped (see ScanState) and a candidate that might run past a window's end is
// rescanned in a bigger window (exact for every candidate shorter than 64 MiB).
#include "cairn/extract/extractor.h"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <unordered_map>

#include "cairn/core/file.h"
#include "cairn/extract/feature_file.h"
#include "cairn/extract/platforms.h"
#include "cairn/extract/validate.h"

namespace cairn::extract {

std::string_view KindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kUrl: return "url";
    case IdentifierKind::kEmail: return "email";
    case IdentifierKind::kPhone: return "phone";
    case IdentifierKind::kUpi: return "upi";
    case IdentifierKind::kIban: return "iban";
    case IdentifierKind::kCard: return "card";
    case IdentifierKind::kBtc: return "btc";
    case IdentifierKind::kEth: return "eth";
  }
  return "unknown";
}

std::optional<IdentifierKind> ParseKind(std::string_view name) {
  for (int k = 0; k < kIdentifierKindCount; ++k) {
    if (KindName(static_cast<IdentifierKind>(k)) == name) return static_cast<IdentifierKind>(k);
  }
  return std::nullopt;
}

std::string_view EncodingName(TextEncoding encoding) {
  return encoding == TextEncoding::kAscii ? "ascii" : "utf-16le";
}

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Capture groups of the combined pattern, in priority order (leftmost-first: at one start
// position the first alternative that matches wins).
enum Group { kGroupUrl = 1, kGroupEmail, kGroupEth, kGroupBech32, kGroupIban, kGroupBase58, kGroupNumber, kGroupCount };

// URL characters after the scheme or host prefix (RFC 3986 unreserved + reserved + '%').
// Repetitions are unbounded (counted ones blow up RE2's DFA when several overlap); lengths are
// checked after the match.
#define CAIRN_URL_CHARS "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]"
constexpr char kPattern[] =
    "((?i:(?:https?|ftp)://|\\bwww\\.|\\b(?:t|telegram|wa)\\.me/|\\bchat\\.whatsapp\\.com/"
    "|\\bdiscord\\.gg/|\\bsignal\\.group/)" CAIRN_URL_CHARS "+)"
    "|([A-Za-z0-9._%+\\-]+@[A-Za-z0-9][A-Za-z0-9\\-]*(?:\\.[A-Za-z0-9\\-]+)*)"
    "|\\b(0[xX][0-9a-fA-F]+)\\b"
    "|\\b((?i:bc1|tb1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,})\\b"
    "|\\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9])+)\\b"
    "|\\b([13][1-9A-HJ-NP-Za-km-z]{25,})\\b"
    "|(\\+?\\(?[0-9][0-9 \\-.()]{5,}[0-9])\\b";

inline bool IsAlnum(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsEmailLocalChar(char c) {
  return IsAlnum(static_cast<uint8_t>(c)) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}
// Printable ASCII (and TAB, LF, CR) followed by a zero byte is one UTF-16LE character.
inline bool IsUtf16Char(uint8_t c) { return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r'; }

std::string IcuCountryName(const std::string& region) {
  if (region.size() != 2) return {};
  icu::UnicodeString name;
  icu::Locale("", region.c_str()).getDisplayCountry(icu::Locale::getEnglish(), name);
  std::string out;
  name.toUTF8String(out);
  return out == region ? std::string() : out;
}

// A host name: dot-separated labels of letters, digits and '-', the last one 2+ letters (or a
// dotted-quad IPv4 address).
bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  int dots = 0;
  bool all_digits_dots = true;
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const size_t len = i - label_start;
      if (len == 0 || len > 63) return false;
      if (host[label_start] == '-' || host[i - 1] == '-') return false;
      if (i < host.size()) ++dots;
      label_start = i + 1;
      continue;
    }
    const char c = host[i];
    if (!IsAlnum(static_cast<uint8_t>(c)) && c != '-') return false;
    if (!IsDigit(c)) all_digits_dots = false;
  }
  if (dots == 0) return false;
  if (all_digits_dots) return dots == 3;
  const std::string_view tld = host.substr(host.rfind('.') + 1);
  if (tld.size() < 2 || tld.size() > 24) return false;
  return std::all_of(tld.begin(), tld.end(), [](char c) { return !IsDigit(c) && c != '-'; });
}

void SetPlatform(Identifier& id) {
  if (auto row = LookupPlatform(id.host)) {
    id.platform = std::string(row->platform);
    id.platform_kind = std::string(row->kind);
  }
}

void SilenceLibphonenumber() {
  static std::once_flag once;
  std::call_once(once, [] {
    PhoneNumberUtil::GetInstance()->SetLogger(new i18n::phonenumbers::NullLogger());
  });
}

}  // namespace

struct Extractor::Impl {
  ExtractOptions options;
  std::unique_ptr<RE2> re;
  std::string phone_region;  // options.default_region or "ZZ"

  // Where the candidate chain resumes, as absolute offsets, between windows of one stream.
  struct ScanState {
    uint64_t ascii_pos = 0;
    uint64_t utf16_pos = 0;
    uint64_t decode_pos = 0;  // stream signatures before this were handled
  };
  // Bytes of the input from an absolute offset on (a stream longer than the window); empty when
  // they cannot be read.
  using Reread = std::function<std::vector<uint8_t>(uint64_t offset)>;

  // English country names by ISO 3166 code, computed once (ICU lookups are slow per call).
  std::unordered_map<std::string, std::string> country_names;
  std::string Country(const std::string& region) const {
    auto it = country_names.find(region);
    return it == country_names.end() ? std::string() : it->second;
  }

  // libphonenumber's verdict on one spelling of a number. Parse + IsValidNumber cost ~25 us, and
  // chat text repeats the same numbers, so each thread keeps the last few thousand verdicts
  // (keyed by default region and spelling; cleared when full).
  struct PhoneVerdict {
    bool valid = false;
    std::string e164;
    std::string region;
  };
  const PhoneVerdict& CheckPhone(const PhoneNumberUtil& util, std::string_view raw) const {
    thread_local std::unordered_map<std::string, PhoneVerdict> cache;
    std::string key = phone_region;
    key += '|';
    key += raw;
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    if (cache.size() >= 4096) cache.clear();
    PhoneVerdict v;
    PhoneNumber number;
    if (util.Parse(std::string(raw), phone_region, &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
        util.IsValidNumber(number)) {
      v.valid = true;
      util.Format(number, PhoneNumberUtil::E164, &v.e164);
      util.GetRegionCodeForNumber(number, &v.region);
      if (v.region == "ZZ" || v.region == "001") v.region.clear();
    }
    return cache.emplace(std::move(key), std::move(v)).first->second;
  }

  bool Want(IdentifierKind k) const { return (options.kinds >> static_cast<int>(k)) & 1u; }

  // A match that starts before `limit` but ends within this distance of a window's end (not the
  // end of input) might be longer with more text: the window is grown and scanned again.
  static constexpr size_t kGrowMargin = kChunkOverlap / 2;

  // Scans text[0, n) (text starts at absolute offset `base`): candidates starting at or after
  // state.ascii_pos and before `limit`. Hits are appended with offsets in `text` coordinates +
  // base. Returns true (and stops before that candidate) when a candidate may run past the
  // window: the caller then rescans with a bigger window. Never true when eof or !may_grow.
  bool ScanAscii(std::string_view text, uint64_t base, uint64_t limit, bool eof, bool may_grow,
                 ScanState& state, std::vector<Identifier>& out) const {
    size_t pos = static_cast<size_t>(state.ascii_pos - base);
    const size_t n = text.size();
    re2::StringPiece whole(text.data(), n);
    re2::StringPiece groups[1];
    while (pos < n) {
      if (!re->Match(whole, pos, n, RE2::UNANCHORED, groups, 1)) {
        pos = n;
        break;
      }
      const size_t start = static_cast<size_t>(groups[0].data() - text.data());
      if (base + start >= limit) break;
      size_t end = start + groups[0].size();
      if (!eof && may_grow && end + kGrowMargin > n) {
        state.ascii_pos = base + pos;
        return true;
      }
      const int which = Classify(text.substr(start, end - start));
      if (which == kGroupIban) {
        // An IBAN candidate may run on into following capitals ("... 32 THEN DE89..."): the
        // chain resumes after the IBAN found, or after the candidate's first word.
        end = start + HandleIban(text.substr(start, end - start), base + start, out);
      } else if (which == kGroupNumber && end < n && text[end] == '@') {
        // "... 4111 1111 1111 1111 9876543210@ybl": the digits before '@' start an e-mail or
        // UPI candidate, so the number ends before them and the chain resumes there.
        size_t local = end;
        while (local > start && IsEmailLocalChar(text[local - 1])) --local;
        if (local > start) Handle(which, text, start, local, base, out);
        end = local;
      } else {
        Handle(which, text, start, end, base, out);
      }
      pos = end > start ? end : start + 1;
    }
    state.ascii_pos = eof ? base + n : std::max<uint64_t>(base + pos, limit);
    return false;
  }

  // Which alternative of kPattern produced the match `m`. Asking RE2 for the capture groups costs
  // 3x the search itself, and the alternatives differ in their first characters: URL prefixes,
  // '@' (only e-mails contain it), "0x", "bc1"/"tb1", two capitals and two digits (IBAN),
  // a Base58 run from '1' or '3', else a number.
  static int Classify(std::string_view m) {
    auto starts_ci = [&](std::string_view prefix) {
      if (m.size() < prefix.size()) return false;
      for (size_t i = 0; i < prefix.size(); ++i) {
        if (Lower(m[i]) != prefix[i]) return false;
      }
      return true;
    };
    for (std::string_view p : {"http://", "https://", "ftp://", "www.", "t.me/", "telegram.me/", "wa.me/",
                               "chat.whatsapp.com/", "discord.gg/", "signal.group/"}) {
      if (starts_ci(p)) return kGroupUrl;
    }
    if (m.find('@') != std::string_view::npos) return kGroupEmail;
    if (m.size() > 2 && m[0] == '0' && (m[1] == 'x' || m[1] == 'X')) return kGroupEth;
    if (starts_ci("bc1") || starts_ci("tb1")) return kGroupBech32;
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (m.size() >= 4 && upper(m[0]) && upper(m[1]) && IsDigit(m[2]) && IsDigit(m[3])) return kGroupIban;
    if (m.size() >= 26 && (m[0] == '1' || m[0] == '3') &&
        std::all_of(m.begin(), m.end(), [](char c) { return IsAlnum(static_cast<uint8_t>(c)) && c != '0' && c != 'O' && c != 'I' && c != 'l'; })) {
      return kGroupBase58;
    }
    return kGroupNumber;
  }

  void Handle(int which, std::string_view text, size_t start, size_t end, uint64_t base,
              std::vector<Identifier>& out) const {
    const std::string_view m = text.substr(start, end - start);
    switch (which) {
      case kGroupUrl: return HandleUrl(m, base + start, out);
      case kGroupEmail: return HandleEmail(m, base + start, out);
      case kGroupEth: return HandleEth(m, base + start, out);
      case kGroupBech32: return HandleBech32(m, base + start, out);
      case kGroupBase58: return HandleBase58(m, base + start, out);
      case kGroupNumber: {
        const bool glued = start > 0 && IsDigit(m[0]) && IsAlnum(static_cast<uint8_t>(text[start - 1]));
        if (!glued) HandleNumber(m, base + start, out);
        return;
      }
      default: return;
    }
  }

  static Identifier Make(IdentifierKind kind, std::string_view value, uint64_t offset) {
    Identifier id;
    id.kind = kind;
    id.offset = offset;
    id.length = value.size();
    id.value = std::string(value);
    return id;
  }

  void HandleUrl(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    if (!Want(IdentifierKind::kUrl)) return;
    if (m.size() > kMaxCandidateBytes) m = m.substr(0, kMaxCandidateBytes);
    // Trailing sentence punctuation is not part of the URL; ')' only when unbalanced.
    while (!m.empty()) {
      const char c = m.back();
      if (std::strchr(".,;:!?'\"", c) != nullptr) {
        m.remove_suffix(1);
      } else if (c == ')' && std::count(m.begin(), m.end(), '(') < std::count(m.begin(), m.end(), ')')) {
        m.remove_suffix(1);
      } else if (c == ']' && std::count(m.begin(), m.end(), '[') < std::count(m.begin(), m.end(), ']')) {
        m.remove_suffix(1);
      } else {
        break;
      }
    }
    std::string_view rest = m;
    std::string scheme;
    const size_t colon = m.find("://");
    if (colon != std::string_view::npos && colon <= 5) {
      scheme = ToLower(m.substr(0, colon));
      rest = m.substr(colon + 3);
    }
    size_t host_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, host_end == std::string_view::npos ? rest.size() : host_end);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host = authority;
    if (const size_t port = host.find(':'); port != std::string_view::npos) host = host.substr(0, port);
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (!ValidHost(host)) return;
    Identifier id = Make(IdentifierKind::kUrl, m, offset);
    id.host = ToLower(host);
    // Normalized: lower-case scheme and host, the rest as written; "http://" when none written.
    const size_t host_pos = static_cast<size_t>(host.data() - rest.data());
    std::string tail(rest.substr(host_pos + host.size()));
    std::string before(rest.substr(0, host_pos));
    id.normalized = (scheme.empty() ? std::string("http") : scheme) + "://" + before + id.host + tail;
    SetPlatform(id);
    out.push_back(std::move(id));
  }

  void HandleEmail(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    // Leading dots are never part of a local part.
    while (!m.empty() && m.front() == '.') {
      m.remove_prefix(1);
      ++offset;
    }
    // The local part is at most 64 characters: keep the last 64 before '@'.
    if (const size_t at = m.find('@'); at != std::string_view::npos && at > 64) {
      offset += at - 64;
      m.remove_prefix(at - 64);
      while (!m.empty() && m.front() == '.') {
        m.remove_prefix(1);
        ++offset;
      }
    }
    const size_t at = m.find('@');
    if (at == 0 || at == std::string_view::npos) return;
    std::string_view local = m.substr(0, at);
    std::string_view domain = m.substr(at + 1);
    while (!domain.empty() && (domain.back() == '-' || domain.back() == '.')) domain.remove_suffix(1);
    if (domain.find('.') == std::string_view::npos) {
      HandleUpi(local, domain, offset, out);
      return;
    }
    if (!Want(IdentifierKind::kEmail) || local.back() == '.' || !ValidHost(domain)) return;
    const std::string_view value = m.substr(0, at + 1 + domain.size());
    Identifier id = Make(IdentifierKind::kEmail, value, offset);
    id.host = ToLower(domain);
    id.normalized = std::string(local) + "@" + id.host;
    SetPlatform(id);
    out.push_back(std::move(id));
  }

  void HandleUpi(std::string_view local, std::string_view handle, uint64_t offset,
                 std::vector<Identifier>& out) const {
    if (!Want(IdentifierKind::kUpi) || local.size() < 2 || handle.empty() || handle.size() > 64) return;
    if (local.find_first_of("%+") != std::string_view::npos) return;
    const std::string lower_handle = ToLower(handle);
    const auto psp = LookupUpiHandle(lower_handle);
    if (!psp) return;
    Identifier id = Make(IdentifierKind::kUpi, std::string(local) + "@" + std::string(handle), offset);
    id.normalized = ToLower(local) + "@" + lower_handle;
    id.detail = std::string(*psp);
    // A handle that is an Indian mobile number (10 digits from 6-9, optionally 91 before) is a
    // phone link.
    std::string_view digits = local;
    if (digits.size() == 12 && digits.substr(0, 2) == "91") digits.remove_prefix(2);
    if (digits.size() == 10 && std::all_of(digits.begin(), digits.end(), IsDigit) && digits[0] >= '6') {
      id.e164 = "+91" + std::string(digits);
      id.region = "IN";
      id.country = Country("IN");
    }
    out.push_back(std::move(id));
  }

  void HandleEth(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    if (!Want(IdentifierKind::kEth) || m.size() != 42) return;
    const EthChecksum c = CheckEthAddress(m);
    if (c == EthChecksum::kInvalid) return;
    Identifier id = Make(IdentifierKind::kEth, m, offset);
    id.normalized = Eip55(m);
    id.checksum = c == EthChecksum::kValid ? "valid" : "unchecksummed";
    out.push_back(std::move(id));
  }

  void HandleBech32(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    if (!Want(IdentifierKind::kBtc) || m.size() > 90) return;
    const auto a = DecodeSegwitAddress(m);
    if (!a) return;
    Identifier id = Make(IdentifierKind::kBtc, m, offset);
    id.normalized = ToLower(m);
    id.checksum = "valid";
    id.detail = std::string(BtcAddressTypeName(a->type)) + (a->testnet ? " testnet" : "");
    out.push_back(std::move(id));
  }

  void HandleBase58(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    if (!Want(IdentifierKind::kBtc) || m.size() > 35) return;
    const auto a = DecodeBase58Address(m);
    if (!a || a->testnet) return;
    Identifier id = Make(IdentifierKind::kBtc, m, offset);
    id.normalized = std::string(m);
    id.checksum = "valid";
    id.detail = std::string(BtcAddressTypeName(a->type));
    out.push_back(std::move(id));
  }

  // Returns how many bytes of `m` the chain consumes.
  size_t HandleIban(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    const size_t first_word = std::min(m.size(), m.find(' '));
    if (!Want(IdentifierKind::kIban)) return first_word;
    const int want = IbanLength(m.substr(0, 2));
    if (want == 0) return first_word;
    // Take exactly the registered number of characters; the IBAN must end at a group border.
    std::string compact;
    size_t i = 0;
    for (; i < m.size() && static_cast<int>(compact.size()) < want; ++i) {
      if (m[i] != ' ') compact.push_back(m[i]);
    }
    if (static_cast<int>(compact.size()) != want || (i < m.size() && m[i] != ' ')) return first_word;
    if (!IbanValid(compact)) return first_word;
    Identifier id = Make(IdentifierKind::kIban, m.substr(0, i), offset);
    id.normalized = compact;
    id.region = compact.substr(0, 2);
    id.country = Country(id.region);
    id.checksum = "valid";
    out.push_back(std::move(id));
    return i;
  }

  void HandleNumber(std::string_view m, uint64_t offset, std::vector<Identifier>& out) const {
    // Cards: runs of digits with single spaces or dashes between groups.
    std::vector<std::pair<size_t, size_t>> cards;
    if (Want(IdentifierKind::kCard)) {
      size_t i = 0;
      while (i < m.size()) {
        if (!IsDigit(m[i])) {
          ++i;
          continue;
        }
        size_t j = i;
        std::string digits;
        while (j < m.size()) {
          if (IsDigit(m[j])) {
            digits.push_back(m[j++]);
          } else if ((m[j] == ' ' || m[j] == '-') && j + 1 < m.size() && IsDigit(m[j + 1])) {
            ++j;
          } else {
            break;
          }
        }
        if (digits.size() >= 13 && digits.size() <= 19 && LuhnValid(digits)) {
          if (auto issuer = CardIssuer(digits)) {
            Identifier id = Make(IdentifierKind::kCard, m.substr(i, j - i), offset + i);
            id.normalized = digits;
            id.checksum = "valid";
            id.detail = std::string(*issuer);
            out.push_back(std::move(id));
            cards.emplace_back(i, j);
          }
        }
        i = j;
      }
    }
    if (!Want(IdentifierKind::kPhone)) return;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    // Segments between card numbers; in each, digit groups are tried greedily from the left: the
    // longest run of whole groups (7..17 digits) that libphonenumber parses as a valid number
    // (PhoneNumberUtil::Parse + IsValidNumber) is a phone; otherwise the first group is skipped.
    // Without a default region only numbers written with '+' are tried.
    std::vector<std::pair<size_t, size_t>> segments;
    size_t seg_start = 0;
    for (const auto& c : cards) {
      segments.emplace_back(seg_start, c.first);
      seg_start = c.second;
    }
    segments.emplace_back(seg_start, m.size());
    for (const auto& [sb, se] : segments) {
      // Digit groups in [sb, se): (start, end) of each maximal digit run.
      std::vector<std::pair<size_t, size_t>> g;
      for (size_t i = sb; i < se;) {
        if (!IsDigit(m[i])) {
          ++i;
          continue;
        }
        size_t j = i;
        while (j < se && IsDigit(m[j])) ++j;
        g.emplace_back(i, j);
        i = j;
      }
      size_t first = 0;
      while (first < g.size()) {
        // Where the number's text starts: a '+' or '(' right before the first group belongs to it.
        size_t text_start = g[first].first;
        while (text_start > sb && (m[text_start - 1] == '+' || m[text_start - 1] == '(')) --text_start;
        const bool plus = m[text_start] == '+';
        bool found = false;
        if (plus || phone_region != "ZZ") {
          size_t digits = 0, last = first;
          while (last < g.size() && digits + (g[last].second - g[last].first) <= 17) {
            digits += g[last].second - g[last].first;
            ++last;
          }
          for (; last > first; --last) {
            size_t nd = 0;
            for (size_t k = first; k < last; ++k) nd += g[k].second - g[k].first;
            if (nd < 7) break;
            const std::string_view raw = m.substr(text_start, g[last - 1].second - text_start);
            const PhoneVerdict& verdict = CheckPhone(util, raw);
            if (!verdict.valid) continue;
            Identifier id = Make(IdentifierKind::kPhone, raw, offset + text_start);
            id.e164 = verdict.e164;
            id.normalized = verdict.e164;
            id.region = verdict.region;
            id.country = Country(id.region);
            out.push_back(std::move(id));
            first = last;
            found = true;
            break;
          }
        }
        if (!found) ++first;
      }
    }
  }

  // UTF-16LE: runs of at least kMinUtf16Chars ASCII characters each followed by 0x00, cut into
  // pieces of at most kUtf16PieceChars characters, decoded and scanned like ASCII text.
  static constexpr size_t kUtf16PieceChars = 3072;
  static_assert(2 * kUtf16PieceChars + 2 < kChunkOverlap);

  void ScanUtf16(std::span<const uint8_t> buf, uint64_t base, uint64_t limit, bool eof,
                 ScanState& state, std::vector<Identifier>& out) const {
    const size_t n = buf.size();
    const uint8_t* p = buf.data();
    size_t q = static_cast<size_t>(state.utf16_pos - base);
    uint64_t resume = limit;
    std::string decoded;
    std::vector<Identifier> hits;
    while (q + 1 < n) {
      const void* z = std::memchr(p + q + 1, 0, n - q - 1);
      if (z == nullptr) break;
      const size_t r = static_cast<size_t>(static_cast<const uint8_t*>(z) - p) - 1;
      if (base + r >= limit) break;
      if (!IsUtf16Char(p[r])) {
        q = r + 2;
        continue;
      }
      size_t e = r;
      while (e + 1 < n && p[e + 1] == 0 && IsUtf16Char(p[e]) && (e - r) / 2 < kUtf16PieceChars) e += 2;
      const size_t chars = (e - r) / 2;
      if (chars < ExtractOptions::kMinUtf16Chars) {
        q = r + 1;
        continue;
      }
      decoded.resize(chars);
      for (size_t k = 0; k < chars; ++k) decoded[k] = static_cast<char>(p[r + 2 * k]);
      ScanState piece_state;
      hits.clear();
      (void)ScanAscii(decoded, 0, chars, true, false, piece_state, hits);
      for (Identifier& id : hits) {
        id.offset = base + r + 2 * id.offset;
        id.length *= 2;
        id.encoding = TextEncoding::kUtf16le;
        out.push_back(std::move(id));
      }
      q = e;
      resume = std::max<uint64_t>(resume, base + e);
    }
    state.utf16_pos = eof ? base + n : resume;
  }

  // True when the window must be grown (see ScanAscii); UTF-16 and streams are then scanned
  // next time.
  bool ScanWindow(std::span<const uint8_t> buf, uint64_t base, uint64_t limit, bool eof, bool may_grow,
                  ScanState& state, std::vector<Identifier>& out, const Reread* reread = nullptr) const {
    const std::string_view text(reinterpret_cast<const char*>(buf.data()), buf.size());
    if (ScanAscii(text, base, limit, eof, may_grow, state, out)) return true;
    if (options.scan_utf16) {
      ScanUtf16(buf, base, limit, eof, state, out);
    } else {
      state.utf16_pos = state.ascii_pos;
    }
    if (!options.decode_streams) return false;
    // Signatures up to where the next window starts (one byte before both resume points).
    const uint64_t done = std::min(state.ascii_pos, state.utf16_pos);
    const uint64_t to = eof ? base + buf.size() : std::min<uint64_t>(base + buf.size(), std::max<uint64_t>(limit, done > 0 ? done - 1 : 0));
    if (state.decode_pos < to) {
      DecodeStreams(buf, base, static_cast<size_t>(state.decode_pos - base), static_cast<size_t>(to - base), eof,
                    reread, out);
      state.decode_pos = to;
    }
    return false;
  }

  // The streams whose signatures start in buf[from, to) (buf starts at absolute offset `base`):
  // each is decoded and handled with its own budget of decoded bytes. A stream cut by the window's
  // end is read again from `reread` when there is more input.
  void DecodeStreams(std::span<const uint8_t> buf, uint64_t base, size_t from, size_t to, bool eof,
                     const Reread* reread, std::vector<Identifier>& out) const {
    const DecodeLimits& limits = options.decode_limits;
    ForEachStreamSignature(buf, from, to, [&](size_t at, StreamKind kind) {
      std::optional<DecodedStream> d = DecodeStream(buf, at, kind, limits);
      if (d && d->input_ended && !eof && reread != nullptr) {
        const std::vector<uint8_t> more = (*reread)(base + at);
        if (!more.empty()) d = DecodeStream(more, 0, kind, limits);
      }
      if (!d) return;
      size_t budget = limits.max_total_decoded_bytes;
      HandleDecoded(*d, std::to_string(base + at) + "-" + std::string(StreamTag(kind)) + "-", base + at, 1, budget,
                    out);
    });
  }

  // Scans a decoded stream (its identifiers get forensic paths `prefix` + offset and the input
  // offset `container`), then its Office XML text and the streams inside it, to max_depth.
  void HandleDecoded(DecodedStream& d, const std::string& prefix, uint64_t container, int depth, size_t& budget,
                     std::vector<Identifier>& out) const {
    if (d.bytes.size() > budget) d.bytes.resize(budget);
    budget -= d.bytes.size();
    if (d.bytes.empty()) return;
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(d.bytes.data()), d.bytes.size());
    ScanState state;
    std::vector<Identifier> hits;
    (void)ScanAscii(d.bytes, 0, bytes.size(), true, false, state, hits);
    if (options.scan_utf16) ScanUtf16(bytes, 0, bytes.size(), true, state, hits);
    std::stable_sort(hits.begin(), hits.end(), [](const Identifier& a, const Identifier& b) { return a.offset < b.offset; });
    for (Identifier& id : hits) {
      id.decoded_context = FeatureContext(bytes, 0, id);
      id.forensic_path = prefix + std::to_string(id.offset);
      id.offset = container;
      out.push_back(std::move(id));
    }
    if (d.kind == StreamKind::kMsxml) return;  // a text view: nothing nested in it
    if (std::optional<DecodedStream> xml = DecodeStream(bytes, 0, StreamKind::kMsxml)) {
      HandleDecoded(*xml, prefix + "0-MSXML-", container, depth, budget, out);
    }
    if (depth >= std::min(options.decode_limits.max_depth, kMaxDecodeDepth)) return;
    ForEachStreamSignature(bytes, 0, bytes.size(), [&](size_t at, StreamKind kind) {
      if (budget == 0) return;
      std::optional<DecodedStream> inner = DecodeStream(bytes, at, kind, options.decode_limits);
      if (!inner) return;
      HandleDecoded(*inner, prefix + std::to_string(at) + "-" + std::string(StreamTag(kind)) + "-", container,
                    depth + 1, budget, out);
    });
  }
  static constexpr int kMaxDecodeDepth = 16;  // whatever the options say (stack depth)
};

namespace {
// Forensic paths in reading order: "-"-separated parts, numbers compared as numbers.
bool PathBefore(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const size_t ea = std::min(a.find('-'), a.size()), eb = std::min(b.find('-'), b.size());
    const std::string_view pa = a.substr(0, ea), pb = b.substr(0, eb);
    if (pa != pb) {
      const bool na = !pa.empty() && IsDigit(pa[0]), nb = !pb.empty() && IsDigit(pb[0]);
      if (na && nb && pa.size() != pb.size()) return pa.size() < pb.size();
      return pa < pb;
    }
    a.remove_prefix(std::min(a.size(), ea + 1));
    b.remove_prefix(std::min(b.size(), eb + 1));
  }
  return a.empty() && !b.empty();
}

bool ByOffset(const Identifier& a, const Identifier& b) {
  if (a.offset != b.offset) return a.offset < b.offset;
  if (a.forensic_path != b.forensic_path) return PathBefore(a.forensic_path, b.forensic_path);
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.length < b.length;
}
}  // namespace

Result<Extractor> Extractor::Create(ExtractOptions options) {
  SilenceLibphonenumber();
  auto impl = std::make_unique<Impl>();
  for (char& c : options.default_region) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (!options.default_region.empty()) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    if (!regions.count(options.default_region)) {
      return Status::InvalidArgument("unknown default region '" + options.default_region +
                                     "' (use an ISO 3166 code such as IN, GB, US)");
    }
  }
  impl->phone_region = options.default_region.empty() ? "ZZ" : options.default_region;
  for (const char* const* code = icu::Locale::getISOCountries(); *code != nullptr; ++code) {
    std::string name = IcuCountryName(*code);
    if (!name.empty()) impl->country_names.emplace(*code, std::move(name));
  }
  if (!impl->country_names.count("XK")) impl->country_names.emplace("XK", "Kosovo");
  impl->options = std::move(options);
  RE2::Options re_options;
  re_options.set_encoding(RE2::Options::EncodingLatin1);
  re_options.set_log_errors(false);
  re_options.set_max_mem(int64_t{64} << 20);
  impl->re = std::make_unique<RE2>(kPattern, re_options);
  CAIRN_ASSERT(impl->re->ok());
  CAIRN_ASSERT(impl->re->NumberOfCapturingGroups() == kGroupCount - 1);
  return Extractor(std::move(impl));
}

Extractor::Extractor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;
Extractor::~Extractor() = default;

const ExtractOptions& Extractor::options() const { return impl_->options; }

std::vector<Identifier> Extractor::Extract(std::span<const uint8_t> bytes, uint64_t base_offset) const {
  std::vector<Identifier> out;
  Impl::ScanState state{base_offset, base_offset, base_offset};
  (void)impl_->ScanWindow(bytes, base_offset, base_offset + bytes.size(), true, false, state, out);
  std::stable_sort(out.begin(), out.end(), ByOffset);
  return out;
}

std::vector<Identifier> Extractor::Extract(std::string_view text, uint64_t base_offset) const {
  return Extract(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                 base_offset);
}

Status Extractor::ExtractFile(const std::filesystem::path& path, const IdentifierSink& sink,
                              size_t chunk_bytes) const {
  CAIRN_ASSIGN_OR_RETURN(ReadOnlyFile file, ReadOnlyFile::Open(path));
  constexpr size_t kMaxWindow = size_t{64} << 20;
  chunk_bytes = std::max(chunk_bytes, 2 * kChunkOverlap);
  size_t window_bytes = chunk_bytes;
  std::vector<uint8_t> buf;
  Impl::ScanState state;
  std::vector<Identifier> pending, hits;
  uint64_t window = 0;
  // A stream that runs past the window is read again from its signature on.
  const Impl::Reread reread = [&](uint64_t offset) {
    std::vector<uint8_t> more;
    if (offset >= file.size()) return more;
    more.resize(static_cast<size_t>(std::min<uint64_t>(file.size() - offset, options().decode_limits.max_input_bytes)));
    size_t got = 0;
    while (got < more.size()) {
      auto r = file.ReadAt(offset + got, std::span<uint8_t>(more).subspan(got));
      if (!r.ok() || *r == 0) break;
      got += *r;
    }
    more.resize(got);
    return more;
  };
  while (true) {
    buf.resize(window_bytes);
    size_t n = 0;
    while (n < buf.size()) {
      CAIRN_ASSIGN_OR_RETURN(size_t got, file.ReadAt(window + n, std::span<uint8_t>(buf).subspan(n)));
      if (got == 0) break;
      n += got;
    }
    const bool eof = n < buf.size();
    const uint64_t limit = eof ? window + n : window + n - kChunkOverlap;
    hits.clear();
    const bool grow = impl_->ScanWindow(std::span<const uint8_t>(buf.data(), n), window, limit, eof,
                                        window_bytes < kMaxWindow, state, hits, &reread);
    pending.insert(pending.end(), std::make_move_iterator(hits.begin()), std::make_move_iterator(hits.end()));
    std::stable_sort(pending.begin(), pending.end(), ByOffset);
    // Everything before both resume points is final.
    const uint64_t done = std::min(state.ascii_pos, state.utf16_pos);
    size_t emitted = 0;
    while (emitted < pending.size() && (eof && !grow ? true : pending[emitted].offset < done)) {
      sink(pending[emitted++]);
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(emitted));
    if (eof && !grow) break;
    window_bytes = grow ? std::min(window_bytes * 2, kMaxWindow) : chunk_bytes;
    window = done > 0 ? done - 1 : 0;  // one byte of context for \b
  }
  return Status::Ok();
}

}  // namespace cairn::extract
