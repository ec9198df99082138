#include "cairn/hashset/library.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "cairn/store/database.h"
#include "cairn_test_support.h"

namespace cairn::hashset {
namespace {

using cairn::testing::TempDir;
using cairn::testing::WriteFile;

std::unique_ptr<Library> OpenLibrary(const TempDir& dir) {
  auto lib = Library::Open(dir / "home");
  EXPECT_TRUE(lib.ok()) << lib.status().ToString();
  return std::move(*lib);
}

size_t FilesUnder(const std::filesystem::path& p) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(p)) n += e.is_regular_file();
  return n;
}

TEST(LibraryTest, ImportsFindsAndDecodesEntries) {
  TempDir dir;
  WriteFile(dir / "list.md5",
            "900150983cd24fb0d6963f7d28e17f72  abc.txt\n"
            "D41D8CD98F00B204E9800998ECF8427E  empty.txt\n"
            "0cc175b9c0f1b6a831c399e269772661  a.txt\n");
  auto lib = OpenLibrary(dir);
  auto row = lib->Import(dir / "list.md5", "demo", "1", {});
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->counts.entries, 2u);  // the empty-file digest is ignored and counted
  EXPECT_EQ(row->counts.md5, 2u);
  EXPECT_NE(row->report_json.find("\"zero_length_digests_ignored\":1"), std::string::npos);

  auto list = lib->OpenList("demo@1");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE((*list)->VerifyChecksum().ok());
  EXPECT_EQ((*list)->info().name, "demo");
  EXPECT_EQ((*list)->info().format, "hashsum");
  std::vector<uint64_t> ids;
  ASSERT_EQ((*list)->md5().Find(*Md5::FromHex("0cc175b9c0f1b6a831c399e269772661"), ids), 1u);
  auto entry = (*list)->EntryAt(ids[0]);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->file_name.value_or(""), "a.txt");
  EXPECT_EQ(entry->provenance.line, 3u);
  EXPECT_FALSE((*list)->md5().Contains(*Md5::FromHex("d41d8cd98f00b204e9800998ecf8427e")));
}

TEST(LibraryTest, VersionsAreImmutableAndRemovable) {
  TempDir dir;
  WriteFile(dir / "list.md5", "900150983cd24fb0d6963f7d28e17f72  abc.txt\n");
  auto lib = OpenLibrary(dir);
  ASSERT_TRUE(lib->Import(dir / "list.md5", "demo", "1", {}).ok());
  auto again = lib->Import(dir / "list.md5", "demo", "1", {});
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.status().message().find("immutable"), std::string::npos);
  ASSERT_TRUE(lib->Import(dir / "list.md5", "demo", "2", {}).ok());
  EXPECT_EQ(lib->Find("demo")->version, "2");  // newest by default
  ASSERT_TRUE(lib->Remove("demo", "2").ok());
  EXPECT_EQ(lib->Find("demo")->version, "1");
  EXPECT_EQ(lib->List()->size(), 1u);
  EXPECT_EQ(lib->Import(dir / "list.md5", "../evil", "1", {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(LibraryTest, FailedImportLeavesTheLibraryAsItWas) {
  TempDir dir;
  WriteFile(dir / "good.md5", "900150983cd24fb0d6963f7d28e17f72  abc.txt\n");
  auto lib = OpenLibrary(dir);
  ASSERT_TRUE(lib->Import(dir / "good.md5", "kept", "1", {}).ok());
  const size_t files_before = FilesUnder(dir / "home/lists");

  // The catalog write fails (as on a full disk): no row, no file left behind.
  lib->catalog().FailAfterWrites(0);
  auto failed = lib->Import(dir / "good.md5", "new", "1", {});
  lib->catalog().FailAfterWrites(-1);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(lib->List()->size(), 1u);
  EXPECT_EQ(FilesUnder(dir / "home/lists"), files_before);

  // A source the reader gives up on: nothing is written either.
  WriteFile(dir / "broken.json", "{\"value\": [ {\"MD5\": ");
  ImportOptions vics;
  vics.format = Format::kVicsJson;
  EXPECT_FALSE(lib->Import(dir / "broken.json", "broken", "1", vics).ok());
  EXPECT_EQ(lib->List()->size(), 1u);
  EXPECT_EQ(FilesUnder(dir / "home/lists"), files_before);
}

TEST(LibraryTest, PdqListsGetAnIndexThatFindsNearDuplicates) {
  TempDir dir;
  std::mt19937_64 rng(42);
  std::vector<Hash256> hashes(200);
  std::ofstream out(dir / "list.pdq");
  for (auto& h : hashes) {
    for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
    out << h.ToHex() << ",100\n";
  }
  out.close();
  auto lib = OpenLibrary(dir);
  ImportOptions pdq;
  pdq.format = Format::kPdqList;
  ASSERT_TRUE(lib->Import(dir / "list.pdq", "pdq", "1", pdq).ok());
  auto list = lib->OpenList("pdq");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  Hash256 query = hashes[17];
  for (int k = 0; k < 31; ++k) query.bytes[static_cast<size_t>(k)] ^= 1;  // 31 bits away
  std::vector<index::Neighbor> found;
  ASSERT_TRUE((*list)->pdq().RangeSearch(std::span(&query, 1), 31, found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].distance, 31);
  auto entry = (*list)->EntryAt(found[0].id);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->pdq, hashes[17]);
  EXPECT_EQ(entry->pdq_quality.value_or(-1), 100);
}

TEST(LibraryTest, DamagedFilesAreRefusedWithAClearError) {
  TempDir dir;
  WriteFile(dir / "list.md5", "900150983cd24fb0d6963f7d28e17f72  abc.txt\n");
  auto lib = OpenLibrary(dir);
  auto row = lib->Import(dir / "list.md5", "demo", "1", {});
  ASSERT_TRUE(row.ok());
  const auto path = dir / "home" / row->file;
  std::vector<uint8_t> bytes = cairn::testing::ReadFileBytes(path);

  auto write = [&](const std::vector<uint8_t>& b) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    WriteFile(path, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  };
  // Truncated.
  write(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2)));
  auto truncated = CompiledList::Open(path);
  EXPECT_EQ(truncated.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(truncated.status().message().find(path.string()), std::string::npos);
  // A flipped bit in the footer.
  std::vector<uint8_t> footer_flip = bytes;
  footer_flip[footer_flip.size() - 100] ^= 4;
  write(footer_flip);
  EXPECT_EQ(CompiledList::Open(path).status().code(), StatusCode::kCorrupt);
  // A flipped bit in the body: opens (O(1) checks) but the checksum catches it.
  std::vector<uint8_t> body_flip = bytes;
  body_flip[70] ^= 1;
  write(body_flip);
  auto opened = CompiledList::Open(path);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ((*opened)->VerifyChecksum().code(), StatusCode::kCorrupt);
  // Every truncation length fails cleanly (no crash).
  for (size_t n = 0; n < bytes.size(); n += 37) {
    write(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(n)));
    EXPECT_FALSE(CompiledList::Open(path).ok()) << n;
  }
}

TEST(LibraryTest, SharedVicsSampleImportsWithCategories) {
  CAIRN_REQUIRE_SHARED_DATA(vics, "formats/vics/vics-2.0-media-hashlist.synthetic-fixture.json");
  TempDir dir;
  auto lib = OpenLibrary(dir);
  auto row = lib->Import(vics, "vics-sample", "2.0", {});
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  auto list = lib->OpenList("vics-sample@2.0");
  ASSERT_TRUE(list.ok());
  ASSERT_GT((*list)->entry_count(), 0u);
  for (uint64_t id = 0; id < (*list)->entry_count(); ++id) {
    auto entry = (*list)->EntryAt(id);
    ASSERT_TRUE(entry.ok()) << entry.status().ToString();
    EXPECT_NE(entry->category.scheme, CategoryScheme::kNone);
  }
}

}  // namespace
}  // namespace cairn::hashset
