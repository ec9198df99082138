// Evidence sources over real fixtures made in the test with zip, bsdtar, 7z, gzip, mkfs.fat,
// mtools, mke2fs and sfdisk: forensic paths, containers, limits, deleted files, read-only.
#include "cairn/evidence/source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn_test_support.h"

namespace cairn::evidence {
namespace {

namespace fs = std::filesystem;
using cairn::testing::TempDir;
using cairn::testing::WriteFile;

struct Seen {
  Item item;
  std::string bytes;
};

std::vector<Seen> Visit(const fs::path& path, const SourceOptions& options = {}, Status* status = nullptr) {
  std::vector<Seen> out;
  Status s = VisitEvidence(path, options, [&](const Item& item, std::span<const uint8_t> bytes) {
    out.push_back({item, std::string(bytes.begin(), bytes.end())});
  });
  if (status) *status = s;
  EXPECT_TRUE(status != nullptr || s.ok()) << s.ToString();
  return out;
}

std::vector<std::string> Paths(const std::vector<Seen>& seen) {
  std::vector<std::string> p;
  for (const Seen& s : seen) p.push_back(s.item.forensic_path);
  return p;
}

const Seen* Find(const std::vector<Seen>& seen, const std::string& path) {
  for (const Seen& s : seen) {
    if (s.item.forensic_path == path) return &s;
  }
  return nullptr;
}

bool Have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

#define REQUIRE_TOOL(t) \
  if (!Have(t)) GTEST_SKIP() << t << " is not installed (scripts/install-deps installs it); skipped"

void Sh(const std::string& cmd) {
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

std::string Sha256Hex(const fs::path& p) {
  std::vector<uint8_t> b = cairn::testing::ReadFileBytes(p);
  return Sha256Of(b).ToHex();
}

std::string Q(const fs::path& p) {
  std::string q = "'";
  q.append(p.string());
  q.push_back('\'');
  return q;
}

TEST(SourceTest, FolderPathsAreExactAndOrderIsStable) {
  TempDir t;
  fs::path root = t / "case";
  fs::create_directories(root / "sub");
  WriteFile(root / "b.txt", "bee");
  WriteFile(root / "a.txt", "ay");
  WriteFile(root / "sub" / "c.txt", "see");
  fs::create_symlink("/etc/passwd", root / "link");
  std::vector<Seen> seen = Visit(root);
  EXPECT_EQ(Paths(seen), (std::vector<std::string>{"case/a.txt", "case/b.txt", "case/link", "case/sub/c.txt"}));
  EXPECT_EQ(seen[0].bytes, "ay");
  EXPECT_EQ(seen[0].item.size, 2u);
  EXPECT_TRUE(seen[0].item.mtime.has_value());
  EXPECT_EQ(seen[0].item.local_path, root / "a.txt");
  EXPECT_EQ(seen[2].item.kind, Item::Kind::kSymlink);
  EXPECT_EQ(seen[2].item.symlink_target, "/etc/passwd");
  EXPECT_EQ(seen[2].bytes, "");
  EXPECT_EQ(Paths(Visit(root)), Paths(seen));

  SourceOptions lazy;
  lazy.read_plain_files = false;
  std::vector<Seen> by_path = Visit(root, lazy);
  EXPECT_EQ(Paths(by_path), Paths(seen));
  EXPECT_EQ(by_path[0].bytes, "");
  EXPECT_EQ(by_path[0].item.local_path, root / "a.txt");
}

TEST(SourceTest, MissingEvidenceFails) {
  Status s;
  Visit("/nonexistent/cairn/evidence", {}, &s);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

TEST(SourceTest, ZipInsideZip) {
  REQUIRE_TOOL("zip");
  TempDir t;
  fs::create_directories(t / "in" / "photos");
  WriteFile(t / "in" / "photos" / "x.jpg", "not really a jpeg");
  Sh("cd " + Q(t / "in") + " && zip -q -r ../inner.zip photos");
  fs::create_directories(t / "out");
  fs::copy_file(t / "inner.zip", t / "out" / "inner.zip");
  WriteFile(t / "out" / "y.txt", "why");
  Sh("cd " + Q(t / "out") + " && zip -q ../outer.zip inner.zip y.txt");
  fs::create_directories(t / "ev");
  fs::rename(t / "outer.zip", t / "ev" / "outer.zip");

  std::vector<Seen> seen = Visit(t / "ev");
  EXPECT_EQ(Paths(seen), (std::vector<std::string>{"ev/outer.zip", "ev/outer.zip/inner.zip",
                                                   "ev/outer.zip/inner.zip/photos/x.jpg", "ev/outer.zip/y.txt"}));
  EXPECT_TRUE(seen[0].item.is_container);
  EXPECT_EQ(seen[0].item.container_sha256, "");
  EXPECT_TRUE(seen[1].item.is_container);
  EXPECT_EQ(seen[1].item.container_sha256, Sha256Hex(t / "ev" / "outer.zip"));
  std::vector<uint8_t> inner = cairn::testing::ReadFileBytes(t / "inner.zip");
  EXPECT_EQ(seen[1].bytes, std::string(inner.begin(), inner.end()));
  EXPECT_EQ(seen[2].bytes, "not really a jpeg");
  EXPECT_EQ(seen[2].item.container_sha256, Sha256Hex(t / "inner.zip"));
  EXPECT_TRUE(seen[2].item.mtime.has_value());
  EXPECT_EQ(seen[3].bytes, "why");

  // With read_plain_files=false the outer zip comes by path and is streamed; members by bytes.
  SourceOptions lazy;
  lazy.read_plain_files = false;
  std::vector<Seen> streamed = Visit(t / "ev", lazy);
  EXPECT_EQ(Paths(streamed), Paths(seen));
  EXPECT_EQ(streamed[0].bytes, "");
  EXPECT_EQ(streamed[0].item.local_path, t / "ev" / "outer.zip");
  EXPECT_EQ(streamed[1].bytes, seen[1].bytes);
  EXPECT_EQ(streamed[2].bytes, "not really a jpeg");
  EXPECT_EQ(streamed[2].item.container_sha256, seen[2].item.container_sha256);

  // Depth limit: with depth 1 the inner zip is an item, not opened.
  SourceOptions shallow;
  shallow.max_archive_depth = 1;
  EXPECT_EQ(Paths(Visit(t / "ev", shallow)),
            (std::vector<std::string>{"ev/outer.zip", "ev/outer.zip/inner.zip", "ev/outer.zip/y.txt"}));
}

TEST(SourceTest, TarGzAndSingleGzipStream) {
  REQUIRE_TOOL("tar");
  REQUIRE_TOOL("gzip");
  TempDir t;
  fs::create_directories(t / "src" / "d");
  WriteFile(t / "src" / "d" / "one.txt", "one");
  WriteFile(t / "src" / "two.txt", "two");
  fs::create_directories(t / "ev");
  Sh("tar -C " + Q(t / "src") + " -czf " + Q(t / "ev" / "a.tar.gz") + " d/one.txt two.txt");
  WriteFile(t / "ev" / "note.txt", "a note");
  Sh("gzip -n " + Q(t / "ev" / "note.txt"));
  std::vector<Seen> seen = Visit(t / "ev");
  EXPECT_EQ(Paths(seen), (std::vector<std::string>{"ev/a.tar.gz", "ev/a.tar.gz/d/one.txt", "ev/a.tar.gz/two.txt",
                                                   "ev/note.txt.gz", "ev/note.txt.gz/note.txt"}));
  EXPECT_EQ(seen[1].bytes, "one");
  EXPECT_EQ(seen[4].bytes, "a note");
}

TEST(SourceTest, RepeatedMemberNamesGetNumbered) {
  REQUIRE_TOOL("tar");
  TempDir t;
  fs::create_directories(t / "src");
  WriteFile(t / "src" / "a.txt", "first");
  Sh("tar -C " + Q(t / "src") + " -cf " + Q(t / "x.tar") + " a.txt");
  WriteFile(t / "src" / "a.txt", "second");
  Sh("tar -C " + Q(t / "src") + " -rf " + Q(t / "x.tar") + " a.txt");
  std::vector<Seen> seen = Visit(t / "x.tar");
  ASSERT_EQ(Paths(seen), (std::vector<std::string>{"x.tar", "x.tar/a.txt", "x.tar/a.txt#2"}));
  EXPECT_EQ(seen[1].bytes, "first");
  EXPECT_EQ(seen[2].bytes, "second");
}

TEST(SourceTest, SkipLeavesOutItemsButStillOpensContainers) {
  REQUIRE_TOOL("zip");
  TempDir t;
  fs::create_directories(t / "ev");
  WriteFile(t / "m.txt", "member");
  Sh("cd " + Q(t.path()) + " && zip -q ev/a.zip m.txt");
  WriteFile(t / "ev" / "b.txt", "bee");
  SourceOptions o;
  o.skip = [](std::string_view p) { return p == "ev/a.zip" || p == "ev/b.txt"; };
  EXPECT_EQ(Paths(Visit(t / "ev", o)), (std::vector<std::string>{"ev/a.zip/m.txt"}));

  std::atomic<bool> stop{false};
  SourceOptions s;
  s.stop = &stop;
  Status status;
  std::vector<Seen> seen;
  status = VisitEvidence(t / "ev", s, [&](const Item& item, std::span<const uint8_t>) {
    seen.push_back({item, ""});
    stop = true;
  });
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(seen.size(), 1u);
}

TEST(SourceTest, SevenZip) {
  REQUIRE_TOOL("7z");
  TempDir t;
  fs::create_directories(t / "src");
  WriteFile(t / "src" / "s.txt", "seven");
  Sh("cd " + Q(t / "src") + " && 7z a -bd -bso0 ../a.7z s.txt");
  std::vector<Seen> seen = Visit(t / "a.7z");
  EXPECT_EQ(Paths(seen), (std::vector<std::string>{"a.7z", "a.7z/s.txt"}));
  EXPECT_EQ(seen[1].bytes, "seven");
}

TEST(SourceTest, EncryptedZipMemberIsRecorded) {
  REQUIRE_TOOL("zip");
  TempDir t;
  fs::create_directories(t / "src");
  WriteFile(t / "src" / "secret.txt", "hidden content");
  WriteFile(t / "src" / "open.txt", "open content");
  Sh("cd " + Q(t / "src") + " && zip -q -P pw ../e.zip secret.txt && zip -q ../e.zip open.txt");
  std::vector<Seen> seen = Visit(t / "e.zip");
  ASSERT_EQ(Paths(seen), (std::vector<std::string>{"e.zip", "e.zip/secret.txt", "e.zip/open.txt"}));
  EXPECT_EQ(seen[1].item.kind, Item::Kind::kError);
  EXPECT_TRUE(seen[1].item.encrypted);
  EXPECT_EQ(seen[1].bytes, "");
  EXPECT_EQ(seen[2].item.kind, Item::Kind::kFile);
  EXPECT_EQ(seen[2].bytes, "open content");
}

TEST(SourceTest, CorruptAndTruncatedArchivesBecomeErrorItems) {
  REQUIRE_TOOL("zip");
  TempDir t;
  fs::create_directories(t / "src");
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "line " + std::to_string(i * 7919 % 10007) + "\n";
  WriteFile(t / "src" / "big.txt", text);
  WriteFile(t / "src" / "small.txt", "small");
  Sh("cd " + Q(t / "src") + " && zip -q ../good.zip big.txt small.txt");
  std::vector<uint8_t> good = cairn::testing::ReadFileBytes(t / "good.zip");
  fs::create_directories(t / "ev");

  std::string flipped(good.begin(), good.end());
  for (size_t i = 100; i < 400; ++i) flipped[i] = static_cast<char>(flipped[i] ^ 0x5A);
  WriteFile(t / "ev" / "flipped.zip", flipped);
  std::string cut(good.begin(), good.begin() + static_cast<long>(good.size() / 2));
  WriteFile(t / "ev" / "truncated.zip", cut);
  WriteFile(t / "ev" / "z.txt", "after");

  std::vector<Seen> seen = Visit(t / "ev");
  int errors = 0;
  for (const Seen& s : seen) {
    if (s.item.kind == Item::Kind::kError) {
      ++errors;
      EXPECT_FALSE(s.item.error.ok());
      EXPECT_TRUE(s.item.forensic_path.rfind("ev/flipped.zip/", 0) == 0 ||
                  s.item.forensic_path.rfind("ev/truncated.zip/", 0) == 0)
          << s.item.forensic_path;
    }
  }
  EXPECT_GE(errors, 2);
  ASSERT_NE(Find(seen, "ev/z.txt"), nullptr);  // the visit went on
  EXPECT_EQ(Find(seen, "ev/z.txt")->bytes, "after");
  EXPECT_NE(Find(seen, "ev/flipped.zip"), nullptr);  // the archive file itself is still an item
}

TEST(SourceTest, ZipBombTripsLimitsWithoutExpandingEverything) {
  REQUIRE_TOOL("zip");
  TempDir t;
  // 200 MB of zeros compress to about 200 KB.
  Sh("head -c 200000000 /dev/zero | zip -q " + Q(t / "bomb.zip") + " -");
  ASSERT_LT(fs::file_size(t / "bomb.zip"), 1'000'000u);

  SourceOptions ratio;
  ratio.max_ratio = 100;
  std::vector<Seen> seen = Visit(t / "bomb.zip", ratio);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].item.forensic_path, "bomb.zip/");
  EXPECT_EQ(seen[1].item.error.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(seen[1].item.error.message().find("ratio"), std::string::npos);

  SourceOptions total;
  total.max_expanded_bytes = 10 << 20;
  seen = Visit(t / "bomb.zip", total);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].item.error.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(seen[1].item.error.message().find("expands beyond"), std::string::npos);

  SourceOptions item;
  item.max_item_bytes = 1 << 20;
  seen = Visit(t / "bomb.zip", item);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].item.forensic_path, "bomb.zip/-");
  EXPECT_EQ(seen[1].item.error.code(), StatusCode::kLimitExceeded);
}

TEST(SourceTest, ArchiveLargerThanItemLimitIsStreamedFromTheFile) {
  REQUIRE_TOOL("zip");
  TempDir t;
  fs::create_directories(t / "src");
  WriteFile(t / "src" / "a.txt", "alpha");
  WriteFile(t / "src" / "b.txt", "beta");
  Sh("cd " + Q(t / "src") + " && zip -q ../big.zip a.txt b.txt");
  SourceOptions small;
  small.max_item_bytes = 100;  // the zip (about 300 bytes) is not held in memory
  std::vector<Seen> seen = Visit(t / "big.zip", small);
  ASSERT_EQ(Paths(seen), (std::vector<std::string>{"big.zip", "big.zip/a.txt", "big.zip/b.txt"}));
  EXPECT_TRUE(seen[0].item.is_container);
  EXPECT_EQ(seen[0].bytes, "");
  EXPECT_EQ(seen[0].item.local_path, t / "big.zip");
  EXPECT_EQ(seen[1].bytes, "alpha");
  EXPECT_EQ(seen[2].item.container_sha256, Sha256Hex(t / "big.zip"));
}

TEST(SourceTest, EntryCountLimit) {
  REQUIRE_TOOL("zip");
  TempDir t;
  fs::create_directories(t / "src");
  for (int i = 0; i < 20; ++i) {
    std::string name = "f";
    name += std::to_string(i);
    WriteFile(t / "src" / name, "x");
  }
  Sh("cd " + Q(t / "src") + " && zip -q ../many.zip f*");
  SourceOptions few;
  few.max_entries = 5;
  std::vector<Seen> seen = Visit(t / "many.zip", few);
  ASSERT_EQ(seen.size(), 7u);  // the archive, 5 members, the limit
  EXPECT_EQ(seen.back().item.forensic_path, "many.zip/");
  EXPECT_EQ(seen.back().item.error.code(), StatusCode::kLimitExceeded);
}

// An 8 MiB FAT image with folders and one deleted file.
void MakeFat(const TempDir& t, const fs::path& image) {
  Sh("dd if=/dev/zero of=" + Q(image) + " bs=1M count=8 status=none");
  Sh("mkfs.fat -F 12 -n CAIRN " + Q(image) + " >/dev/null");
  WriteFile(t / "keep.txt", "kept file content");
  std::string gone(3000, 'g');
  for (size_t i = 0; i < gone.size(); ++i) gone[i] = static_cast<char>('a' + i % 26);
  WriteFile(t / "gone.txt", gone);
  WriteFile(t / "root.txt", "at the root");
  Sh("MTOOLS_SKIP_CHECK=1 mmd -i " + Q(image) + " ::/DCIM ::/DCIM/sub");
  Sh("MTOOLS_SKIP_CHECK=1 mcopy -i " + Q(image) + " " + Q(t / "keep.txt") + " ::/DCIM/sub/keep.txt");
  Sh("MTOOLS_SKIP_CHECK=1 mcopy -i " + Q(image) + " " + Q(t / "gone.txt") + " ::/DCIM/gone.txt");
  Sh("MTOOLS_SKIP_CHECK=1 mcopy -i " + Q(image) + " " + Q(t / "root.txt") + " ::/root.txt");
  Sh("MTOOLS_SKIP_CHECK=1 mdel -i " + Q(image) + " ::/DCIM/gone.txt");
}

TEST(SourceTest, FatImageWithDeletedFile) {
  REQUIRE_TOOL("mkfs.fat");
  REQUIRE_TOOL("mcopy");
  TempDir t;
  fs::path image = t / "disk.img";
  MakeFat(t, image);
  std::string gone(3000, 'g');
  for (size_t i = 0; i < gone.size(); ++i) gone[i] = static_cast<char>('a' + i % 26);

  std::vector<Seen> seen = Visit(image);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen[0].item.forensic_path, "disk.img");
  EXPECT_TRUE(seen[0].item.is_container);
  const Seen* keep = Find(seen, "disk.img/DCIM/sub/keep.txt");
  ASSERT_NE(keep, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(keep->bytes, "kept file content");
  EXPECT_FALSE(keep->item.deleted);
  EXPECT_TRUE(keep->item.mtime.has_value());
  EXPECT_TRUE(keep->item.inode.has_value());
  ASSERT_NE(Find(seen, "disk.img/root.txt"), nullptr);

  const Seen* deleted = nullptr;
  for (const Seen& s : seen) {
    if (s.item.deleted) deleted = &s;
  }
  ASSERT_NE(deleted, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(deleted->item.kind, Item::Kind::kFile) << deleted->item.error.ToString();
  // FAT erases the first character of a deleted name; TSK shows it as "_".
  EXPECT_EQ(deleted->item.forensic_path, "disk.img/DCIM/_one.txt");
  EXPECT_EQ(deleted->bytes, gone);
  EXPECT_EQ(Paths(Visit(image)), Paths(seen));
}

TEST(SourceTest, MbrPartitionedImage) {
  REQUIRE_TOOL("sfdisk");
  REQUIRE_TOOL("mkfs.fat");
  REQUIRE_TOOL("mcopy");
  TempDir t;
  fs::path image = t / "mbr.dd";
  Sh("dd if=/dev/zero of=" + Q(image) + " bs=1M count=12 status=none");
  Sh("printf 'start=2048, size=8192, type=6\\nstart=10240, size=12288, type=83\\n' | sfdisk -q " + Q(image) +
      " >/dev/null");
  // Partition 1: FAT16 at sector 2048; partition 2 holds no file system.
  Sh("mkfs.fat -F 12 --offset=2048 " + Q(image) + " 8192 >/dev/null 2>&1");
  WriteFile(t / "p.txt", "in partition one");
  Sh("MTOOLS_SKIP_CHECK=1 mcopy -i " + Q(image) + "@@1048576 " + Q(t / "p.txt") + " ::/p.txt");
  std::vector<Seen> seen = Visit(image);
  const Seen* p = Find(seen, "mbr.dd/p1/p.txt");
  ASSERT_NE(p, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(p->bytes, "in partition one");
  const Seen* p2 = Find(seen, "mbr.dd/p2/");
  ASSERT_NE(p2, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(p2->item.kind, Item::Kind::kError);
}

TEST(SourceTest, Ext4ImageFromFolder) {
  REQUIRE_TOOL("mke2fs");
  TempDir t;
  fs::create_directories(t / "root" / "home" / "u");
  WriteFile(t / "root" / "home" / "u" / "f.txt", "ext four");
  fs::create_symlink("u/f.txt", t / "root" / "home" / "l");
  fs::path image = t / "linux.img";
  Sh("mke2fs -q -t ext4 -d " + Q(t / "root") + " " + Q(image) + " 8M >/dev/null 2>&1");
  std::vector<Seen> seen = Visit(image);
  const Seen* f = Find(seen, "linux.img/home/u/f.txt");
  ASSERT_NE(f, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(f->bytes, "ext four");
  EXPECT_TRUE(f->item.crtime.has_value() || f->item.mtime.has_value());
  const Seen* l = Find(seen, "linux.img/home/l");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->item.kind, Item::Kind::kSymlink);
  EXPECT_EQ(l->item.symlink_target, "u/f.txt");
}

TEST(SourceTest, E01ImageIsWalkedAndVerified) {
  REQUIRE_TOOL("ewfacquire");
  REQUIRE_TOOL("mkfs.fat");
  REQUIRE_TOOL("mcopy");
  TempDir t;
  fs::path raw = t / "raw.dd";
  MakeFat(t, raw);
  Sh("ewfacquire -u -q -c fast -t " + Q(t / "phone") + " " + Q(raw) + " </dev/null >/dev/null 2>&1");
  ASSERT_TRUE(fs::exists(t / "phone.E01"));
  std::vector<Seen> seen = Visit(t / "phone.E01");
  const Seen* keep = Find(seen, "phone.E01/DCIM/sub/keep.txt");
  ASSERT_NE(keep, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(keep->bytes, "kept file content");
  const Seen* gone = Find(seen, "phone.E01/DCIM/_one.txt");
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(gone->item.deleted);

  Result<EwfVerification> v = VerifyEwf(t / "phone.E01");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  std::vector<uint8_t> raw_bytes = cairn::testing::ReadFileBytes(raw);
  EXPECT_EQ(v->media_bytes, raw_bytes.size());
  EXPECT_EQ(v->computed_md5, DigestBytes(raw_bytes).md5.ToHex());
  EXPECT_EQ(v->stored_md5, v->computed_md5);
  EXPECT_TRUE(v->verified);
  EXPECT_EQ(VerifyEwf(raw).status().code(), StatusCode::kInvalidArgument);

  // A truncated E01: an error item under it, and verification fails.
  std::vector<uint8_t> e01 = cairn::testing::ReadFileBytes(t / "phone.E01");
  fs::create_directories(t / "cut");
  WriteFile(t / "cut" / "short.E01", std::string(e01.begin(), e01.begin() + static_cast<long>(e01.size() / 2)));
  seen = Visit(t / "cut" / "short.E01");
  bool error_item = false;
  for (const Seen& s : seen) error_item |= s.item.kind == Item::Kind::kError;
  EXPECT_TRUE(error_item) << ::testing::PrintToString(Paths(seen));
  Result<EwfVerification> cut = VerifyEwf(t / "cut" / "short.E01");
  if (cut.ok()) {
    EXPECT_FALSE(cut->verified);
    EXPECT_NE(cut->computed_md5, v->computed_md5);
  }
}

// An E01 altered after acquisition (one byte of stored media data changed, the stored MD5 left
// as it was): libewf still reads it, the chunk checksum fails and the digests differ.
TEST(SourceTest, AlteredE01FailsVerification) {
  REQUIRE_TOOL("ewfacquire");
  TempDir t;
  std::string media(256 * 1024, '\0');
  for (size_t i = 0; i < media.size(); ++i) media[i] = static_cast<char>((i * 7919) >> 5);
  const std::string marker = "planted evidence marker";
  media.replace(70000, marker.size(), marker);
  WriteFile(t / "raw.dd", media);
  // -c none: chunks are stored as they are, so the marker can be found and changed in the file.
  Sh("ewfacquire -u -q -c none -t " + Q(t / "disk") + " " + Q(t / "raw.dd") + " </dev/null >/dev/null 2>&1");
  ASSERT_TRUE(fs::exists(t / "disk.E01"));
  Result<EwfVerification> good = VerifyEwf(t / "disk.E01");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_TRUE(good->verified);
  EXPECT_EQ(good->checksum_errors, 0u);
  EXPECT_EQ(EwfVerdict(*good), "verified");
  EXPECT_EQ(good->stored_md5, DigestBytes({reinterpret_cast<const uint8_t*>(media.data()), media.size()}).md5.ToHex());

  std::vector<uint8_t> e01 = cairn::testing::ReadFileBytes(t / "disk.E01");
  auto at = std::search(e01.begin(), e01.end(), marker.begin(), marker.end());
  ASSERT_NE(at, e01.end());
  *at = 'X';
  fs::create_directories(t / "altered");
  WriteFile(t / "altered" / "disk.E01", std::string(e01.begin(), e01.end()));
  Result<EwfVerification> bad = VerifyEwf(t / "altered" / "disk.E01");
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_FALSE(bad->verified);
  EXPECT_EQ(bad->stored_md5, good->stored_md5);
  EXPECT_NE(bad->computed_md5, bad->stored_md5);
  EXPECT_GE(bad->checksum_errors, 1u);
  EXPECT_EQ(EwfVerdict(*bad), "mismatch");

  // Truncated inside the media data: libewf cannot read it through.
  fs::create_directories(t / "cut");
  WriteFile(t / "cut" / "disk.E01", std::string(e01.begin(), e01.begin() + static_cast<long>(e01.size() / 3)));
  Result<EwfVerification> cut = VerifyEwf(t / "cut" / "disk.E01");
  if (cut.ok()) {
    EXPECT_FALSE(cut->verified) << "a third of an E01 verified";
    EXPECT_NE(EwfVerdict(*cut), "verified");
  } else {
    EXPECT_EQ(cut.status().code(), StatusCode::kCorrupt) << cut.status().ToString();
  }
}

TEST(SourceTest, NtfsImage) {
  REQUIRE_TOOL("mkntfs");
  REQUIRE_TOOL("ntfscp");
  TempDir t;
  fs::path image = t / "win.img";
  Sh("dd if=/dev/zero of=" + Q(image) + " bs=1M count=16 status=none");
  Sh("mkntfs -F -Q -q " + Q(image) + " >/dev/null 2>&1");
  WriteFile(t / "n.txt", "ntfs content here");
  Sh("ntfscp -f " + Q(image) + " " + Q(t / "n.txt") + " n.txt >/dev/null 2>&1");
  std::vector<Seen> seen = Visit(image);
  // System files ($MFT, $Extend/...) are not items; the one user file is.
  EXPECT_EQ(Paths(seen), (std::vector<std::string>{"win.img", "win.img/n.txt"}));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].bytes, "ntfs content here");
  EXPECT_TRUE(seen[1].item.crtime.has_value());
}

TEST(SourceTest, CorruptFileSystemDoesNotStopTheVisit) {
  REQUIRE_TOOL("mkfs.fat");
  REQUIRE_TOOL("mcopy");
  TempDir t;
  fs::path image = t / "disk.img";
  MakeFat(t, image);
  // Overwrite the FATs and root folder region with noise (boot sector kept).
  std::vector<uint8_t> bytes = cairn::testing::ReadFileBytes(image);
  uint32_t x = 12345;
  for (size_t i = 512; i < 200 * 1024 && i < bytes.size(); ++i) {
    x = x * 1103515245 + 12345;
    bytes[i] = static_cast<uint8_t>(x >> 16);
  }
  fs::create_directories(t / "ev");
  WriteFile(t / "ev" / "broken.img", std::string(bytes.begin(), bytes.end()));
  WriteFile(t / "ev" / "z.txt", "still here");
  std::vector<Seen> seen = Visit(t / "ev");
  ASSERT_NE(Find(seen, "ev/z.txt"), nullptr);
  EXPECT_NE(Find(seen, "ev/broken.img"), nullptr);
}

TEST(SourceTest, CorruptExtInodeTableIsAnErrorItem) {
  REQUIRE_TOOL("mke2fs");
  TempDir t;
  fs::create_directories(t / "root" / "d");
  WriteFile(t / "root" / "d" / "f.txt", "hi");
  fs::path image = t / "x.img";
  Sh("mke2fs -q -t ext4 -b 1024 -d " + Q(t / "root") + " " + Q(image) + " 8M >/dev/null 2>&1");
  // Noise over the bitmaps and the start of the inode table (after the superblock and group
  // descriptors): TSK opens the file system but cannot read the root folder.
  std::vector<uint8_t> bytes = cairn::testing::ReadFileBytes(image);
  uint32_t x = 2;
  for (size_t i = 80 * 1024; i < 200 * 1024; ++i) {
    x = x * 1103515245 + 12345;
    bytes[i] = static_cast<uint8_t>(x >> 16);
  }
  fs::create_directories(t / "ev");
  WriteFile(t / "ev" / "bad.img", std::string(bytes.begin(), bytes.end()));
  WriteFile(t / "ev" / "z.txt", "still here");
  std::vector<Seen> seen = Visit(t / "ev");
  const Seen* err = Find(seen, "ev/bad.img/");
  ASSERT_NE(err, nullptr) << ::testing::PrintToString(Paths(seen));
  EXPECT_EQ(err->item.kind, Item::Kind::kError);
  EXPECT_EQ(err->item.error.code(), StatusCode::kCorrupt);
  ASSERT_NE(Find(seen, "ev/z.txt"), nullptr);
}

TEST(SourceTest, EvidenceIsUnchangedByAVisit) {
  REQUIRE_TOOL("zip");
  REQUIRE_TOOL("mkfs.fat");
  REQUIRE_TOOL("mcopy");
  TempDir t;
  fs::create_directories(t / "ev");
  MakeFat(t, t / "ev" / "disk.img");
  WriteFile(t / "src.txt", "zipped");
  Sh("cd " + Q(t.path()) + " && zip -q ev/a.zip src.txt");
  WriteFile(t / "ev" / "plain.txt", "plain");
  std::map<std::string, std::pair<struct stat, std::string>> before;
  for (const auto& e : fs::directory_iterator(t / "ev")) before[e.path().string()].second = Sha256Hex(e.path());
  // Old access times (set after hashing), so that a read under relatime would move them.
  Sh("touch -a -d '2001-01-01 00:00:00' " + Q(t / "ev") + "/*");
  for (auto& [path, old] : before) ASSERT_EQ(::stat(path.c_str(), &old.first), 0);
  std::vector<Seen> seen = Visit(t / "ev");
  EXPECT_GE(seen.size(), 6u);
  for (const auto& [path, old] : before) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_size, old.first.st_size) << path;
    EXPECT_EQ(st.st_mtim.tv_sec, old.first.st_mtim.tv_sec) << path;
    EXPECT_EQ(st.st_mtim.tv_nsec, old.first.st_mtim.tv_nsec) << path;
    EXPECT_EQ(st.st_ctim.tv_sec, old.first.st_ctim.tv_sec) << path;
    EXPECT_EQ(st.st_ctim.tv_nsec, old.first.st_ctim.tv_nsec) << path;
    if (::geteuid() == 0 || st.st_uid == ::geteuid()) {  // O_NOATIME is honoured for the owner
      EXPECT_EQ(st.st_atim.tv_sec, old.first.st_atim.tv_sec) << path;
    }
    EXPECT_EQ(Sha256Hex(path), old.second) << path;
  }
}

TEST(SourceTest, ArchiveBytesEntryPointRejectsNonArchives) {
  SourceOptions o;
  std::string text = "just some text, not an archive";
  int calls = 0;
  Status s = VisitArchiveBytes({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, "x", o,
                               [&](const Item&, std::span<const uint8_t>) { ++calls; });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(LooksLikeArchive({reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
}

}  // namespace
}  // namespace cairn::evidence
