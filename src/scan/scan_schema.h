// The scan module's tables (migrations for store::ApplyMigrations; documented in docs/SCAN.md).
#pragma once

#include <string_view>

namespace cairn::scan {

inline constexpr std::string_view kScanMigrations[] = {
    // v1
    R"sql(
CREATE TABLE scan_runs(
  id INTEGER PRIMARY KEY,
  actor TEXT NOT NULL,
  started_utc TEXT NOT NULL,
  finished_utc TEXT,
  cairn_version TEXT NOT NULL,
  options_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('running','complete','interrupted')),
  invocations INTEGER NOT NULL DEFAULT 1);
CREATE TABLE scan_lists(
  run_id INTEGER NOT NULL REFERENCES scan_runs(id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  format TEXT NOT NULL,
  PRIMARY KEY(run_id, position));
CREATE TABLE scan_evidence(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES scan_runs(id),
  position INTEGER NOT NULL,
  path TEXT NOT NULL,
  label TEXT NOT NULL,
  kind TEXT NOT NULL,
  size INTEGER,
  sha256 TEXT);
CREATE TABLE scan_items(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES scan_runs(id),
  evidence_id INTEGER NOT NULL REFERENCES scan_evidence(id),
  forensic_path TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  size INTEGER,
  mtime INTEGER, atime INTEGER, ctime INTEGER,
  inode INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0,
  container_sha256 TEXT,
  md5 TEXT, sha1 TEXT, sha256 TEXT,
  media_type TEXT,
  width INTEGER, height INTEGER,
  pdq TEXT, pdq_quality INTEGER,
  known_good_matches INTEGER NOT NULL DEFAULT 0,
  note TEXT,
  error TEXT,
  UNIQUE(run_id, evidence_id, forensic_path));
CREATE TABLE scan_findings(
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES scan_items(id),
  list_name TEXT NOT NULL,
  list_version TEXT NOT NULL,
  entry_id INTEGER NOT NULL,
  entry_record INTEGER NOT NULL,
  entry_line INTEGER NOT NULL,
  entry_source_id TEXT,
  entry_md5 TEXT, entry_sha1 TEXT, entry_sha256 TEXT, entry_pdq TEXT,
  entry_pdq_quality INTEGER,
  entry_file_name TEXT,
  entry_series TEXT,
  rule TEXT NOT NULL,
  distance INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  dihedral TEXT,
  category_scheme TEXT NOT NULL,
  category_raw TEXT NOT NULL,
  category_class TEXT NOT NULL);
CREATE INDEX scan_findings_item ON scan_findings(item_id);
CREATE TABLE scan_errors(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES scan_runs(id),
  item_id INTEGER REFERENCES scan_items(id),
  forensic_path TEXT,
  message TEXT NOT NULL);
)sql",
    // v2: videos — vPDQ frame hashes per item, their count, and the vPDQ rule's numbers per finding.
    R"sql(
CREATE TABLE scan_video_frames(
  item_id INTEGER NOT NULL REFERENCES scan_items(id),
  frame_number INTEGER NOT NULL,
  quality INTEGER NOT NULL,
  pdq TEXT NOT NULL,
  timestamp REAL NOT NULL,
  PRIMARY KEY(item_id, frame_number));
ALTER TABLE scan_items ADD COLUMN video_frames INTEGER;
ALTER TABLE scan_findings ADD COLUMN entry_last_id INTEGER;
ALTER TABLE scan_findings ADD COLUMN vpdq_query_percent REAL;
ALTER TABLE scan_findings ADD COLUMN vpdq_reference_percent REAL;
ALTER TABLE scan_findings ADD COLUMN vpdq_query_frames INTEGER;
ALTER TABLE scan_findings ADD COLUMN vpdq_reference_frames INTEGER;
ALTER TABLE scan_findings ADD COLUMN vpdq_min_quality INTEGER;
ALTER TABLE scan_findings ADD COLUMN vpdq_min_percent REAL;
)sql",
    // v3: E01 evidence checked against the digests stored in it at acquisition (NULL verdict:
    // not an E01). Verdicts: verified, mismatch, no-stored-digest, unreadable (ewf_error says why).
    R"sql(
ALTER TABLE scan_evidence ADD COLUMN ewf_verdict TEXT;
ALTER TABLE scan_evidence ADD COLUMN ewf_media_bytes INTEGER;
ALTER TABLE scan_evidence ADD COLUMN ewf_stored_md5 TEXT;
ALTER TABLE scan_evidence ADD COLUMN ewf_stored_sha1 TEXT;
ALTER TABLE scan_evidence ADD COLUMN ewf_computed_md5 TEXT;
ALTER TABLE scan_evidence ADD COLUMN ewf_computed_sha1 TEXT;
ALTER TABLE scan_evidence ADD COLUMN ewf_computed_sha256 TEXT;
ALTER TABLE scan_evidence ADD COLUMN ewf_checksum_errors INTEGER;
ALTER TABLE scan_evidence ADD COLUMN ewf_error TEXT;
)sql",
};

}  // namespace cairn::scan
