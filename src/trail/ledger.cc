#include "cairn/trail/ledger.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <unordered_map>

#include "cairn/core/file.h"
#include "cairn/core/hex.h"
#include "cairn/core/time.h"
#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "trail_schema.h"

namespace cairn::trail {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` digits at s[pos..]; false otherwise.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  *out = v;
  return true;
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

Status BadTime(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("bad time '" + std::string(text.substr(0, 40)) + "': " + std::string(why));
}

}  // namespace

std::string_view TimeKindName(TimeKind kind) {
  switch (kind) {
    case TimeKind::kInteger: return "integer";
    case TimeKind::kUtcSeconds: return "utc_seconds";
    case TimeKind::kUnknown: break;
  }
  return "unknown";
}

Result<int64_t> ParseAmount(std::string_view text, int scale) {
  std::string_view s = Trim(text);
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad amount '" + std::string(text.substr(0, 40)) + "': " + std::string(why));
  };
  if (s.empty()) return bad("empty");
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  int64_t value = 0;
  int digits = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    const char c = s[i];
    if (c == ',' || c == '_' || c == ' ') {
      if (digits == 0) return bad("separator before digits");
      continue;
    }
    if (!IsDigit(c)) return bad("not a decimal number");
    if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, c - '0', &value)) {
      return bad("too large");
    }
    ++digits;
  }
  int frac = 0;
  if (i < s.size()) {
    ++i;  // '.'
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (!IsDigit(c)) return bad("not a decimal number");
      if (frac < scale) {
        if (__builtin_mul_overflow(value, 10, &value) ||
            __builtin_add_overflow(value, c - '0', &value)) {
          return bad("too large");
        }
        ++frac;
      } else if (c != '0') {
        return bad("more than " + std::to_string(scale) + " decimal places");
      }
      ++digits;
    }
  }
  if (digits == 0) return bad("no digits");
  for (; frac < scale; ++frac) {
    if (__builtin_mul_overflow(value, 10, &value)) return bad("too large");
  }
  return negative ? -value : value;
}

Result<int64_t> ParseTime(std::string_view text, int default_offset_minutes, TimeKind* kind) {
  std::string_view s = Trim(text);
  if (s.empty()) return BadTime(text, "empty");
  // A bare integer.
  {
    size_t start = (s.front() == '-') ? 1 : 0;
    bool all_digits = s.size() > start;
    for (size_t k = start; k < s.size(); ++k) all_digits = all_digits && IsDigit(s[k]);
    // Eight digits are a YYYYMMDD date when they form one, an integer otherwise.
    int yy = 0, mm8 = 0, dd = 0;
    const bool date8 = s.size() == 8 && Digits(s, 0, 4, &yy) && Digits(s, 4, 2, &mm8) &&
                       Digits(s, 6, 2, &dd) && yy >= 1900 && mm8 >= 1 && mm8 <= 12 && dd >= 1 &&
                       dd <= DaysInMonth(yy, mm8);
    if (all_digits && !date8) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size()) return BadTime(text, "integer out of range");
      *kind = TimeKind::kInteger;
      return v;
    }
  }
  int y = 0, mo = 0, d = 0;
  size_t pos = 0;
  if (s.size() >= 10 && s[4] == '-' && Digits(s, 0, 4, &y) && Digits(s, 5, 2, &mo) &&
      s[7] == '-' && Digits(s, 8, 2, &d)) {
    pos = 10;
  } else if (s.size() >= 10 && (s[2] == '/' || s[2] == '.' || s[2] == '-') && s[5] == s[2] &&
             Digits(s, 0, 2, &d) && Digits(s, 3, 2, &mo) && Digits(s, 6, 4, &y)) {
    pos = 10;
  } else if (s.size() >= 8 && Digits(s, 0, 4, &y) && Digits(s, 4, 2, &mo) && Digits(s, 6, 2, &d)) {
    pos = 8;
  } else {
    return BadTime(text, "expected YYYY-MM-DD, DD/MM/YYYY or an integer");
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return BadTime(text, "no such date");
  int hh = 0, mm = 0, ss = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    if (!Digits(s, pos, 2, &hh) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
        !Digits(s, pos + 3, 2, &mm)) {
      return BadTime(text, "expected HH:MM after the date");
    }
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &ss)) return BadTime(text, "expected seconds");
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        while (pos < s.size() && IsDigit(s[pos])) ++pos;
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return BadTime(text, "no such time of day");
  }
  int offset = default_offset_minutes;
  if (pos < s.size()) {
    std::string_view z = Trim(s.substr(pos));
    if (z == "Z" || z == "UTC" || z == "z") {
      offset = 0;
    } else if (!z.empty() && (z[0] == '+' || z[0] == '-')) {
      int oh = 0, om = 0;
      if (!Digits(z, 1, 2, &oh)) return BadTime(text, "bad zone offset");
      size_t q = 3;
      if (q < z.size() && z[q] == ':') ++q;
      if (q < z.size() && !Digits(z, q, 2, &om)) return BadTime(text, "bad zone offset");
      if (q < z.size() && q + 2 != z.size()) return BadTime(text, "trailing text");
      offset = (oh * 60 + om) * (z[0] == '-' ? -1 : 1);
    } else {
      return BadTime(text, "trailing text (zones are Z or ±HH:MM)");
    }
  }
  *kind = TimeKind::kUtcSeconds;
  return DaysFromCivil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss - int64_t{offset} * 60;
}

std::string FormatTime(int64_t time, TimeKind kind) {
  if (kind != TimeKind::kUtcSeconds) return std::to_string(time);
  int64_t days = time >= 0 ? time / 86400 : -((-time + 86399) / 86400);
  int64_t secs = time - days * 86400;
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m, d,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

Result<ColumnMap> ColumnMap::Parse(std::string_view text) {
  static constexpr std::string_view kKeys[] = {"from", "to", "amount", "time", "currency",
                                               "id", "reference", "type", "date", "debit",
                                               "credit", "counterparty"};
  ColumnMap map;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = Trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) {
      if (comma >= text.size()) break;
      continue;
    }
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("column map item '" + std::string(item) + "' is not key=column");
    }
    std::string key = Lower(Trim(item.substr(0, eq)));
    std::string_view col = Trim(item.substr(eq + 1));
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Status::InvalidArgument("column map: unknown key '" + key +
                                     "' (from,to,amount,time,currency,id,reference,type,date,"
                                     "debit,credit,counterparty)");
    }
    if (col.empty()) return Status::InvalidArgument("column map: key '" + key + "' has no column");
    if (key == "date") key = "time";
    map.columns[key] = std::string(col);
    if (comma >= text.size()) break;
  }
  return map;
}

Result<Preset> ParsePreset(std::string_view name) {
  if (name == "amlsim") return Preset::kAmlsim;
  if (name == "amlsim-v2") return Preset::kAmlsimV2;
  if (name == "bank") return Preset::kBank;
  if (name == "none" || name.empty()) return Preset::kNone;
  return Status::InvalidArgument("unknown preset '" + std::string(name) + "' (amlsim, amlsim-v2, bank, none)");
}

namespace {

std::string_view PresetName(Preset p) {
  switch (p) {
    case Preset::kAmlsim: return "amlsim";
    case Preset::kAmlsimV2: return "amlsim-v2";
    case Preset::kBank: return "bank";
    case Preset::kNone: break;
  }
  return "none";
}

// Candidate header names per key, tried in order (case-insensitive).
std::map<std::string, std::vector<std::string>> PresetColumns(Preset p) {
  switch (p) {
    case Preset::kAmlsim:
      return {{"from", {"sourcenodeid"}}, {"to", {"targetnodeid"}}, {"amount", {"value"}},
              {"time", {"time"}}};
    case Preset::kAmlsimV2:
      return {{"id", {"tran_id"}}, {"from", {"orig_acct"}}, {"to", {"bene_acct"}},
              {"amount", {"base_amt"}}, {"time", {"tran_timestamp"}}, {"type", {"tx_type"}}};
    case Preset::kBank:
      return {{"time", {"date", "transaction date", "txn date", "value date", "posting date"}},
              {"debit", {"debit", "withdrawal", "withdrawals", "paid out", "debit amount"}},
              {"credit", {"credit", "deposit", "deposits", "paid in", "credit amount"}},
              {"counterparty", {"counterparty", "payee", "beneficiary", "party", "name"}},
              {"reference", {"reference", "description", "narration", "details", "particulars", "remarks"}},
              {"currency", {"currency", "ccy"}},
              {"id", {"transaction id", "txn id", "ref no", "reference number"}}};
    case Preset::kNone: break;
  }
  return {};
}

char GuessSeparator(std::string_view bytes) {
  std::string_view first = bytes.substr(0, bytes.find('\n'));
  size_t best = 0;
  char sep = ',';
  for (char c : {',', '\t', ';', '|'}) {
    size_t n = static_cast<size_t>(std::count(first.begin(), first.end(), c));
    if (n > best) {
      best = n;
      sep = c;
    }
  }
  return sep;
}

// Splits the record starting at `pos` into fields; returns false at end of input. `line` is the
// 1-based line of the record start on entry and is advanced past its newlines.
class RecordReader {
 public:
  RecordReader(std::string_view bytes, char sep, std::deque<std::string>* owned)
      : bytes_(bytes), sep_(sep), owned_(owned) {
    if (bytes_.size() >= 3 && std::memcmp(bytes_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  }

  bool Next(std::vector<std::string_view>* fields, uint64_t* line, std::string* error) {
    fields->clear();
    error->clear();
    if (pos_ >= bytes_.size()) return false;
    *line = line_;
    const char* data = bytes_.data();
    const size_t n = bytes_.size();
    while (true) {
      if (pos_ < n && data[pos_] == '"') {
        // Quoted field: "" is an escaped quote; newlines allowed inside.
        size_t start = ++pos_;
        bool escaped = false;
        while (true) {
          if (pos_ >= n) {
            *error = "unterminated quoted field";
            fields->emplace_back(data + start, pos_ - start);
            return true;
          }
          char c = data[pos_];
          if (c == '"') {
            if (pos_ + 1 < n && data[pos_ + 1] == '"') {
              escaped = true;
              pos_ += 2;
              continue;
            }
            break;
          }
          if (c == '\n') ++line_;
          ++pos_;
        }
        std::string_view raw(data + start, pos_ - start);
        ++pos_;  // closing quote
        if (escaped) {
          std::string un;
          un.reserve(raw.size());
          for (size_t k = 0; k < raw.size(); ++k) {
            un += raw[k];
            if (raw[k] == '"' && k + 1 < raw.size() && raw[k + 1] == '"') ++k;
          }
          owned_->push_back(std::move(un));
          raw = owned_->back();
        }
        fields->push_back(raw);
        // Skip anything up to the separator or end of line (lenient).
        while (pos_ < n && data[pos_] != sep_ && data[pos_] != '\n') ++pos_;
      } else {
        size_t start = pos_;
        while (pos_ < n && data[pos_] != sep_ && data[pos_] != '\n') ++pos_;
        size_t end = pos_;
        if (end > start && data[end - 1] == '\r' && (pos_ >= n || data[pos_] == '\n')) --end;
        fields->emplace_back(data + start, end - start);
      }
      if (pos_ >= n) return true;
      if (data[pos_] == '\n') {
        ++pos_;
        ++line_;
        return true;
      }
      ++pos_;  // separator
    }
  }

 private:
  std::string_view bytes_;
  char sep_;
  std::deque<std::string>* owned_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
};

struct RowKeyHash {
  size_t operator()(const LedgerRow& r) const {
    std::hash<std::string_view> h;
    size_t v = h(r.id);
    if (r.id.empty()) {
      v ^= h(r.from) * 0x9E3779B97F4A7C15ull;
      v ^= h(r.to) + 0x632BE59BD9B4E019ull + (v << 6) + (v >> 2);
      v ^= std::hash<int64_t>()(r.amount) + 0x85EBCA77C2B2AE63ull + (v << 6) + (v >> 2);
      v ^= std::hash<int64_t>()(r.time) + 0xC2B2AE3D27D4EB4Full + (v << 6) + (v >> 2);
      v ^= h(r.currency) + (v << 6) + (v >> 2);
      v ^= h(r.reference) + (v << 6) + (v >> 2);
    }
    return v;
  }
};

bool SameKey(const LedgerRow& a, const LedgerRow& b) {
  if (!a.id.empty() || !b.id.empty()) return a.id == b.id;
  return a.from == b.from && a.to == b.to && a.amount == b.amount && a.time == b.time &&
         a.currency == b.currency && a.reference == b.reference;
}

void MarkDuplicates(ParsedLedger* ledger) {
  const size_t n = ledger->rows.size();
  std::vector<std::pair<uint64_t, uint32_t>> keys(n);
  RowKeyHash hasher;
  for (size_t i = 0; i < n; ++i) keys[i] = {hasher(ledger->rows[i]), static_cast<uint32_t>(i)};
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && keys[j].first == keys[i].first) ++j;
    for (size_t a = i + 1; a < j; ++a) {
      LedgerRow& later = ledger->rows[keys[a].second];
      for (size_t b = i; b < a; ++b) {
        const LedgerRow& earlier = ledger->rows[keys[b].second];
        if (earlier.duplicate_of_line == 0 && earlier.possible_duplicate_of_line == 0 &&
            SameKey(earlier, later)) {
          if (later.id.empty()) {
            later.possible_duplicate_of_line = static_cast<int64_t>(earlier.line);
            ++ledger->possible_duplicates;
          } else {
            later.duplicate_of_line = static_cast<int64_t>(earlier.line);
            ++ledger->duplicates;
          }
          break;
        }
      }
    }
    i = j;
  }
}

}  // namespace

Result<ParsedLedger> ParseLedger(std::string_view bytes, const IngestOptions& options) {
  ParsedLedger out;
  const char sep = options.separator != 0 ? options.separator : GuessSeparator(bytes);
  RecordReader reader(bytes, sep, &out.owned);
  std::vector<std::string_view> fields;
  uint64_t line = 0;
  std::string error;
  std::vector<std::string> header;
  if (options.has_header) {
    if (!reader.Next(&fields, &line, &error)) return Status::Corrupt("empty file: no header line");
    for (std::string_view f : fields) header.push_back(Lower(Trim(f)));
  }
  // Resolve every key to a column index.
  std::map<std::string, std::vector<std::string>> wanted = PresetColumns(options.preset);
  for (const auto& [key, col] : options.map.columns) wanted[key] = {col};
  std::map<std::string, int> index;
  for (const auto& [key, candidates] : wanted) {
    int found = -1;
    for (const std::string& cand : candidates) {
      bool numeric = !cand.empty() && std::all_of(cand.begin(), cand.end(), IsDigit);
      if (numeric) {
        found = std::stoi(cand);
        break;
      }
      const std::string low = Lower(Trim(cand));
      auto it = std::find(header.begin(), header.end(), low);
      if (it != header.end()) {
        found = static_cast<int>(it - header.begin());
        break;
      }
    }
    const bool user_given = options.map.columns.count(key) > 0;
    const bool optional = key == "currency" || key == "id" || key == "reference" || key == "type" ||
                          (options.preset == Preset::kBank && (key == "debit" || key == "credit"));
    if (found < 0 && (user_given || !optional)) {
      std::string have;
      for (const std::string& h : header) have += (have.empty() ? "" : ",") + h;
      return Status::Corrupt("column '" + candidates.front() + "' (for " + key +
                             ") is not in the header: " + have);
    }
    if (found >= 0) index[key] = found;
  }
  auto col = [&](const char* key) { auto it = index.find(key); return it == index.end() ? -1 : it->second; };
  const bool statement = index.count("debit") || index.count("credit") || options.preset == Preset::kBank;
  if (statement) {
    if (options.statement_account.empty()) {
      return Status::InvalidArgument("a bank statement needs the holder's account (--account)");
    }
    if (col("counterparty") < 0 || col("time") < 0 ||
        (col("debit") < 0 && col("credit") < 0 && col("amount") < 0)) {
      return Status::Corrupt("a statement needs date, counterparty and debit/credit (or amount) columns");
    }
  } else {
    for (const char* key : {"from", "to", "amount", "time"}) {
      if (col(key) < 0) return Status::InvalidArgument(std::string("no column mapped for '") + key + "'");
    }
  }
  const int c_from = col("from"), c_to = col("to"), c_amount = col("amount"), c_time = col("time"),
            c_currency = col("currency"), c_id = col("id"), c_ref = col("reference"),
            c_type = col("type"), c_debit = col("debit"), c_credit = col("credit"),
            c_party = col("counterparty");
  int max_col = 0;
  for (const auto& [k, v] : index) max_col = std::max(max_col, v);
  const std::string_view holder = options.statement_account;
  const std::string_view default_currency = options.default_currency;

  out.rows.reserve(bytes.size() / 40);
  while (reader.Next(&fields, &line, &error)) {
    if (fields.size() == 1 && Trim(fields[0]).empty()) continue;  // blank line
    auto bad = [&](std::string msg) { out.bad_rows.push_back({line, std::move(msg)}); };
    if (!error.empty()) {
      bad(error);
      continue;
    }
    if (static_cast<int>(fields.size()) <= max_col) {
      bad("expected at least " + std::to_string(max_col + 1) + " fields, found " +
          std::to_string(fields.size()));
      continue;
    }
    LedgerRow row;
    row.line = line;
    TimeKind kind = TimeKind::kUnknown;
    auto t = ParseTime(fields[c_time], options.default_offset_minutes, &kind);
    if (!t.ok()) {
      bad(t.status().message());
      continue;
    }
    if (out.time_kind == TimeKind::kUnknown) out.time_kind = kind;
    if (kind != out.time_kind) {
      bad("time '" + std::string(fields[c_time]) + "' mixes integer steps and calendar times");
      continue;
    }
    row.time = *t;
    if (c_id >= 0) row.id = Trim(fields[c_id]);
    if (c_ref >= 0) row.reference = Trim(fields[c_ref]);
    if (c_type >= 0) row.type = Trim(fields[c_type]);
    row.currency = c_currency >= 0 ? Trim(fields[c_currency]) : default_currency;
    if (statement) {
      std::string_view party = Trim(fields[c_party]);
      if (party.empty()) {
        bad("no counterparty");
        continue;
      }
      int64_t debit = 0, credit = 0;
      bool any = false;
      for (auto [c, dst] : {std::pair{c_debit, &debit}, std::pair{c_credit, &credit}}) {
        if (c < 0 || Trim(fields[c]).empty()) continue;
        auto a = ParseAmount(fields[c], options.amount_scale);
        if (!a.ok()) {
          bad(a.status().message());
          any = false;
          dst = nullptr;
          break;
        }
        *dst = *a < 0 ? -*a : *a;
        any = true;
      }
      if (!any && c_amount >= 0 && !Trim(fields[c_amount]).empty()) {
        auto a = ParseAmount(fields[c_amount], options.amount_scale);
        if (!a.ok()) {
          bad(a.status().message());
          continue;
        }
        (*a < 0 ? debit : credit) = *a < 0 ? -*a : *a;
        any = true;
      }
      if (!any) {
        if (out.bad_rows.empty() || out.bad_rows.back().line != line) bad("no debit or credit amount");
        continue;
      }
      if ((debit != 0) == (credit != 0)) {
        bad("exactly one of debit and credit must be non-zero");
        continue;
      }
      row.amount = debit != 0 ? debit : credit;
      row.from = debit != 0 ? holder : party;
      row.to = debit != 0 ? party : holder;
    } else {
      row.from = Trim(fields[c_from]);
      row.to = Trim(fields[c_to]);
      if (row.from.empty() || row.to.empty()) {
        bad("empty account");
        continue;
      }
      auto a = ParseAmount(fields[c_amount], options.amount_scale);
      if (!a.ok()) {
        bad(a.status().message());
        continue;
      }
      if (*a < 0) {
        bad("negative amount (map the columns so money flows from → to)");
        continue;
      }
      row.amount = *a;
    }
    out.rows.push_back(row);
  }
  MarkDuplicates(&out);
  return out;
}

Status EnsureTrailSchema(store::Case& c) {
  return store::ApplyMigrations(c.db(), "trail", kTrailMigrations);
}

namespace {

std::string Sha256Hex(std::string_view bytes) {
  std::array<uint8_t, 32> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  return ToHex(md);
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<IngestReport> IngestFile(store::Case& c, const std::filesystem::path& path,
                                const IngestOptions& options) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  auto ctx = [&](const Status& s) { return s.WithContext(path.string()); };
  auto bytes_or = ReadWholeFile(path, uint64_t{64} << 30);
  if (!bytes_or.ok()) return bytes_or.status().WithContext(path.string());
  const std::vector<uint8_t>& raw = *bytes_or;
  std::string_view bytes(reinterpret_cast<const char*>(raw.data()), raw.size());
  IngestReport report;
  report.path = path;
  report.sha256 = Sha256Hex(bytes);
  store::Database& db = c.db();
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare("SELECT file_id FROM trail_files WHERE sha256=?"));
    CAIRN_RETURN_IF_ERROR(q.BindText(1, report.sha256));
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      report.file_id = q.ColumnInt(0);
      report.already_ingested = true;
      return report;
    }
  }
  auto parsed_or = ParseLedger(bytes, options);
  if (!parsed_or.ok()) return ctx(parsed_or.status());
  ParsedLedger& parsed = *parsed_or;
  report.rows = parsed.rows.size();
  report.duplicates = parsed.duplicates;
  report.possible_duplicates = parsed.possible_duplicates;
  report.time_kind = parsed.time_kind;
  report.bad_rows = std::move(parsed.bad_rows);

  // One big transaction must not spill dirty pages to the WAL mid-way (every later read of a
  // spilled page then searches the WAL): give the page cache room for the whole file's rows
  // (the database grows by about the CSV's size), between 256 MiB and 4 GiB.
  {
    const uint64_t kib = std::clamp<uint64_t>(raw.size() / 1024 * 3 / 2 + 65536, 262144, 4194304);
    CAIRN_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size=-" + std::to_string(kib) + "; PRAGMA temp_store=MEMORY"));
  }
  CAIRN_ASSIGN_OR_RETURN(store::Transaction txn, store::Transaction::Begin(db));
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement f, db.Prepare(
        "INSERT INTO trail_files(path, sha256, preset, time_kind, rows, duplicates, bad_rows, "
        "ingested_utc, statement_account, possible_duplicates) VALUES(?,?,?,?,?,?,?,?,?,?)"));
    CAIRN_RETURN_IF_ERROR(f.BindText(1, path.string()));
    CAIRN_RETURN_IF_ERROR(f.BindText(2, report.sha256));
    CAIRN_RETURN_IF_ERROR(f.BindText(3, PresetName(options.preset)));
    CAIRN_RETURN_IF_ERROR(f.BindText(4, TimeKindName(report.time_kind)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(5, static_cast<int64_t>(report.rows)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(6, static_cast<int64_t>(report.duplicates)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(10, static_cast<int64_t>(report.possible_duplicates)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(7, static_cast<int64_t>(report.bad_rows.size())));
    CAIRN_RETURN_IF_ERROR(f.BindText(8, UtcNow()));
    CAIRN_RETURN_IF_ERROR(options.statement_account.empty() ? f.BindNull(9)
                                                            : f.BindText(9, options.statement_account));
    CAIRN_RETURN_IF_ERROR(ctx(f.Run()));
    report.file_id = db.LastInsertRowId();
  }
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement b, db.Prepare(
        "INSERT INTO trail_bad_rows(file_id, line, message) VALUES(?,?,?)"));
    for (const BadRow& bad : report.bad_rows) {
      CAIRN_RETURN_IF_ERROR(b.BindInt(1, report.file_id));
      CAIRN_RETURN_IF_ERROR(b.BindInt(2, static_cast<int64_t>(bad.line)));
      CAIRN_RETURN_IF_ERROR(b.BindText(3, bad.message));
      CAIRN_RETURN_IF_ERROR(ctx(b.Run()));
    }
  }
  // Account names → ids (existing ones first).
  std::deque<std::string> names;
  std::unordered_map<std::string_view, int64_t> ids;
  ids.reserve(parsed.rows.size() / 2 + 16);
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare("SELECT account_id, name FROM trail_accounts"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      names.emplace_back(q.ColumnText(1));
      ids.emplace(names.back(), q.ColumnInt(0));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(store::Statement add_account, db.Prepare(
      "INSERT INTO trail_accounts(name) VALUES(?)"));
  auto account_id = [&](std::string_view name) -> Result<int64_t> {
    auto it = ids.find(name);
    if (it != ids.end()) return it->second;
    CAIRN_RETURN_IF_ERROR(add_account.BindText(1, name));
    CAIRN_RETURN_IF_ERROR(ctx(add_account.Run()));
    const int64_t id = db.LastInsertRowId();
    names.emplace_back(name);
    ids.emplace(names.back(), id);
    return id;
  };
  CAIRN_ASSIGN_OR_RETURN(store::Statement ins, db.Prepare(
      "INSERT INTO trail_transactions(file_id, line, ext_id, from_account, to_account, "
      "amount_minor, currency, time, reference, tx_type, duplicate_of_line, "
      "possible_duplicate_of_line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
  for (const LedgerRow& r : parsed.rows) {
    CAIRN_ASSIGN_OR_RETURN(int64_t from, account_id(r.from));
    CAIRN_ASSIGN_OR_RETURN(int64_t to, account_id(r.to));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(1, report.file_id));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(2, static_cast<int64_t>(r.line)));
    CAIRN_RETURN_IF_ERROR(r.id.empty() ? ins.BindNull(3) : ins.BindText(3, r.id));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(4, from));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(5, to));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(6, r.amount));
    CAIRN_RETURN_IF_ERROR(ins.BindText(7, r.currency));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(8, r.time));
    CAIRN_RETURN_IF_ERROR(r.reference.empty() ? ins.BindNull(9) : ins.BindText(9, r.reference));
    CAIRN_RETURN_IF_ERROR(r.type.empty() ? ins.BindNull(10) : ins.BindText(10, r.type));
    CAIRN_RETURN_IF_ERROR(r.duplicate_of_line == 0 ? ins.BindNull(11) : ins.BindInt(11, r.duplicate_of_line));
    CAIRN_RETURN_IF_ERROR(r.possible_duplicate_of_line == 0 ? ins.BindNull(12)
                                                            : ins.BindInt(12, r.possible_duplicate_of_line));
    CAIRN_RETURN_IF_ERROR(ctx(ins.Run()));
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit(
      "trail.ingest",
      "{\"path\":\"" + JsonEscape(path.string()) + "\",\"sha256\":\"" + report.sha256 +
          "\",\"preset\":\"" + std::string(PresetName(options.preset)) + "\",\"rows\":" +
          std::to_string(report.rows) + ",\"duplicates\":" + std::to_string(report.duplicates) +
          ",\"possible_duplicates\":" + std::to_string(report.possible_duplicates) +
          ",\"bad_rows\":" + std::to_string(report.bad_rows.size()) + "}"));
  CAIRN_RETURN_IF_ERROR(ctx(txn.Commit()));
  // Move the committed pages from the WAL into the database file now, so later readers (graph
  // loads) read the file directly; a failure here loses nothing (the WAL stays valid).
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return report;
}

}  // namespace cairn::trail
