#include "cairn/evidence/directory_walk.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "cairn_test_support.h"

namespace cairn::evidence {
namespace {

using Kind = WalkEntry::Kind;

std::vector<WalkEntry> Walk(const std::filesystem::path& root) {
  std::vector<WalkEntry> out;
  WalkPath(root, [&](const WalkEntry& e) { out.push_back(e); });
  return out;
}

TEST(DirectoryWalkTest, SortedFilesAndSymlinksNotFollowed) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "b/sub");
  testing::WriteFile(dir / "b/sub/z.jpg", "z");
  testing::WriteFile(dir / "a.txt", "a");
  testing::WriteFile(dir / "c.bin", "c");
  // A loop back to the root and a link out of the tree: both recorded, neither followed.
  std::filesystem::create_directory_symlink(dir.path(), dir / "b/loop");
  std::filesystem::create_symlink("/etc/passwd", dir / "b/out");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);

  const auto entries = Walk(dir.path());
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].path, dir / "a.txt");
  EXPECT_EQ(entries[1].path, dir / "b/loop");
  EXPECT_EQ(entries[1].kind, Kind::kSymlink);
  EXPECT_EQ(entries[1].symlink_target, dir.path().string());
  EXPECT_EQ(entries[2].path, dir / "b/out");
  EXPECT_EQ(entries[2].kind, Kind::kSymlink);
  EXPECT_EQ(entries[3].path, dir / "b/sub/z.jpg");
  EXPECT_EQ(entries[3].kind, Kind::kFile);
  EXPECT_EQ(entries[4].path, dir / "c.bin");
  EXPECT_EQ(entries[5].path, dir / "fifo");
  EXPECT_EQ(entries[5].kind, Kind::kSpecial);
}

TEST(DirectoryWalkTest, NonUtf8NamesKeepTheirBytes) {
  testing::TempDir dir;
  const std::string name = "caf\xe9.jpg";  // Latin-1, not UTF-8
  testing::WriteFile(dir / name, "x");
  const auto entries = Walk(dir.path());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].path.filename().string(), name);
}

TEST(DirectoryWalkTest, MissingRootIsAnError) {
  testing::TempDir dir;
  auto missing = Walk(dir / "nope");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].kind, Kind::kError);
  EXPECT_EQ(missing[0].error.code(), StatusCode::kNotFound);
}

TEST(DirectoryWalkTest, UnreadableFolderIsAnErrorAndTheWalkGoesOn) {
  testing::TempDir dir;
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permissions do not stop reads";
  std::filesystem::create_directories(dir / "locked");
  testing::WriteFile(dir / "ok.txt", "x");
  ::chmod((dir / "locked").c_str(), 0);
  const auto entries = Walk(dir.path());
  ::chmod((dir / "locked").c_str(), 0700);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].kind, Kind::kError);
  EXPECT_NE(entries[0].error.message().find("Permission denied"), std::string::npos);
  EXPECT_EQ(entries[1].kind, Kind::kFile);
}

}  // namespace
}  // namespace cairn::evidence
