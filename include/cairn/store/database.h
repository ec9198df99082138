// A thin RAII layer over SQLite 3: Database (one connection), Statement (a prepared statement
// with bind/step/column helpers) and Transaction (rolls back unless committed). Every failure is a
// Status whose message starts with the database path. A Database is move-only and must be used by
// one thread at a time; Statements and Transactions borrow it and must not outlive it.
// Test seam: FailAfterWrites(n) makes the (n+1)-th write statement fail, to prove all-or-nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "cairn/core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cairn::store {

class Database;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
  Status BindInt(int index, int64_t value);
  Status BindDouble(int index, double value);
  Status BindText(int index, std::string_view value);
  Status BindNull(int index);
  Status BindOptionalText(int index, const std::optional<std::string>& value);

  // Runs one step: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps until done (for INSERT/UPDATE/DDL), then resets so the statement can be run again.
  Status Run();
  // Resets and clears bindings.
  void Reset();

  // Columns are 0-based. Text views are valid until the next Step/Reset.
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string_view ColumnText(int column) const;
  bool ColumnIsNull(int column) const;
  int ColumnCount() const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt, bool writes) : db_(db), stmt_(stmt), writes_(writes) {}

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool writes_ = false;
};

class Database {
 public:
  // Opens (create=true: creates when missing) the SQLite file at `path` in WAL mode with foreign
  // keys enforced. kNotFound when it is missing and create is false.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path, bool create);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more SQL statements without results.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertRowId() const;
  const std::filesystem::path& path() const { return path_; }

  // Test seam: after `writes` more successful write steps, every write step fails with kIoError
  // (as a full disk would). A negative value switches the fault off.
  void FailAfterWrites(int64_t writes) { writes_left_ = writes; }

  // "PATH: sqlite: <message>" for the connection's last error.
  Status Error(StatusCode code, std::string_view what) const;

 private:
  friend class Statement;
  Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  Status CountWrite();

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  int64_t writes_left_ = -1;
};

// Runs `sql` (no parameters) and calls row(statement) for each result row. `row` returns void, or
// a Status that stops the walk and is returned when it is not OK.
template <typename Row>
Status ForEachRow(Database& db, std::string_view sql, Row&& row) {
  CAIRN_ASSIGN_OR_RETURN(Statement q, db.Prepare(sql));
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool has, q.Step());
    if (!has) return Status::Ok();
    if constexpr (std::is_void_v<std::invoke_result_t<Row&, Statement&>>) {
      row(q);
    } else {
      CAIRN_RETURN_IF_ERROR(row(q));
    }
  }
}

// BEGIN IMMEDIATE ... COMMIT; the destructor rolls back when Commit was not called or failed.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
};

}  // namespace cairn::store
