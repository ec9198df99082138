#include "cairn/core/file.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cairn_test_support.h"

namespace cairn {
namespace {

TEST(ReadOnlyFileTest, ReadsAndRefusesOversize) {
  testing::TempDir dir;
  testing::WriteFile(dir / "a.bin", "hello world");
  auto bytes = ReadWholeFile(dir / "a.bin", 100);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()), "hello world");
  auto big = ReadWholeFile(dir / "a.bin", 4);
  EXPECT_EQ(big.status().code(), StatusCode::kLimitExceeded);
}

TEST(ReadOnlyFileTest, ErrorsNameTheProblem) {
  testing::TempDir dir;
  EXPECT_EQ(ReadOnlyFile::Open(dir / "missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadOnlyFile::Open(dir.path()).status().message(), "not a regular file");
  testing::WriteFile(dir / "target", "x");
  std::filesystem::create_symlink(dir / "target", dir / "link");
  EXPECT_EQ(ReadOnlyFile::Open(dir / "link").status().message(), "is a symbolic link; not followed");
}

TEST(ReadOnlyFileTest, ReadingKeepsTimestamps) {
  testing::TempDir dir;
  const auto p = dir / "evidence.bin";
  testing::WriteFile(p, std::string(10000, 'x'));
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
  struct stat before {};
  ASSERT_EQ(stat(p.c_str(), &before), 0);
  auto bytes = ReadWholeFile(p, 1 << 20);
  ASSERT_TRUE(bytes.ok());
  struct stat after {};
  ASSERT_EQ(stat(p.c_str(), &after), 0);
  EXPECT_EQ(before.st_atim.tv_sec, after.st_atim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
}

}  // namespace
}  // namespace cairn
