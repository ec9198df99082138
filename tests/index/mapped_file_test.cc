#include "cairn/index/mapped_file.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cairn_test_support.h"

namespace cairn::index {
namespace {

TEST(MappedFileTest, MapsTheWholeFile) {
  cairn::testing::TempDir dir;
  cairn::testing::WriteFile(dir / "a.bin", "hello mapped world");
  Result<MappedFile> f = MappedFile::Open(dir / "a.bin");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 18u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(f->bytes().data()), 18), "hello mapped world");
  MappedFile moved = std::move(*f);
  EXPECT_EQ(moved.size(), 18u);
  EXPECT_EQ(f->size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
}

TEST(MappedFileTest, EmptyFileMapsToEmptySpan) {
  cairn::testing::TempDir dir;
  cairn::testing::WriteFile(dir / "empty", "");
  Result<MappedFile> f = MappedFile::Open(dir / "empty");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->bytes().empty());
}

TEST(MappedFileTest, MissingFileIsNotFoundAndNamesTheFile) {
  cairn::testing::TempDir dir;
  Result<MappedFile> f = MappedFile::Open(dir / "nope.idx");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
  EXPECT_NE(f.status().message().find("nope.idx"), std::string::npos);
}

TEST(MappedFileTest, FolderIsRefused) {
  cairn::testing::TempDir dir;
  Result<MappedFile> f = MappedFile::Open(dir.path());
  ASSERT_FALSE(f.ok());
}

TEST(SharedBytesTest, SliceKeepsOwnerAliveAndChecksRange) {
  SharedBytes slice;
  {
    SharedBytes all = SharedBytes::FromVector({1, 2, 3, 4, 5});
    Result<SharedBytes> s = all.Slice(1, 3);
    ASSERT_TRUE(s.ok());
    slice = *s;
    EXPECT_FALSE(all.Slice(4, 2).ok());
    EXPECT_FALSE(all.Slice(6, 0).ok());
    EXPECT_FALSE(all.Slice(1, UINT64_MAX).ok());
  }
  ASSERT_EQ(slice.size(), 3u);
  EXPECT_EQ(slice.span()[0], 2);
  EXPECT_EQ(slice.span()[2], 4);
}

TEST(SharedBytesTest, CopyToHugePagesCopiesAndOutlivesTheSource) {
  SharedBytes copy;
  {
    std::vector<uint8_t> source(3 << 20);
    for (size_t i = 0; i < source.size(); ++i) source[i] = static_cast<uint8_t>(i * 131 + 7);
    Result<SharedBytes> c = SharedBytes::CopyToHugePages(source);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    copy = *c;
    EXPECT_TRUE(std::equal(source.begin(), source.end(), copy.span().begin(), copy.span().end()));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(copy.data()) % 64, 0u);
  }
  EXPECT_EQ(copy.size(), size_t{3} << 20);
  EXPECT_EQ(copy.span()[12345], static_cast<uint8_t>(12345 * 131 + 7));
  Result<SharedBytes> empty = SharedBytes::CopyToHugePages({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

TEST(AtomicFileWriterTest, CommitReplacesAndLeavesNoTemporary) {
  cairn::testing::TempDir dir;
  cairn::testing::WriteFile(dir / "list.idx", "old");
  const std::vector<uint8_t> data = {'n', 'e', 'w', '!'};
  ASSERT_TRUE(WriteFileAtomically(dir / "list.idx", data).ok());
  EXPECT_EQ(cairn::testing::ReadFileBytes(dir / "list.idx"), data);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileWriterTest, AbandonedWriterLeavesOldFileAndNoTemporary) {
  cairn::testing::TempDir dir;
  cairn::testing::WriteFile(dir / "list.idx", "old");
  {
    Result<AtomicFileWriter> w = AtomicFileWriter::Create(dir / "list.idx");
    ASSERT_TRUE(w.ok());
    const std::vector<uint8_t> half = {'h', 'a', 'l', 'f'};
    ASSERT_TRUE(w->Append(half).ok());
    // destroyed without Commit, as after an error
  }
  const std::vector<uint8_t> old = {'o', 'l', 'd'};
  EXPECT_EQ(cairn::testing::ReadFileBytes(dir / "list.idx"), old);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileWriterTest, PadToAligns) {
  cairn::testing::TempDir dir;
  Result<AtomicFileWriter> w = AtomicFileWriter::Create(dir / "x");
  ASSERT_TRUE(w.ok());
  const std::vector<uint8_t> three = {1, 2, 3};
  ASSERT_TRUE(w->Append(three).ok());
  ASSERT_TRUE(w->PadTo(64).ok());
  EXPECT_EQ(w->offset(), 64u);
  ASSERT_TRUE(w->PadTo(64).ok());
  EXPECT_EQ(w->offset(), 64u);
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_FALSE(w->Commit().ok());
  EXPECT_EQ(std::filesystem::file_size(dir / "x"), 64u);
}

TEST(AtomicFileWriterTest, MissingFolderNamesTheFile) {
  cairn::testing::TempDir dir;
  Result<AtomicFileWriter> w = AtomicFileWriter::Create(dir / "no" / "such" / "list.idx");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("list.idx"), std::string::npos);
}

}  // namespace
}  // namespace cairn::index
