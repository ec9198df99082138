#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "cairn_test_support.h"

namespace cairn::store {
namespace {

TEST(Database, OpenMissingWithoutCreateIsNotFoundAndNamesPath) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "nope.db", false);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kNotFound);
  EXPECT_NE(db.status().message().find("nope.db"), std::string::npos);
}

TEST(Database, BindStepColumn) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "a.db", true);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER, b TEXT, c REAL)").ok());
  auto ins = (*db)->Prepare("INSERT INTO t VALUES(?,?,?)");
  ASSERT_TRUE(ins.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ins->BindInt(1, i).ok());
    ASSERT_TRUE(ins->BindText(2, "row" + std::to_string(i)).ok());
    ASSERT_TRUE(ins->BindDouble(3, i * 0.5).ok());
    ASSERT_TRUE(ins->Run().ok());
  }
  auto q = (*db)->Prepare("SELECT a, b, c FROM t ORDER BY a DESC");
  ASSERT_TRUE(q.ok());
  auto row = q->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(q->ColumnInt(0), 2);
  EXPECT_EQ(q->ColumnText(1), "row2");
  EXPECT_DOUBLE_EQ(q->ColumnDouble(2), 1.0);
}

TEST(Database, BadSqlIsAnErrorNamingThePath) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "a.db", true);
  ASSERT_TRUE(db.ok());
  auto q = (*db)->Prepare("SELEKT 1");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("a.db"), std::string::npos);
}

TEST(Transaction, RollsBackUnlessCommitted) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "a.db", true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER)").ok());
  {
    auto txn = Transaction::Begin(**db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES(1)").ok());
  }
  {
    auto txn = Transaction::Begin(**db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES(2)").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto q = (*db)->Prepare("SELECT group_concat(a) FROM t");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "2");
}

TEST(Database, InjectedWriteFailureLeavesNothingBehind) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "a.db", true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER)").ok());
  (*db)->FailAfterWrites(5);
  Status failure;
  {
    auto txn = Transaction::Begin(**db);
    ASSERT_TRUE(txn.ok());
    auto ins = (*db)->Prepare("INSERT INTO t VALUES(?)");
    ASSERT_TRUE(ins.ok());
    for (int i = 0; i < 10 && failure.ok(); ++i) {
      failure = ins->BindInt(1, i);
      if (failure.ok()) failure = ins->Run();
    }
  }
  EXPECT_EQ(failure.code(), StatusCode::kIoError);
  (*db)->FailAfterWrites(-1);
  auto q = (*db)->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 0);
}

TEST(Migrations, AppliedOnceInOrderAndVersioned) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "a.db", true);
  ASSERT_TRUE(db.ok());
  constexpr std::string_view v2[] = {"CREATE TABLE m1(a)", "ALTER TABLE m1 ADD COLUMN b"};
  ASSERT_TRUE(ApplyMigrations(**db, "demo", std::span(v2).first(1)).ok());
  EXPECT_EQ(*SchemaVersion(**db, "demo"), 1);
  ASSERT_TRUE(ApplyMigrations(**db, "demo", v2).ok());
  ASSERT_TRUE(ApplyMigrations(**db, "demo", v2).ok());  // idempotent
  EXPECT_EQ(*SchemaVersion(**db, "demo"), 2);
  EXPECT_TRUE((*db)->Exec("INSERT INTO m1(a, b) VALUES(1, 2)").ok());
  // A build that knows fewer migrations refuses the newer database.
  Status older = ApplyMigrations(**db, "demo", std::span(v2).first(1));
  EXPECT_EQ(older.code(), StatusCode::kUnsupported);
}

TEST(Migrations, AFailingStepAppliesNothing) {
  testing::TempDir tmp;
  auto db = Database::Open(tmp / "a.db", true);
  ASSERT_TRUE(db.ok());
  constexpr std::string_view bad[] = {"CREATE TABLE ok1(a)", "CREATE TABLE ok1(a)"};
  EXPECT_FALSE(ApplyMigrations(**db, "demo", bad).ok());
  EXPECT_EQ(*SchemaVersion(**db, "demo"), 0);
  EXPECT_TRUE((*db)->Exec("CREATE TABLE ok1(a)").ok());  // the first step was rolled back too
}

TEST(Case, OpenCreatesFolderAndReopens) {
  testing::TempDir tmp;
  auto c = Case::Open(tmp / "case1", true);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(tmp / "case1" / "case.db"));
  ASSERT_TRUE((*c)->UpsertPerson("tel:+919876543210", "A", "+919876543210", "", true, "hits").ok());
  c->reset();
  auto again = Case::Open(tmp / "case1", false);
  ASSERT_TRUE(again.ok());
  auto q = (*again)->db().Prepare("SELECT flagged FROM people WHERE person_id='tel:+919876543210'");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 1);
  auto missing = Case::Open(tmp / "case2", false);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("case2"), std::string::npos);
}

TEST(AuditLog, ChainVerifiesAndIsAppendOnly) {
  testing::TempDir tmp;
  auto c = Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*c)->AppendAudit("test.step", "detail " + std::to_string(i)).ok());
  EXPECT_TRUE((*c)->VerifyAuditLog().ok());
  EXPECT_FALSE((*c)->db().Exec("UPDATE audit_log SET detail='x' WHERE seq=2").ok());
  EXPECT_FALSE((*c)->db().Exec("DELETE FROM audit_log WHERE seq=2").ok());
  EXPECT_TRUE((*c)->VerifyAuditLog().ok());
  auto rows = (*c)->ReadAuditLog();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[3].seq, 4);
  EXPECT_EQ((*rows)[3].action, "test.step");
  EXPECT_EQ((*rows)[3].detail, "detail 3");
  EXPECT_EQ((*rows)[3].prev_hash, (*rows)[2].hash);
  EXPECT_EQ((*rows)[3].hash, AuditRowHash((*rows)[3]));
  EXPECT_EQ((*rows)[0].prev_hash, "");
}

// Someone with raw SQLite access drops the triggers and edits history: the chain finds it.
TEST(AuditLog, DetectsEditedRow) {
  testing::TempDir tmp;
  auto c = Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*c)->AppendAudit("a", std::to_string(i)).ok());
  ASSERT_TRUE((*c)->db().Exec("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE((*c)->db().Exec("UPDATE audit_log SET detail='forged' WHERE seq=2").ok());
  Status s = (*c)->VerifyAuditLog();
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.message().find("row 2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("case.db"), std::string::npos);
}

TEST(AuditLog, DetectsRemovedRowAndRehashedForgery) {
  testing::TempDir tmp;
  auto c = Case::Open(tmp / "case", true);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*c)->AppendAudit("a", std::to_string(i)).ok());
  ASSERT_TRUE((*c)->db().Exec("DROP TRIGGER audit_log_no_delete").ok());
  ASSERT_TRUE((*c)->db().Exec("DROP TRIGGER audit_log_no_update").ok());
  // Forge row 2 and recompute its own hash: row 3's prev_hash no longer matches.
  AuditEntry e;
  {
    auto q = (*c)->db().Prepare("SELECT seq,time_utc,actor,action,detail,prev_hash FROM audit_log WHERE seq=2");
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(*q->Step());
    e.seq = 2;
    e.time_utc = std::string(q->ColumnText(1));
    e.actor = std::string(q->ColumnText(2));
    e.action = std::string(q->ColumnText(3));
    e.detail = "forged";
    e.prev_hash = std::string(q->ColumnText(5));
  }
  const std::string h = AuditRowHash(e);
  ASSERT_TRUE((*c)->db().Exec("UPDATE audit_log SET detail='forged', hash='" + h + "' WHERE seq=2").ok());
  Status s = (*c)->VerifyAuditLog();
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.message().find("row 3"), std::string::npos) << s.message();
  // Removing the last row cannot be seen by the chain alone, but removing a middle one can.
  ASSERT_TRUE((*c)->db().Exec("DELETE FROM audit_log WHERE seq=3").ok());
  EXPECT_EQ((*c)->VerifyAuditLog().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace cairn::store
