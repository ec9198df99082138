#include "cairn/core/status.h"
#include "cairn/core/time.h"

#include <gtest/gtest.h>

#include <memory>

namespace cairn {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  CAIRN_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status().ok());
  const Status s = Status::Corrupt("truncated").WithContext("a.jpg");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.ToString(), "corrupt: a.jpg: truncated");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(12), 3);
  const Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
}

TEST(StatusTest, MoveOnlyValuesMoveOutOfATemporaryResult) {
  auto make = [] { return Result<std::unique_ptr<int>>(std::make_unique<int>(7)); };
  std::unique_ptr<int> p = *make();
  EXPECT_EQ(*p, 7);
}

TEST(StatusDeathTest, ResultFromOkStatusIsABug) {
  EXPECT_DEATH({ Result<int> r(Status::Ok()); }, "assertion");
}

TEST(TimeTest, FormatsUtc) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1764390000), "2025-11-29T04:20:00Z");
}

}  // namespace
}  // namespace cairn
