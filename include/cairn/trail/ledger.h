// Ledger ingest: CSV/TSV transaction files → rows with integer minor-unit amounts, explicit UTC
// times, file and line provenance; bad rows are reported by line and skipped, duplicates flagged.
// ParseLedger is pure (bytes in, rows out; fuzzed); IngestFile writes one file into a case in a
// single transaction (all-or-nothing). Column maps, presets, units and time zones: docs/TRAIL.md.
// Functions are thread-safe; a ParsedLedger's string_views point into the bytes passed in.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"

namespace cairn::store {
class Case;
}

namespace cairn::trail {

enum class TimeKind {
  kUnknown,      // no row parsed yet
  kInteger,      // a bare integer (AMLSim time step, or epoch seconds given as a number)
  kUtcSeconds,   // a calendar date/time converted to seconds since 1970-01-01T00:00:00Z
};
std::string_view TimeKindName(TimeKind kind);  // "integer", "utc_seconds", "unknown"

// Parses a decimal amount ("1234", "-12.5", "1,234.56", "+0.07") into minor units with `scale`
// fractional digits, exactly (no floating point). Extra fractional digits must be zeros.
Result<int64_t> ParseAmount(std::string_view text, int scale);

// Parses a time: a bare integer (kInteger), or YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|±HH[:]MM], or
// day-first DD/MM/YYYY (also DD.MM.YYYY, DD-MM-YYYY) with an optional time. Times without a zone
// are in `default_offset_minutes` east of UTC (0 = UTC). Fractions of a second are dropped.
Result<int64_t> ParseTime(std::string_view text, int default_offset_minutes, TimeKind* kind);

// The inverse for display: "2017-01-01T00:00:00Z" for kUtcSeconds, the integer otherwise.
std::string FormatTime(int64_t time, TimeKind kind);

// Which column holds what. Values are header names (matched case-insensitively, surrounding
// spaces ignored) or 0-based column numbers. Keys: from, to, amount, time, currency, id,
// reference, type, and for statements date (alias of time), debit, credit, counterparty.
struct ColumnMap {
  std::map<std::string, std::string> columns;
  // "from=a,to=b,amount=3" → map; kInvalidArgument on unknown keys or malformed text.
  static Result<ColumnMap> Parse(std::string_view text);
};

enum class Preset {
  kNone,       // --map only
  kAmlsim,     // AMLSim transactions.csv: sourceNodeId,targetNodeId,value,time (integer steps)
  kAmlsimV2,   // AMLSim current schema: tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp
  kAmlsimOutputs,  // AMLSim's converted outputs (sample/outputs/tx.csv): TXN_ID,ACCOUNT_ID,
                   // COUNTER_PARTY_ACCOUNT_NUM,TXN_SOURCE_TYPE_CODE,tx_count,TXN_AMOUNT_ORIG,start,end
  kBank,       // bank statement: date, debit, credit, counterparty, reference (+ --account)
};
Result<Preset> ParsePreset(std::string_view name);  // "amlsim", "amlsim-v2", "amlsim-outputs", "bank", "none"

struct IngestOptions {
  Preset preset = Preset::kNone;
  ColumnMap map;                  // applied over the preset's map
  char separator = 0;             // 0: guess from the header line (tab, ';', '|' or ',')
  bool has_header = true;
  int amount_scale = 2;           // minor units per major unit = 10^amount_scale
  std::string default_currency;   // when no currency column (AMLSim presets: "USD")
  int default_offset_minutes = 0; // zone of times written without one; 0 = UTC
  std::string statement_account;  // bank preset: the statement holder's account (required)
};

struct LedgerRow {
  std::string_view id;           // external transaction id ("" when none)
  std::string_view from;
  std::string_view to;
  int64_t amount = 0;            // minor units, > 0... or 0
  std::string_view currency;
  int64_t time = 0;
  std::string_view reference;
  std::string_view type;
  uint64_t line = 0;             // 1-based line where the record starts
  // > 0: same external id as the row on that line: a duplicate, stored but never traced.
  int64_t duplicate_of_line = 0;
  // > 0: no id, but every field equals the row on that line: reported, stored and traced (two
  // equal payments on one day are common; re-ingesting a whole file is caught by its SHA-256).
  int64_t possible_duplicate_of_line = 0;
};

struct BadRow {
  uint64_t line = 0;
  std::string message;
};

struct ParsedLedger {
  std::vector<LedgerRow> rows;
  std::vector<BadRow> bad_rows;
  TimeKind time_kind = TimeKind::kUnknown;
  uint64_t duplicates = 0;
  uint64_t possible_duplicates = 0;
  std::deque<std::string> owned;  // unescaped quoted fields the rows point into
};

// Parses a whole file's bytes. Fails only when the file as a whole cannot be read as a ledger
// (no usable header, a mapped column missing); row problems become bad_rows.
Result<ParsedLedger> ParseLedger(std::string_view bytes, const IngestOptions& options);

struct IngestReport {
  std::filesystem::path path;
  int64_t file_id = 0;
  uint64_t rows = 0;         // rows stored (duplicates included)
  uint64_t duplicates = 0;           // same external id: stored, not traced
  uint64_t possible_duplicates = 0;  // identical rows without id: stored and traced
  std::vector<BadRow> bad_rows;
  TimeKind time_kind = TimeKind::kUnknown;
  bool already_ingested = false;  // the same bytes (SHA-256) were ingested before; nothing done
  std::string sha256;
};

// Applies the trail schema to the case (idempotent). Every trail entry point calls it.
Status EnsureTrailSchema(store::Case& c);

// Reads `path`, parses it and stores every row in one transaction, with an audit-log entry. The
// rows go to a ledger segment file beside case.db (trail/ledger-*.seg, written, fsynced and renamed
// before the commit that names it; docs/TRAIL.md "Storage"); an import that fails or is killed
// leaves no trace in case.db, and the next import removes its orphaned segment file.
Result<IngestReport> IngestFile(store::Case& c, const std::filesystem::path& path,
                                const IngestOptions& options);

// One stored transaction, wherever it is kept (trail_transactions or a ledger segment). Views
// are valid during the callback only.
struct StoredTransaction {
  int64_t tx_id = 0;
  int64_t file_id = 0;
  uint64_t line = 0;
  std::string_view ext_id;
  std::string_view from;  // account names
  std::string_view to;
  int64_t amount = 0;  // minor units
  std::string_view currency;
  int64_t time = 0;
  std::string_view reference;
  std::string_view type;
  int64_t duplicate_of_line = 0;           // > 0: same external id as that line (never traced)
  int64_t possible_duplicate_of_line = 0;  // > 0: identical row without id (traced)
};

// Calls visit for every stored transaction of the case, by file (file_id order) and within a file
// in line order; stops at the first non-OK status visit returns and returns it. Segments are
// checked against their SHA-256 in case.db first (kCorrupt).
Status ForEachTransaction(store::Case& c,
                          const std::function<Status(const StoredTransaction&)>& visit);

}  // namespace cairn::trail
