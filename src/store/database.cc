#include "cairn/store/database.h"

#include <sqlite3.h>

#include <string>
#include <system_error>

namespace cairn::store {

Status Database::Error(StatusCode code, std::string_view what) const {
  std::string msg = path_.string();
  msg += ": ";
  msg += what;
  if (db_ != nullptr) {
    msg += ": sqlite: ";
    msg += sqlite3_errmsg(db_);
  }
  switch (code) {
    case StatusCode::kNotFound: return Status::NotFound(std::move(msg));
    case StatusCode::kCorrupt: return Status::Corrupt(std::move(msg));
    case StatusCode::kInvalidArgument: return Status::InvalidArgument(std::move(msg));
    case StatusCode::kInternal: return Status::Internal(std::move(msg));
    default: return Status::IoError(std::move(msg));
  }
}

namespace {
StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return StatusCode::kCorrupt;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_ERROR: return StatusCode::kInvalidArgument;
    default: return StatusCode::kIoError;
  }
}
}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path, bool create) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec)) {
    return Status::NotFound(path.string() + ": no such case database");
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK) return db->Error(CodeFor(rc), "cannot open");
  sqlite3_busy_timeout(raw, 5000);
  CAIRN_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                                 "PRAGMA synchronous=NORMAL;"));
  return db;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string what = "exec failed";
    if (err != nullptr) sqlite3_free(err);
    return Error(CodeFor(rc), what);
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Error(CodeFor(rc), "cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  bool writes = stmt != nullptr && sqlite3_stmt_readonly(stmt) == 0;
  return Statement(this, stmt, writes);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

Status Database::CountWrite() {
  if (writes_left_ < 0) return Status::Ok();
  if (writes_left_ == 0) {
    return Status::IoError(path_.string() + ": injected write failure (test seam)");
  }
  --writes_left_;
  return Status::Ok();
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), writes_(other.writes_) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    writes_ = other.writes_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

#define CAIRN_BIND_CHECK(expr)                                                  \
  do {                                                                          \
    int rc_ = (expr);                                                           \
    if (rc_ != SQLITE_OK) return db_->Error(CodeFor(rc_), "cannot bind value"); \
  } while (0)

Status Statement::BindInt(int index, int64_t value) {
  CAIRN_BIND_CHECK(sqlite3_bind_int64(stmt_, index, value));
  return Status::Ok();
}
Status Statement::BindDouble(int index, double value) {
  CAIRN_BIND_CHECK(sqlite3_bind_double(stmt_, index, value));
  return Status::Ok();
}
Status Statement::BindText(int index, std::string_view value) {
  CAIRN_BIND_CHECK(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8));
  return Status::Ok();
}
Status Statement::BindNull(int index) {
  CAIRN_BIND_CHECK(sqlite3_bind_null(stmt_, index));
  return Status::Ok();
}
Status Statement::BindOptionalText(int index, const std::optional<std::string>& value) {
  return value ? BindText(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (stmt_ == nullptr) return false;  // empty SQL
  if (writes_) CAIRN_RETURN_IF_ERROR(db_->CountWrite());
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status s = db_->Error(CodeFor(rc), "step failed");
  sqlite3_reset(stmt_);
  return s;
}

Status Statement::Run() {
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
  }
  if (stmt_ != nullptr) sqlite3_reset(stmt_);
  return Status::Ok();
}

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }
std::string_view Statement::ColumnText(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}
bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int Statement::ColumnCount() const { return stmt_ ? sqlite3_column_count(stmt_) : 0; }

Result<Transaction> Transaction::Begin(Database& db) {
  CAIRN_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Status Transaction::Commit() {
  CAIRN_ASSERT(db_ != nullptr);
  Status s = db_->Exec("COMMIT");
  if (!s.ok()) return s;  // the destructor rolls back
  db_ = nullptr;
  return Status::Ok();
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

}  // namespace cairn::store
