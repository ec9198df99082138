#include "cairn/store/case.h"

#include <sqlite3.h>
#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/time.h"

namespace cairn::store {
namespace {

constexpr std::string_view kCoreMigrations[] = {
    // v1: the audit log and the person registry.
    R"sql(
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  time_utc TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE people(
  person_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  phone_e164 TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  flagged INTEGER NOT NULL DEFAULT 0,
  flag_reason TEXT NOT NULL DEFAULT '');
CREATE INDEX people_phone ON people(phone_e164);
CREATE INDEX people_email ON people(email);
)sql",
};

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string ActorName() {
  // The account the kernel runs us as, not $USER (which any caller can set).
  const uid_t uid = ::geteuid();
  std::string user = "uid " + std::to_string(uid);
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    user = found->pw_name;
  }
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) == 0 && host[0] != '\0') {
    user.push_back('@');
    user.append(host.data());
  }
  return user;
}

Result<int64_t> SchemaVersion(Database& db, std::string_view module) {
  CAIRN_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version(module TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
  CAIRN_ASSIGN_OR_RETURN(Statement q, db.Prepare("SELECT version FROM schema_version WHERE module=?"));
  CAIRN_RETURN_IF_ERROR(q.BindText(1, module));
  CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.ColumnInt(0) : 0;
}

Status ApplyMigrations(Database& db, std::string_view module,
                       std::span<const std::string_view> migrations) {
  CAIRN_ASSIGN_OR_RETURN(int64_t current, SchemaVersion(db, module));
  const auto known = static_cast<int64_t>(migrations.size());
  if (current > known) {
    return Status::Unsupported(db.path().string() + ": schema of module '" + std::string(module) +
                               "' is version " + std::to_string(current) + ", this build knows " +
                               std::to_string(known));
  }
  if (current == known) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db));
  for (int64_t v = current; v < known; ++v) {
    Status s = db.Exec(migrations[static_cast<size_t>(v)]);
    if (!s.ok()) {
      return s.WithContext("migration " + std::string(module) + " v" + std::to_string(v + 1));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(Statement up, db.Prepare(
      "INSERT INTO schema_version(module, version) VALUES(?, ?) "
      "ON CONFLICT(module) DO UPDATE SET version=excluded.version"));
  CAIRN_RETURN_IF_ERROR(up.BindText(1, module));
  CAIRN_RETURN_IF_ERROR(up.BindInt(2, known));
  CAIRN_RETURN_IF_ERROR(up.Run());
  return txn.Commit();
}

std::string AuditRowHash(const AuditEntry& e) {
  std::string content;
  AppendField(content, e.prev_hash);
  AppendField(content, std::to_string(e.seq));
  AppendField(content, e.time_utc);
  AppendField(content, e.actor);
  AppendField(content, e.action);
  AppendField(content, e.detail);
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(content.data()),
                                        content.size());
  return DigestBytes(bytes).sha256.ToHex();
}

Result<std::unique_ptr<Case>> Case::Open(const std::filesystem::path& dir, bool create) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (!create) return Status::NotFound(dir.string() + ": no such case folder");
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError(dir.string() + ": cannot create case folder: " + ec.message());
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(dir / "case.db", create));
  CAIRN_RETURN_IF_ERROR(ApplyMigrations(*db, "core", kCoreMigrations));
  return std::unique_ptr<Case>(new Case(dir, std::move(db)));
}

Status Case::AppendAudit(std::string_view action, std::string_view detail) {
  CAIRN_ASSIGN_OR_RETURN(Statement last, db_->Prepare(
      "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  AuditEntry e;
  CAIRN_ASSIGN_OR_RETURN(bool row, last.Step());
  if (row) {
    e.seq = last.ColumnInt(0) + 1;
    e.prev_hash = std::string(last.ColumnText(1));
  } else {
    e.seq = 1;
  }
  e.time_utc = UtcNow();
  e.actor = ActorName();
  e.action = std::string(action);
  e.detail = std::string(detail);
  e.hash = AuditRowHash(e);
  CAIRN_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
      "INSERT INTO audit_log(seq, time_utc, actor, action, detail, prev_hash, hash) "
      "VALUES(?,?,?,?,?,?,?)"));
  CAIRN_RETURN_IF_ERROR(ins.BindInt(1, e.seq));
  CAIRN_RETURN_IF_ERROR(ins.BindText(2, e.time_utc));
  CAIRN_RETURN_IF_ERROR(ins.BindText(3, e.actor));
  CAIRN_RETURN_IF_ERROR(ins.BindText(4, e.action));
  CAIRN_RETURN_IF_ERROR(ins.BindText(5, e.detail));
  CAIRN_RETURN_IF_ERROR(ins.BindText(6, e.prev_hash));
  CAIRN_RETURN_IF_ERROR(ins.BindText(7, e.hash));
  return ins.Run();
}

Result<std::vector<AuditEntry>> Case::ReadAuditLog() {
  CAIRN_ASSIGN_OR_RETURN(Statement q, db_->Prepare(
      "SELECT seq, time_utc, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY seq"));
  std::vector<AuditEntry> rows;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    AuditEntry& e = rows.emplace_back();
    e.seq = q.ColumnInt(0);
    e.time_utc = std::string(q.ColumnText(1));
    e.actor = std::string(q.ColumnText(2));
    e.action = std::string(q.ColumnText(3));
    e.detail = std::string(q.ColumnText(4));
    e.prev_hash = std::string(q.ColumnText(5));
    e.hash = std::string(q.ColumnText(6));
  }
  return rows;
}

Status Case::VerifyAuditLog() {
  CAIRN_ASSIGN_OR_RETURN(std::vector<AuditEntry> rows, ReadAuditLog());
  std::string prev;
  int64_t expected_seq = 1;
  for (const AuditEntry& e : rows) {
    const std::string where = db_->path().string() + ": audit_log row " + std::to_string(e.seq);
    if (e.seq != expected_seq) {
      return Status::Corrupt(where + ": expected row " + std::to_string(expected_seq) +
                             " (a row was removed or inserted)");
    }
    if (e.prev_hash != prev) return Status::Corrupt(where + ": chain broken (prev_hash differs)");
    if (AuditRowHash(e) != e.hash) return Status::Corrupt(where + ": content does not match its hash");
    prev = e.hash;
    ++expected_seq;
  }
  return Status::Ok();
}

Status Case::UpsertPerson(std::string_view person_id, std::string_view display_name,
                          std::string_view phone_e164, std::string_view email, bool flagged,
                          std::string_view flag_reason) {
  CAIRN_ASSIGN_OR_RETURN(Statement up, db_->Prepare(
      "INSERT INTO people(person_id, display_name, phone_e164, email, flagged, flag_reason) "
      "VALUES(?,?,?,?,?,?) ON CONFLICT(person_id) DO UPDATE SET display_name=excluded.display_name,"
      " phone_e164=excluded.phone_e164, email=excluded.email, flagged=excluded.flagged,"
      " flag_reason=excluded.flag_reason"));
  CAIRN_RETURN_IF_ERROR(up.BindText(1, person_id));
  CAIRN_RETURN_IF_ERROR(up.BindText(2, display_name));
  CAIRN_RETURN_IF_ERROR(up.BindText(3, phone_e164));
  CAIRN_RETURN_IF_ERROR(up.BindText(4, email));
  CAIRN_RETURN_IF_ERROR(up.BindInt(5, flagged ? 1 : 0));
  CAIRN_RETURN_IF_ERROR(up.BindText(6, flag_reason));
  return up.Run();
}

}  // namespace cairn::store
