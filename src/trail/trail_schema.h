// The trail module's tables (migrations for store::ApplyMigrations; documented in docs/TRAIL.md).
#pragma once

#include <string_view>

namespace cairn::trail {

inline constexpr std::string_view kTrailMigrations[] = {
    R"sql(
CREATE TABLE trail_files(
  file_id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  preset TEXT NOT NULL,
  time_kind TEXT NOT NULL,
  rows INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  possible_duplicates INTEGER NOT NULL DEFAULT 0,
  bad_rows INTEGER NOT NULL,
  statement_account TEXT,
  ingested_utc TEXT NOT NULL);
CREATE TABLE trail_bad_rows(
  file_id INTEGER NOT NULL REFERENCES trail_files(file_id),
  line INTEGER NOT NULL,
  message TEXT NOT NULL);
CREATE TABLE trail_accounts(
  account_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE);
CREATE TABLE trail_transactions(
  tx_id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES trail_files(file_id),
  line INTEGER NOT NULL,
  ext_id TEXT,
  from_account INTEGER NOT NULL REFERENCES trail_accounts(account_id),
  to_account INTEGER NOT NULL REFERENCES trail_accounts(account_id),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  time INTEGER NOT NULL,
  reference TEXT,
  tx_type TEXT,
  duplicate_of_line INTEGER,
  possible_duplicate_of_line INTEGER);
CREATE TABLE trail_links(
  account_id INTEGER NOT NULL REFERENCES trail_accounts(account_id),
  person_id TEXT NOT NULL REFERENCES people(person_id),
  reason TEXT NOT NULL,
  confidence REAL NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY(account_id, person_id, reason));
CREATE TABLE trail_patterns(
  pattern_id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  accounts TEXT NOT NULL,
  tx_ids TEXT NOT NULL,
  total_minor INTEGER NOT NULL,
  first_time INTEGER NOT NULL,
  last_time INTEGER NOT NULL,
  detail TEXT NOT NULL);
CREATE VIEW trail_flagged_accounts AS
  SELECT DISTINCT l.account_id, a.name, l.person_id, p.flag_reason
  FROM trail_links l JOIN people p ON p.person_id = l.person_id
  JOIN trail_accounts a ON a.account_id = l.account_id WHERE p.flagged = 1;
)sql",
    // v2: a file's transactions live in a ledger segment beside case.db (trail/<segment>, see
    // src/trail/ledger_segment.h); its rows have tx_id first_tx_id .. first_tx_id + rows - 1.
    // trail_transactions keeps the rows of v1 files and, for segment files, the rows that carry a
    // reference (for SQL readers of references). Files with segment IS NULL are v1 files.
    R"sql(
ALTER TABLE trail_files ADD COLUMN segment TEXT;
ALTER TABLE trail_files ADD COLUMN segment_sha256 TEXT;
ALTER TABLE trail_files ADD COLUMN first_tx_id INTEGER;
CREATE TABLE trail_file_currencies(
  file_id INTEGER NOT NULL REFERENCES trail_files(file_id),
  currency TEXT NOT NULL,
  rows INTEGER NOT NULL,
  PRIMARY KEY(file_id, currency));
)sql",
};

}  // namespace cairn::trail
