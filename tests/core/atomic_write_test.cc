#include "cairn/core/atomic_write.h"

#include <gtest/gtest.h>

#include "cairn_test_support.h"

namespace cairn {
namespace {

TEST(WriteFileAtomically, WritesWholeOrLeavesTheTargetAsItWas) {
  testing::TempDir dir;
  const std::filesystem::path target = dir / "report.txt";
  ASSERT_TRUE(WriteFileAtomically(target, [](std::ostream& o) {
                o << "first";
                return Status::Ok();
              }).ok());
  EXPECT_EQ(testing::ReadText(target), "first");

  // A failing fill (half written) leaves the old content and no temporary behind.
  const Status failed = WriteFileAtomically(target, [](std::ostream& o) {
    o << "half";
    return Status::IoError("source went away");
  });
  EXPECT_EQ(failed.code(), StatusCode::kIoError);
  EXPECT_EQ(testing::ReadText(target), "first");
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);

  // A folder that does not exist: an error naming the temporary file, nothing created.
  const Status missing = WriteFileAtomically(dir / "no/such/out.txt", [](std::ostream&) { return Status::Ok(); });
  EXPECT_EQ(missing.code(), StatusCode::kIoError);
  EXPECT_NE(missing.message().find("no/such/out.txt.tmp"), std::string::npos) << missing.ToString();
}

}  // namespace
}  // namespace cairn
