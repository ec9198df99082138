#include "cairn/trail/ledger.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <array>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "cairn/core/digest.h"
#include "cairn/core/file.h"
#include "cairn/core/text.h"
#include "cairn/core/time.h"
#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "ledger_segment.h"
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
  if (name == "amlsim-outputs") return Preset::kAmlsimOutputs;
  if (name == "bank") return Preset::kBank;
  if (name == "none" || name.empty()) return Preset::kNone;
  return Status::InvalidArgument("unknown preset '" + std::string(name) + "' (amlsim, amlsim-v2, amlsim-outputs, bank, none)");
}

namespace {

std::string_view PresetName(Preset p) {
  switch (p) {
    case Preset::kAmlsim: return "amlsim";
    case Preset::kAmlsimV2: return "amlsim-v2";
    case Preset::kAmlsimOutputs: return "amlsim-outputs";
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
    case Preset::kAmlsimOutputs:  // ACCOUNT_ID pays COUNTER_PARTY_ACCOUNT_NUM at step `start`
      return {{"id", {"txn_id"}}, {"from", {"account_id"}}, {"to", {"counter_party_account_num"}},
              {"amount", {"txn_amount_orig"}}, {"time", {"start"}}, {"type", {"txn_source_type_code"}}};
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

// Marks every row equal (same(a, b), exact) to an earlier unmarked row of the same hash. `keys` holds
// (hash of the normalized row, row index) for every row; mark(later, earlier) records the finding
// and makes `later` count as marked. Equal hashes are grouped by sorting: first by the top 16 bits
// of the hash into buckets (one pass), then each small bucket by (hash, row).
template <typename Keys, typename Same, typename IsMarked, typename Mark>
void MarkDuplicatesBy(Keys& keys, Same&& same,
                      IsMarked&& is_marked, Mark&& mark) {
  const size_t n = keys.size();
  if (n < 2) return;
  constexpr int kBucketBits = 16;
  std::vector<uint32_t> start((size_t{1} << kBucketBits) + 1, 0);
  for (const auto& k : keys) ++start[(k.first >> (64 - kBucketBits)) + 1];
  for (size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
  segment::BigVector<std::pair<uint64_t, uint32_t>> sorted(n);
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& k : keys) sorted[fill[k.first >> (64 - kBucketBits)]++] = k;
  }
  keys.clear();
  keys.shrink_to_fit();
  for (size_t b = 0; b + 1 < start.size(); ++b) {
    std::sort(sorted.begin() + start[b], sorted.begin() + start[b + 1]);
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && sorted[j].first == sorted[i].first) ++j;
    for (size_t a = i + 1; a < j; ++a) {
      for (size_t b = i; b < a; ++b) {
        if (!is_marked(sorted[b].second) && same(sorted[b].second, sorted[a].second)) {
          mark(sorted[a].second, sorted[b].second);
          break;
        }
      }
    }
    i = j;
  }
}

void MarkDuplicates(ParsedLedger* ledger) {
  const size_t n = ledger->rows.size();
  std::vector<std::pair<uint64_t, uint32_t>> keys(n);
  RowKeyHash hasher;
  for (size_t i = 0; i < n; ++i) keys[i] = {hasher(ledger->rows[i]), static_cast<uint32_t>(i)};
  auto& rows = ledger->rows;
  MarkDuplicatesBy(
      keys, [&](uint32_t a, uint32_t b) { return SameKey(rows[a], rows[b]); },
      [&](uint32_t r) { return rows[r].duplicate_of_line != 0 || rows[r].possible_duplicate_of_line != 0; },
      [&](uint32_t later_row, uint32_t earlier_row) {
        LedgerRow& later = rows[later_row];
        const LedgerRow& earlier = rows[earlier_row];
        if (later.id.empty()) {
          later.possible_duplicate_of_line = static_cast<int64_t>(earlier.line);
          ++ledger->possible_duplicates;
        } else {
          later.duplicate_of_line = static_cast<int64_t>(earlier.line);
          ++ledger->duplicates;
        }
      });
}

// Reads the header, resolves the column map and hands every good row to sink.Row(const LedgerRow&)
// (after one sink.Fields(has_id, has_reference, has_type)); bad rows go to *bad_rows. Fails only
// when the file as a whole cannot be read as a ledger.
template <typename Sink>
Status ParseRows(std::string_view bytes, const IngestOptions& options, std::deque<std::string>* owned,
                 std::vector<BadRow>* bad_rows, TimeKind* time_kind, Sink& sink) {
  const char sep = options.separator != 0 ? options.separator : GuessSeparator(bytes);
  RecordReader reader(bytes, sep, owned);
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

  sink.Fields(c_id >= 0, c_ref >= 0, c_type >= 0);
  while (reader.Next(&fields, &line, &error)) {
    if (fields.size() == 1 && Trim(fields[0]).empty()) continue;  // blank line
    auto bad = [&](std::string msg) { bad_rows->push_back({line, std::move(msg)}); };
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
    if (*time_kind == TimeKind::kUnknown) *time_kind = kind;
    if (kind != *time_kind) {
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
        if (bad_rows->empty() || bad_rows->back().line != line) bad("no debit or credit amount");
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
    sink.Row(row);
  }
  return Status::Ok();
}

}  // namespace

Result<ParsedLedger> ParseLedger(std::string_view bytes, const IngestOptions& options) {
  ParsedLedger out;
  struct Sink {
    std::vector<LedgerRow>* rows;
    void Fields(bool, bool, bool) {}
    void Row(const LedgerRow& row) { rows->push_back(row); }
  } sink{&out.rows};
  out.rows.reserve(bytes.size() / 40);
  CAIRN_RETURN_IF_ERROR(ParseRows(bytes, options, &out.owned, &out.bad_rows, &out.time_kind, sink));
  MarkDuplicates(&out);
  return out;
}

Status EnsureTrailSchema(store::Case& c) {
  return store::ApplyMigrations(c.db(), "trail", kTrailMigrations);
}

namespace {

std::string Sha256Hex(std::string_view bytes) {
  return Sha256Of({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}).ToHex();
}

Status ErrnoError(const std::filesystem::path& path, std::string_view what) {
  return Status::IoError(path.string() + ": " + std::string(what) + ": " + std::strerror(errno));
}

// A whole file mapped read-only (the input ledger: evidence is never written). Empty files map to
// an empty view.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::filesystem::path& path) {
    constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW;
    int fd = ::open(path.c_str(), kFlags | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), kFlags);  // O_NOATIME needs ownership
    if (fd < 0) {
      if (errno == ELOOP) return Status::IoError(path.string() + ": is a symbolic link; not followed");
      if (errno == ENOENT) return Status::NotFound(path.string() + ": cannot open: " + std::strerror(errno));
      return ErrnoError(path, "cannot open");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::IoError(path.string() + ": not a regular file");
    }
    MappedFile f;
    f.size_ = static_cast<size_t>(st.st_size);
    if (f.size_ > 0) {
      void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return ErrnoError(path, "cannot map");
      }
      ::madvise(p, f.size_, MADV_SEQUENTIAL);
      f.data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return f;
  }
  MappedFile(MappedFile&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(o.size_) {}
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return {data_ == nullptr ? "" : data_, size_}; }

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Open addressing from names to dense indices 0, 1, ...; names are copied into one arena. A slot
// carries the full hash, the length and the first 16 bytes of its name, so a lookup of a name of
// up to 16 bytes (most account numbers) reads one slot and nothing else; callers that intern many
// names compute Key and Prefetch ahead of InternKeyed.
class NameTable {
 public:
  struct Key {
    uint64_t hash;
    uint64_t prefix[2];  // the first 16 bytes, zero-padded
  };
  static Key MakeKey(std::string_view name) {
    Key k{std::hash<std::string_view>()(name), {0, 0}};
    char buf[16] = {};
    for (size_t i = 0; i < 16 && i < name.size(); ++i) buf[i] = name[i];
    std::memcpy(k.prefix, buf, 16);
    return k;
  }

  explicit NameTable(size_t expected) {
    size_t cap = 1024;
    while (cap < expected * 2) cap *= 2;
    slots_.assign(cap, Slot{});
    spans_.reserve(expected);
  }
  void Prefetch(const Key& k) const { __builtin_prefetch(&slots_[k.hash & (slots_.size() - 1)]); }
  // The index of `name`; `added` says whether it is new.
  uint32_t Intern(std::string_view name, bool* added = nullptr) { return InternKeyed(name, MakeKey(name), added); }
  uint32_t InternKeyed(std::string_view name, const Key& k, bool* added = nullptr) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = k.hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.index == kEmpty) {
        const auto index = static_cast<uint32_t>(spans_.size());
        CAIRN_ASSERT(index != kEmpty);
        s = {k.hash, {k.prefix[0], k.prefix[1]}, index, static_cast<uint32_t>(std::min<size_t>(name.size(), UINT32_MAX))};
        spans_.push_back({arena_.size(), name.size()});
        arena_.append(name);
        if (spans_.size() * 2 > slots_.size()) Grow();
        if (added != nullptr) *added = true;
        return index;
      }
      if (s.hash == k.hash && s.length == name.size() && s.prefix[0] == k.prefix[0] &&
          s.prefix[1] == k.prefix[1] &&
          (name.size() <= 16 || std::memcmp(arena_.data() + spans_[s.index].first, name.data(), name.size()) == 0)) {
        if (added != nullptr) *added = false;
        return s.index;
      }
    }
  }
  size_t size() const { return spans_.size(); }
  std::string_view name_of(uint32_t index) const {
    return std::string_view(arena_).substr(spans_[index].first, spans_[index].second);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint64_t prefix[2] = {0, 0};
    uint32_t index = kEmpty;
    uint32_t length = 0;
  };
  void Grow() {
    segment::BigVector<Slot> old(slots_.size() * 2, Slot{});
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].index != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  segment::BigVector<Slot> slots_;
  segment::BigVector<std::pair<uint64_t, uint64_t>> spans_;  // offset, length in arena_
  std::string arena_;
};

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xBF58476D1CE4E5B9ull;
}

// Builds the segment columns straight from the parser (no LedgerRow vector): accounts interned to
// file-local indices, free text copied into one buffer, and a key per row for duplicate marking.
class ColumnSink {
 public:
  ColumnSink(segment::Columns* cols, size_t expected_rows)
      : cols_(cols), expected_rows_(expected_rows), accounts_(expected_rows / 16 + 16) {
    cols_->time.reserve(expected_rows);
    cols_->amount.reserve(expected_rows);
    cols_->from.reserve(expected_rows);
    cols_->to.reserve(expected_rows);
    cols_->line.reserve(expected_rows);
    cols_->currency.reserve(expected_rows);
    keys_.reserve(expected_rows);
  }

  void Fields(bool id, bool reference, bool type) {
    cols_->text_fields = (id ? segment::kTextId : 0) | (reference ? segment::kTextReference : 0) |
                         (type ? segment::kTextType : 0);
    if (cols_->text_fields != 0) {
      // Reserved, not touched: growth by doubling would copy (and zero) these arrays again.
      cols_->text_offsets.reserve(expected_rows_ * static_cast<size_t>(std::popcount(cols_->text_fields)) + 1);
      cols_->text.reserve(expected_rows_ * 8);
      cols_->text_offsets.push_back(0);
    }
  }

  void Row(const LedgerRow& r) {
    const size_t row = cols_->time.size();
    if (row >= UINT32_MAX) {
      if (status_.ok()) status_ = Status::LimitExceeded("more than 4,294,967,294 rows in one file");
      return;
    }
    uint16_t currency = last_currency_;
    if (currencies_.empty() || currencies_[currency] != r.currency) {
      auto it = std::find(currencies_.begin(), currencies_.end(), r.currency);
      if (it == currencies_.end()) {
        if (currencies_.size() >= UINT16_MAX) {
          if (status_.ok()) status_ = Status::LimitExceeded("more than 65,535 currencies in one file");
          return;
        }
        currencies_.push_back(r.currency);
        it = currencies_.end() - 1;
      }
      currency = static_cast<uint16_t>(it - currencies_.begin());
      last_currency_ = currency;
    }
    cols_->time.push_back(r.time);
    cols_->amount.push_back(r.amount);
    cols_->from.push_back(0);  // set when the batch is interned
    cols_->to.push_back(0);
    cols_->line.push_back(r.line);
    cols_->currency.push_back(currency);
    const uint32_t fields = cols_->text_fields;
    if (fields & segment::kTextId) AddText(r.id);
    if (fields & segment::kTextReference) AddText(r.reference);
    if (fields & segment::kTextType) AddText(r.type);
    // Account names are interned in batches: hash and prefetch now, look up when the batch is
    // full, so the table's cache misses overlap instead of queueing one after another.
    Pending& p = pending_[num_pending_++];
    p = {static_cast<uint32_t>(row), r.from, r.to, NameTable::MakeKey(r.from), NameTable::MakeKey(r.to)};
    accounts_.Prefetch(p.from_key);
    accounts_.Prefetch(p.to_key);
    if (num_pending_ == kBatch) Flush();
  }

  // Interns what is pending; call once after the last row.
  void Flush() {
    std::hash<std::string_view> h;
    segment::Columns& c = *cols_;
    for (size_t k = 0; k < num_pending_; ++k) {
      const Pending& p = pending_[k];
      const uint32_t row = p.row;
      const uint32_t from = accounts_.InternKeyed(p.from, p.from_key);
      const uint32_t to = accounts_.InternKeyed(p.to, p.to_key);
      c.from[row] = from;
      c.to[row] = to;
      // The key of the normalized row: the external id when there is one, else every field.
      const std::string_view id = Text(row, segment::kTextId);
      uint64_t key;
      if (!id.empty()) {
        key = Mix(0x1D, h(id));
      } else {
        key = Mix(Mix(Mix(Mix(Mix(Mix(0x2F, from), to), static_cast<uint64_t>(c.amount[row])),
                          static_cast<uint64_t>(c.time[row])), c.currency[row]),
                  h(Text(row, segment::kTextReference)));
      }
      keys_.emplace_back(key, row);
    }
    num_pending_ = 0;
  }

  const Status& status() const { return status_; }
  const NameTable& accounts() const { return accounts_; }
  const std::vector<std::string_view>& currencies() const { return currencies_; }

  std::string_view Text(size_t row, uint32_t bit) const {
    const uint32_t fields = cols_->text_fields;
    if ((fields & bit) == 0) return {};
    const size_t per_row = static_cast<size_t>(std::popcount(fields));
    const size_t k = static_cast<size_t>(std::popcount(fields & (bit - 1)));
    const uint64_t b = cols_->text_offsets[row * per_row + k];
    const uint64_t e = cols_->text_offsets[row * per_row + k + 1];
    return std::string_view(cols_->text).substr(b, e - b);
  }

  // Exact duplicate marking with ParseLedger's rule (SameKey); returns (duplicates, possible).
  std::pair<uint64_t, uint64_t> MarkDuplicates() {
    segment::Columns& c = *cols_;
    std::vector<uint8_t> marked(c.time.size(), 0);
    uint64_t dups = 0, possible = 0;
    MarkDuplicatesBy(
        keys_,
        [&](uint32_t a, uint32_t b) {
          const std::string_view ida = Text(a, segment::kTextId), idb = Text(b, segment::kTextId);
          if (!ida.empty() || !idb.empty()) return ida == idb;
          return c.from[a] == c.from[b] && c.to[a] == c.to[b] && c.amount[a] == c.amount[b] &&
                 c.time[a] == c.time[b] && c.currency[a] == c.currency[b] &&
                 Text(a, segment::kTextReference) == Text(b, segment::kTextReference);
        },
        [&](uint32_t r) { return marked[r] != 0; },
        [&](uint32_t later, uint32_t earlier) {
          marked[later] = 1;
          const auto line = static_cast<int64_t>(c.line[earlier]);
          if (Text(later, segment::kTextId).empty()) {
            c.duplicates.push_back({later, -line});
            ++possible;
          } else {
            c.duplicates.push_back({later, line});
            ++dups;
          }
        });
    std::sort(c.duplicates.begin(), c.duplicates.end(),
              [](const segment::Duplicate& a, const segment::Duplicate& b) { return a.row < b.row; });
    return {dups, possible};
  }

 private:
  void AddText(std::string_view s) {
    cols_->text.append(s);
    cols_->text_offsets.push_back(cols_->text.size());
  }

  struct Pending {
    uint32_t row;
    std::string_view from, to;
    NameTable::Key from_key, to_key;
  };
  static constexpr size_t kBatch = 32;

  segment::Columns* cols_;
  size_t expected_rows_;
  NameTable accounts_;
  std::array<Pending, kBatch> pending_;
  size_t num_pending_ = 0;
  std::vector<std::string_view> currencies_;
  uint16_t last_currency_ = 0;
  segment::BigVector<std::pair<uint64_t, uint32_t>> keys_;
  Status status_;
};

// Removes segment files and temporaries that no committed trail_files row names (left by an
// import that was killed between writing its segment and committing). Call inside a write
// transaction: then no other import is between those two steps.
Status RemoveOrphanSegments(store::Case& c) {
  const std::filesystem::path dir = c.dir() / "trail";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::set<std::string> named;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, c.db().Prepare(
        "SELECT segment FROM trail_files WHERE segment IS NOT NULL"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      named.emplace(q.ColumnText(0));
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = (name.starts_with("ledger-") && name.ends_with(".seg")) || name.starts_with(".tmp-");
    if (ours && named.count(name) == 0) std::filesystem::remove(entry.path(), ec);
  }
  return Status::Ok();
}

Status FsyncDir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(dir, "cannot open directory");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError(dir, "cannot fsync directory");
  return Status::Ok();
}

// Deletes a written segment unless released (the commit that names it succeeded).
class SegmentGuard {
 public:
  ~SegmentGuard() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }
  void Arm(std::filesystem::path path) { path_ = std::move(path); }
  void Release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

}  // namespace

namespace segment {

Result<std::string> Write(const std::filesystem::path& path, int64_t file_id, int64_t first_tx_id,
                          const Columns& cols) {
  const uint64_t rows = cols.time.size();
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.text_fields = cols.text_fields;
  h.rows = rows;
  h.file_id = file_id;
  h.first_tx_id = first_tx_id;
  h.num_duplicates = cols.duplicates.size();
  h.num_currencies = static_cast<uint32_t>(cols.currencies.size());
  std::string currency_table;
  for (const std::string& cur : cols.currencies) {
    const auto len = static_cast<uint32_t>(cur.size());
    currency_table.append(reinterpret_cast<const char*>(&len), sizeof len);
    currency_table.append(cur);
  }
  const std::string_view parts[kNumSections - 1] = {
      {reinterpret_cast<const char*>(cols.time.data()), rows * sizeof(int64_t)},
      {reinterpret_cast<const char*>(cols.amount.data()), rows * sizeof(int64_t)},
      {reinterpret_cast<const char*>(cols.from.data()), rows * sizeof(uint32_t)},
      {reinterpret_cast<const char*>(cols.to.data()), rows * sizeof(uint32_t)},
      {reinterpret_cast<const char*>(cols.line.data()), rows * sizeof(uint64_t)},
      {reinterpret_cast<const char*>(cols.currency.data()), rows * sizeof(uint16_t)},
      {reinterpret_cast<const char*>(cols.duplicates.data()), cols.duplicates.size() * sizeof(Duplicate)},
      {reinterpret_cast<const char*>(cols.text_offsets.data()), cols.text_offsets.size() * sizeof(uint64_t)},
      cols.text,
      currency_table,
  };
  uint64_t offset = sizeof(Header);
  for (int k = 0; k < kNumSections - 1; ++k) {
    h.section[k] = offset;
    offset = (offset + parts[k].size() + 7) / 8 * 8;
  }
  h.section[kEnd] = offset;

  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(path, "cannot create ledger segment");
  Sha256Digester md;
  auto put = [&](std::string_view bytes) -> Status {
    md.Update({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), std::min<size_t>(bytes.size(), size_t{1} << 30));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(path, "cannot write ledger segment");
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  };
  static constexpr char kZeros[8] = {};
  Status st = put({reinterpret_cast<const char*>(&h), sizeof h});
  for (int k = 0; st.ok() && k < kNumSections - 1; ++k) {
    st = put(parts[k]);
    const uint64_t pad = h.section[k + 1] - h.section[k] - parts[k].size();
    if (st.ok() && pad > 0) st = put({kZeros, pad});
  }
  if (st.ok() && ::fsync(fd) != 0) st = ErrnoError(path, "cannot fsync ledger segment");
  if (::close(fd) != 0 && st.ok()) st = ErrnoError(path, "cannot close ledger segment");
  const Sha256 digest = md.Finish();
  if (!st.ok()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return st;
  }
  return digest.ToHex();
}

Result<std::vector<StoredFile>> ReadStoredFiles(store::Database& db) {
  CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
      "SELECT file_id, segment, coalesce(segment_sha256, ''), rows, coalesce(first_tx_id, 0) "
      "FROM trail_files ORDER BY file_id"));
  std::vector<StoredFile> files;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    StoredFile& f = files.emplace_back();
    f.file_id = q.ColumnInt(0);
    f.has_segment = !q.ColumnIsNull(1);
    f.segment = std::string(q.ColumnText(1));
    f.sha256 = std::string(q.ColumnText(2));
    f.rows = static_cast<uint64_t>(std::max<int64_t>(0, q.ColumnInt(3)));
    f.first_tx_id = q.ColumnInt(4);
    if (f.has_segment && (f.segment.empty() || f.segment.find('/') != std::string::npos || f.segment[0] == '.')) {
      return Status::Corrupt(db.path().string() + ": trail_files " + std::to_string(f.file_id) +
                             " names segment '" + f.segment + "'");
    }
  }
  return files;
}

Result<SegmentView> SegmentView::Open(const std::filesystem::path& path, uint64_t expected_rows,
                                      int64_t expected_first_tx_id, std::string_view verify_sha256) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corrupt(path.string() + ": ledger segment " + std::string(why));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return corrupt("is missing (case.db names it)");
    return ErrnoError(path, "cannot open ledger segment");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) < sizeof(Header)) {
    ::close(fd);
    return corrupt("is not a regular file of at least a header's size");
  }
  SegmentView v;
  v.size_ = static_cast<size_t>(st.st_size);
  void* p = ::mmap(nullptr, v.size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return ErrnoError(path, "cannot map ledger segment");
  v.data_ = static_cast<const uint8_t*>(p);
  ::madvise(p, v.size_, MADV_WILLNEED);
  const Header& h = v.header();
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return corrupt("has a bad magic number");
  if (h.version != kVersion) return corrupt("has version " + std::to_string(h.version));
  if (h.rows != expected_rows) {
    return corrupt("holds " + std::to_string(h.rows) + " rows, case.db says " + std::to_string(expected_rows));
  }
  if (h.first_tx_id != expected_first_tx_id) return corrupt("has another first tx_id than case.db");
  if ((h.text_fields & ~uint32_t{7}) != 0) return corrupt("has unknown text fields");
  if (h.rows >= UINT32_MAX || h.num_duplicates > h.rows) return corrupt("has impossible counts");
  v.text_count_ = static_cast<uint32_t>(std::popcount(h.text_fields));
  const uint64_t n = h.rows;
  const uint64_t need[kNumSections - 1] = {
      n * 8, n * 8, n * 4, n * 4, n * 8, n * 2, h.num_duplicates * sizeof(Duplicate),
      v.text_count_ == 0 ? 0 : (n * v.text_count_ + 1) * 8, 0, 0};
  if (h.section[0] != sizeof(Header) || h.section[kEnd] != v.size_) return corrupt("has bad section offsets");
  for (int k = 0; k < kNumSections - 1; ++k) {
    if (h.section[k] % 8 != 0 || h.section[k + 1] < h.section[k] ||
        h.section[k + 1] - h.section[k] < need[k]) {
      return corrupt("has bad section offsets");
    }
  }
  if (v.text_count_ > 0) {
    const auto offsets = v.Col<uint64_t>(kTextOffsets, n * v.text_count_ + 1);
    const uint64_t text_size = h.section[kText + 1] - h.section[kText];
    if (offsets[0] != 0 || offsets.back() > text_size) return corrupt("has bad text offsets");
    for (size_t i = 1; i < offsets.size(); ++i) {
      if (offsets[i] < offsets[i - 1]) return corrupt("has bad text offsets");
    }
  }
  {
    const uint8_t* q = v.data_ + h.section[kCurrencies];
    const uint8_t* end = v.data_ + h.section[kEnd];
    for (uint32_t i = 0; i < h.num_currencies; ++i) {
      uint32_t len = 0;
      if (end - q < 4) return corrupt("has a bad currency table");
      std::memcpy(&len, q, 4);
      q += 4;
      if (static_cast<uint64_t>(end - q) < len) return corrupt("has a bad currency table");
      v.currencies_.emplace_back(reinterpret_cast<const char*>(q), len);
      q += len;
    }
  }
  for (uint16_t cur : v.currency()) {
    if (cur >= h.num_currencies) return corrupt("names a currency outside its table");
  }
  uint64_t prev = 0;
  for (const Duplicate& d : v.duplicates()) {
    if (d.row >= n || (d.row < prev) || d.value == 0) return corrupt("has a bad duplicate list");
    prev = d.row;
  }
  if (!verify_sha256.empty()) {
    const std::string got = Sha256Hex({reinterpret_cast<const char*>(v.data_), v.size_});
    if (got != verify_sha256) return corrupt("does not match its SHA-256 in case.db (" + got + ")");
  }
  return v;
}

SegmentView::SegmentView(SegmentView&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)), size_(o.size_), text_count_(o.text_count_),
      currencies_(std::move(o.currencies_)) {}

SegmentView& SegmentView::operator=(SegmentView&& o) noexcept {
  if (this != &o) {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = o.size_;
    text_count_ = o.text_count_;
    currencies_ = std::move(o.currencies_);
  }
  return *this;
}

SegmentView::~SegmentView() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

std::string_view SegmentView::Text(uint64_t row, uint32_t bit) const {
  const uint32_t fields = header().text_fields;
  if ((fields & bit) == 0 || row >= rows()) return {};
  const uint64_t k = static_cast<uint64_t>(std::popcount(fields & (bit - 1)));
  const auto offsets = Col<uint64_t>(kTextOffsets, rows() * text_count_ + 1);
  const uint64_t b = offsets[row * text_count_ + k], e = offsets[row * text_count_ + k + 1];
  return {reinterpret_cast<const char*>(data_ + header().section[kText] + b), static_cast<size_t>(e - b)};
}

}  // namespace segment

Result<IngestReport> IngestFile(store::Case& c, const std::filesystem::path& path,
                                const IngestOptions& options) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  auto ctx = [&](const Status& s) { return s.WithContext(path.string()); };
  CAIRN_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  const std::string_view bytes = file.view();
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
  // Parse straight into the segment's columns.
  segment::Columns cols;
  std::deque<std::string> owned;
  ColumnSink sink(&cols, bytes.size() / 48 + 16);
  CAIRN_RETURN_IF_ERROR(ctx(ParseRows(bytes, options, &owned, &report.bad_rows, &report.time_kind, sink)));
  CAIRN_RETURN_IF_ERROR(ctx(sink.status()));
  sink.Flush();
  std::tie(report.duplicates, report.possible_duplicates) = sink.MarkDuplicates();
  const size_t rows = cols.time.size();
  report.rows = rows;
  for (std::string_view cur : sink.currencies()) cols.currencies.emplace_back(cur);

  // Room for the account inserts without spilling dirty pages mid-transaction.
  {
    const uint64_t kib = std::clamp<uint64_t>(sink.accounts().size() / 4 + 65536, 65536, 1048576);
    CAIRN_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size=-" + std::to_string(kib) + "; PRAGMA temp_store=MEMORY"));
  }
  CAIRN_ASSIGN_OR_RETURN(store::Transaction txn, store::Transaction::Begin(db));
  CAIRN_RETURN_IF_ERROR(RemoveOrphanSegments(c));
  int64_t first_tx_id = 1;
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "SELECT max(coalesce((SELECT max(tx_id) FROM trail_transactions), 0), "
        "coalesce((SELECT max(first_tx_id + rows - 1) FROM trail_files WHERE segment IS NOT NULL), 0))"));
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) first_tx_id = q.ColumnInt(0) + 1;
  }
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement f, db.Prepare(
        "INSERT INTO trail_files(path, sha256, preset, time_kind, rows, duplicates, bad_rows, "
        "ingested_utc, statement_account, possible_duplicates, first_tx_id) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    CAIRN_RETURN_IF_ERROR(f.BindText(1, path.string()));
    CAIRN_RETURN_IF_ERROR(f.BindText(2, report.sha256));
    CAIRN_RETURN_IF_ERROR(f.BindText(3, PresetName(options.preset)));
    CAIRN_RETURN_IF_ERROR(f.BindText(4, TimeKindName(report.time_kind)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(5, static_cast<int64_t>(report.rows)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(6, static_cast<int64_t>(report.duplicates)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(7, static_cast<int64_t>(report.bad_rows.size())));
    CAIRN_RETURN_IF_ERROR(f.BindText(8, UtcNow()));
    CAIRN_RETURN_IF_ERROR(options.statement_account.empty() ? f.BindNull(9)
                                                            : f.BindText(9, options.statement_account));
    CAIRN_RETURN_IF_ERROR(f.BindInt(10, static_cast<int64_t>(report.possible_duplicates)));
    CAIRN_RETURN_IF_ERROR(f.BindInt(11, first_tx_id));
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
  // File-local account indices → trail_accounts ids (existing names first, new ones inserted in
  // order of first appearance).
  const NameTable& local_names = sink.accounts();
  std::vector<uint32_t> global(local_names.size(), 0);
  {
    NameTable local(local_names.size());
    for (uint32_t i = 0; i < local_names.size(); ++i) local.Intern(local_names.name_of(i));
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare("SELECT account_id, name FROM trail_accounts"));
    std::vector<uint8_t> known(local_names.size(), 0);
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      bool added = false;
      const uint32_t i = local.Intern(q.ColumnText(1), &added);
      if (added) continue;  // not in this file
      const int64_t id = q.ColumnInt(0);
      if (id <= 0 || id >= UINT32_MAX) return Status::Corrupt(db.path().string() + ": trail_accounts has account_id " + std::to_string(id));
      global[i] = static_cast<uint32_t>(id);
      known[i] = 1;
    }
    // New names get explicit consecutive ids, 64 rows per INSERT statement.
    int64_t next_id = 1;
    {
      CAIRN_ASSIGN_OR_RETURN(store::Statement q2, db.Prepare("SELECT coalesce(max(account_id), 0) + 1 FROM trail_accounts"));
      CAIRN_ASSIGN_OR_RETURN(bool row, q2.Step());
      if (row) next_id = q2.ColumnInt(0);
    }
    // New names get consecutive ids in name order and are inserted in that order, so both the
    // rowid B-tree and the UNIQUE(name) index grow at their right edge instead of at random pages
    // (a million new accounts: ~3 CPU-s in random order, well under 1 s sorted).
    struct Fresh {
      uint64_t key[2];  // the first 16 bytes, big-endian, zero-padded: orders like memcmp
      uint32_t index;
    };
    std::vector<Fresh> sorted;
    sorted.reserve(local_names.size());
    for (uint32_t i = 0; i < local_names.size(); ++i) {
      if (known[i]) continue;
      Fresh f{{0, 0}, i};
      const std::string_view name = local_names.name_of(i);
      for (size_t b = 0; b < 16 && b < name.size(); ++b) {
        f.key[b / 8] |= uint64_t{static_cast<unsigned char>(name[b])} << (56 - 8 * (b % 8));
      }
      sorted.push_back(f);
    }
    std::sort(sorted.begin(), sorted.end(), [&](const Fresh& a, const Fresh& b) {
      if (a.key[0] != b.key[0]) return a.key[0] < b.key[0];
      if (a.key[1] != b.key[1]) return a.key[1] < b.key[1];
      return local_names.name_of(a.index) < local_names.name_of(b.index);
    });
    std::vector<uint32_t> fresh(sorted.size());
    for (size_t k = 0; k < sorted.size(); ++k) {
      fresh[k] = sorted[k].index;
      global[fresh[k]] = static_cast<uint32_t>(next_id + static_cast<int64_t>(k));
    }
    sorted.clear();
    sorted.shrink_to_fit();
    if (next_id <= 0 || next_id + static_cast<int64_t>(fresh.size()) >= UINT32_MAX) {
      return Status::LimitExceeded(db.path().string() + ": more than 4,294,967,294 accounts");
    }
    constexpr size_t kPerInsert = 64;
    std::string sql = "INSERT INTO trail_accounts(account_id, name) VALUES(?,?)";
    for (size_t k = 1; k < kPerInsert; ++k) sql += ",(?,?)";
    CAIRN_ASSIGN_OR_RETURN(store::Statement add_many, db.Prepare(sql));
    CAIRN_ASSIGN_OR_RETURN(store::Statement add_one, db.Prepare(
        "INSERT INTO trail_accounts(account_id, name) VALUES(?,?)"));
    for (size_t k = 0; k < fresh.size();) {
      const bool many = fresh.size() - k >= kPerInsert;
      store::Statement& add = many ? add_many : add_one;
      const size_t count = many ? kPerInsert : 1;
      for (size_t j = 0; j < count; ++j, ++k) {
        const uint32_t i = fresh[k];
        CAIRN_RETURN_IF_ERROR(add.BindInt(static_cast<int>(2 * j + 1), global[i]));
        CAIRN_RETURN_IF_ERROR(add.BindText(static_cast<int>(2 * j + 2), local_names.name_of(i)));
      }
      CAIRN_RETURN_IF_ERROR(ctx(add.Run()));
    }
  }
  for (uint32_t& a : cols.from) a = global[a];
  for (uint32_t& a : cols.to) a = global[a];
  {
    std::vector<uint64_t> per_currency(cols.currencies.size(), 0);
    for (uint16_t cur : cols.currency) ++per_currency[cur];
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
        "INSERT INTO trail_file_currencies(file_id, currency, rows) VALUES(?,?,?)"));
    for (size_t k = 0; k < cols.currencies.size(); ++k) {
      CAIRN_RETURN_IF_ERROR(q.BindInt(1, report.file_id));
      CAIRN_RETURN_IF_ERROR(q.BindText(2, cols.currencies[k]));
      CAIRN_RETURN_IF_ERROR(q.BindInt(3, static_cast<int64_t>(per_currency[k])));
      CAIRN_RETURN_IF_ERROR(ctx(q.Run()));
    }
  }
  // Rows with a free-text reference are also kept in trail_transactions, for SQL readers of
  // references (account linking); the segment stays the complete ledger of the file.
  if (cols.text_fields & segment::kTextReference) {
    CAIRN_ASSIGN_OR_RETURN(store::Statement ins, db.Prepare(
        "INSERT INTO trail_transactions(tx_id, file_id, line, ext_id, from_account, to_account, "
        "amount_minor, currency, time, reference, tx_type, duplicate_of_line, "
        "possible_duplicate_of_line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    size_t d = 0;
    for (size_t i = 0; i < rows; ++i) {
      while (d < cols.duplicates.size() && cols.duplicates[d].row < i) ++d;
      const std::string_view ref = sink.Text(i, segment::kTextReference);
      if (ref.empty()) continue;
      const int64_t dup = (d < cols.duplicates.size() && cols.duplicates[d].row == i) ? cols.duplicates[d].value : 0;
      const std::string_view id = sink.Text(i, segment::kTextId), type = sink.Text(i, segment::kTextType);
      CAIRN_RETURN_IF_ERROR(ins.BindInt(1, first_tx_id + static_cast<int64_t>(i)));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(2, report.file_id));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(3, static_cast<int64_t>(cols.line[i])));
      CAIRN_RETURN_IF_ERROR(id.empty() ? ins.BindNull(4) : ins.BindText(4, id));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(5, cols.from[i]));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(6, cols.to[i]));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(7, cols.amount[i]));
      CAIRN_RETURN_IF_ERROR(ins.BindText(8, cols.currencies[cols.currency[i]]));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(9, cols.time[i]));
      CAIRN_RETURN_IF_ERROR(ins.BindText(10, ref));
      CAIRN_RETURN_IF_ERROR(type.empty() ? ins.BindNull(11) : ins.BindText(11, type));
      CAIRN_RETURN_IF_ERROR(dup > 0 ? ins.BindInt(12, dup) : ins.BindNull(12));
      CAIRN_RETURN_IF_ERROR(dup < 0 ? ins.BindInt(13, -dup) : ins.BindNull(13));
      CAIRN_RETURN_IF_ERROR(ctx(ins.Run()));
    }
  }
  // The segment: temporary file, fsync, rename, fsync the directory; then case.db names it and
  // commits. Any failure from here on removes it again.
  const std::filesystem::path dir = c.dir() / "trail";
  {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError(dir.string() + ": cannot create directory: " + ec.message());
  }
  const std::string name = "ledger-" + std::to_string(report.file_id) + "-" + report.sha256.substr(0, 16) + ".seg";
  const std::filesystem::path tmp = dir / (".tmp-" + std::to_string(::getpid()) + "-" + name);
  SegmentGuard guard;
  guard.Arm(tmp);
  CAIRN_ASSIGN_OR_RETURN(std::string segment_sha256, segment::Write(tmp, report.file_id, first_tx_id, cols));
  if (::rename(tmp.c_str(), (dir / name).c_str()) != 0) return ErrnoError(dir / name, "cannot rename ledger segment");
  guard.Arm(dir / name);
  CAIRN_RETURN_IF_ERROR(FsyncDir(dir));
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement u, db.Prepare(
        "UPDATE trail_files SET segment=?, segment_sha256=? WHERE file_id=?"));
    CAIRN_RETURN_IF_ERROR(u.BindText(1, name));
    CAIRN_RETURN_IF_ERROR(u.BindText(2, segment_sha256));
    CAIRN_RETURN_IF_ERROR(u.BindInt(3, report.file_id));
    CAIRN_RETURN_IF_ERROR(ctx(u.Run()));
  }
  CAIRN_RETURN_IF_ERROR(ctx(c.AppendAudit(
      "trail.ingest",
      "{\"path\":" + JsonQuote(path.string()) + ",\"sha256\":\"" + report.sha256 +
          "\",\"preset\":\"" + std::string(PresetName(options.preset)) + "\",\"rows\":" +
          std::to_string(report.rows) + ",\"duplicates\":" + std::to_string(report.duplicates) +
          ",\"possible_duplicates\":" + std::to_string(report.possible_duplicates) +
          ",\"bad_rows\":" + std::to_string(report.bad_rows.size()) + ",\"segment\":\"" + name +
          "\",\"segment_sha256\":\"" + segment_sha256 + "\"}")));
  CAIRN_RETURN_IF_ERROR(ctx(txn.Commit()));
  guard.Release();
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return report;
}

Status ForEachTransaction(store::Case& c,
                          const std::function<Status(const StoredTransaction&)>& visit) {
  CAIRN_RETURN_IF_ERROR(EnsureTrailSchema(c));
  store::Database& db = c.db();
  std::vector<std::string> names;  // by account_id
  {
    CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare("SELECT account_id, name FROM trail_accounts"));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      const int64_t id = q.ColumnInt(0);
      if (id < 0 || id >= UINT32_MAX) {
        return Status::Corrupt(db.path().string() + ": trail_accounts has account_id " + std::to_string(id));
      }
      if (names.size() <= static_cast<size_t>(id)) names.resize(static_cast<size_t>(id) + 1);
      names[static_cast<size_t>(id)] = std::string(q.ColumnText(1));
    }
  }
  auto name_of = [&](int64_t id, int64_t tx_id) -> Result<std::string_view> {
    if (id <= 0 || static_cast<size_t>(id) >= names.size()) {
      return Status::Corrupt(db.path().string() + ": transaction " + std::to_string(tx_id) +
                             " names an unknown account");
    }
    return std::string_view(names[static_cast<size_t>(id)]);
  };
  CAIRN_ASSIGN_OR_RETURN(const std::vector<segment::StoredFile> files, segment::ReadStoredFiles(db));
  for (const segment::StoredFile& f : files) {
    StoredTransaction t;
    t.file_id = f.file_id;
    if (!f.has_segment) {
      CAIRN_ASSIGN_OR_RETURN(store::Statement q, db.Prepare(
          "SELECT tx_id, line, coalesce(ext_id, ''), from_account, to_account, amount_minor, currency, "
          "time, coalesce(reference, ''), coalesce(tx_type, ''), coalesce(duplicate_of_line, 0), "
          "coalesce(possible_duplicate_of_line, 0) FROM trail_transactions WHERE file_id = ? ORDER BY line, tx_id"));
      CAIRN_RETURN_IF_ERROR(q.BindInt(1, f.file_id));
      while (true) {
        CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        t.tx_id = q.ColumnInt(0);
        t.line = static_cast<uint64_t>(q.ColumnInt(1));
        t.ext_id = q.ColumnText(2);
        CAIRN_ASSIGN_OR_RETURN(t.from, name_of(q.ColumnInt(3), t.tx_id));
        CAIRN_ASSIGN_OR_RETURN(t.to, name_of(q.ColumnInt(4), t.tx_id));
        t.amount = q.ColumnInt(5);
        t.currency = q.ColumnText(6);
        t.time = q.ColumnInt(7);
        t.reference = q.ColumnText(8);
        t.type = q.ColumnText(9);
        t.duplicate_of_line = q.ColumnInt(10);
        t.possible_duplicate_of_line = q.ColumnInt(11);
        CAIRN_RETURN_IF_ERROR(visit(t));
      }
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(segment::SegmentView v, segment::SegmentView::Open(
        c.dir() / "trail" / f.segment, f.rows, f.first_tx_id, f.sha256));
    const auto dups = v.duplicates();
    size_t d = 0;
    for (uint64_t i = 0; i < v.rows(); ++i) {
      t.tx_id = f.first_tx_id + static_cast<int64_t>(i);
      t.line = v.line()[i];
      t.ext_id = v.Text(i, segment::kTextId);
      CAIRN_ASSIGN_OR_RETURN(t.from, name_of(v.from()[i], t.tx_id));
      CAIRN_ASSIGN_OR_RETURN(t.to, name_of(v.to()[i], t.tx_id));
      t.amount = v.amount()[i];
      t.currency = v.currencies()[v.currency()[i]];
      t.time = v.time()[i];
      t.reference = v.Text(i, segment::kTextReference);
      t.type = v.Text(i, segment::kTextType);
      t.duplicate_of_line = t.possible_duplicate_of_line = 0;
      if (d < dups.size() && dups[d].row == i) {
        (dups[d].value > 0 ? t.duplicate_of_line : t.possible_duplicate_of_line) =
            dups[d].value > 0 ? dups[d].value : -dups[d].value;
        ++d;
      }
      CAIRN_RETURN_IF_ERROR(visit(t));
    }
  }
  return Status::Ok();
}

}  // namespace cairn::trail
