// A case is a folder holding case.db (SQLite, WAL, foreign keys on). Case owns its Database;
// modules add their tables through ApplyMigrations (versioned per module in `schema_version`).
// The audit log is append-only (triggers refuse UPDATE/DELETE) and hash-chained: each row stores
// SHA-256(previous hash || its own fields), so VerifyAuditLog finds any edited or removed row.
// The `people` table is the shared person registry (keyed by a person id; see docs/STORE.md).
// One Case per thread; every Status names the case path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/store/database.h"

namespace cairn::store {

// Applies migrations[current..] for `module` in one transaction and records the new version.
// migrations[i] takes the module's schema from version i to i+1. Refuses (kUnsupported) a
// database whose recorded version is newer than this build knows.
Status ApplyMigrations(Database& db, std::string_view module,
                       std::span<const std::string_view> migrations);
// The recorded schema version of `module` (0 when it has none).
Result<int64_t> SchemaVersion(Database& db, std::string_view module);

struct AuditEntry {
  int64_t seq = 0;
  std::string time_utc;  // ISO 8601, e.g. 2026-11-29T04:10:00Z
  std::string actor;     // ActorName() of the process that wrote the row
  std::string action;    // e.g. "trail.ingest"
  std::string detail;    // free text or JSON
  std::string prev_hash; // hex SHA-256 of the previous row ("" for the first)
  std::string hash;      // hex SHA-256 of this row
};

// Who runs this process, for audit rows and run logs: "account@host" from the effective uid
// (getpwuid_r, "uid N" when the account has no name) and gethostname.
std::string ActorName();

// The chained hash of one audit row (exposed so tests and other stores compute it identically).
std::string AuditRowHash(const AuditEntry& entry);

class Case {
 public:
  // Opens DIR/case.db; create=true makes DIR and the database when missing.
  static Result<std::unique_ptr<Case>> Open(const std::filesystem::path& dir, bool create);

  const std::filesystem::path& dir() const { return dir_; }
  Database& db() { return *db_; }

  // Appends one audit row. Called inside a caller's Transaction it commits or rolls back with it.
  Status AppendAudit(std::string_view action, std::string_view detail);
  // Every audit row in order (a case holds one row per command run, so this stays small).
  Result<std::vector<AuditEntry>> ReadAuditLog();
  // OK when every row's hash matches its content and its predecessor; kCorrupt naming the first
  // bad row otherwise.
  Status VerifyAuditLog();

  // Adds or updates a person (the shared person registry).
  Status UpsertPerson(std::string_view person_id, std::string_view display_name,
                      std::string_view phone_e164, std::string_view email, bool flagged,
                      std::string_view flag_reason);

 private:
  Case(std::filesystem::path dir, std::unique_ptr<Database> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};


}  // namespace cairn::store
