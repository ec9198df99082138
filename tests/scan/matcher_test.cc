#include "cairn/scan/matcher.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

#include "cairn/hashset/library.h"
#include "cairn/index/binary_index.h"
#include "cairn/scan/file_hasher.h"
#include "cairn_test_support.h"

namespace cairn::scan {
namespace {

using testing::TempDir;

std::shared_ptr<const hashset::CompiledList> ImportList(hashset::Library& lib,
                                                        const std::filesystem::path& file,
                                                        const std::string& name,
                                                        hashset::Format format) {
  hashset::ImportOptions options;
  options.format = format;
  auto row = lib.Import(file, name, "1", options);
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  auto list = lib.OpenList(name);
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  return *list;
}

Hash256 Flip(Hash256 h, int bits) {
  for (int k = 0; k < bits; ++k) h.bytes[static_cast<size_t>(k)] ^= 0x80;
  return h;
}

TEST(MatcherTest, ExactAndPdqRulesWithThresholdInclusiveAndQualityFilter) {
  TempDir dir;
  std::mt19937_64 rng(7);
  Hash256 base;
  for (auto& b : base.bytes) b = static_cast<uint8_t>(rng());
  Hash256 low_quality;
  for (auto& b : low_quality.bytes) b = static_cast<uint8_t>(rng());
  std::ofstream(dir / "list.pdq") << base.ToHex() << ",90\n" << low_quality.ToHex() << ",20\n";
  std::ofstream(dir / "list.md5") << "900150983cd24fb0d6963f7d28e17f72  abc\n";
  auto lib = std::move(hashset::Library::Open(dir / "home")).value();
  auto pdq_list = ImportList(*lib, dir / "list.pdq", "p", hashset::Format::kPdqList);
  auto md5_list = ImportList(*lib, dir / "list.md5", "m", hashset::Format::kHashsum);
  Matcher matcher({md5_list, pdq_list}, {});

  MatchQuery q;
  q.md5 = Md5::FromHex("900150983cd24fb0d6963f7d28e17f72");
  q.pdq = Flip(base, 31);  // exactly at the threshold: inclusive
  q.pdq_quality = 80;
  auto found = matcher.Find(q);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].rule, MatchRule::kMd5);
  EXPECT_EQ((*found)[0].list->info().name, "m");
  EXPECT_EQ((*found)[1].rule, MatchRule::kPdq);
  EXPECT_EQ((*found)[1].distance, 31);
  EXPECT_EQ((*found)[1].threshold, 31);
  EXPECT_EQ((*found)[1].entry.pdq, base);

  q.md5.reset();
  q.pdq = Flip(base, 32);
  EXPECT_TRUE(matcher.Find(q)->empty());
  // A low-quality query never PDQ-matches; nor does a low-quality entry.
  q.pdq = base;
  q.pdq_quality = 49;
  EXPECT_TRUE(matcher.Find(q)->empty());
  q.pdq = low_quality;
  q.pdq_quality = 100;
  EXPECT_TRUE(matcher.Find(q)->empty());
  MatchOptions lenient;
  lenient.min_quality = 0;
  EXPECT_EQ(Matcher({pdq_list}, lenient).Find(q)->size(), 1u);
}

// The acceptance test: a PDQ list of a million hashes holding the hashes of benign
// photographs; edited copies (resized, re-encoded, rotated 90°, mirrored, recoloured) are found,
// exactly as a flat scan over the same list finds them, and no other photo matches.
TEST(MatcherTest, MillionHashListFindsEditedCopiesLikeAFlatScan) {
  const std::filesystem::path photos = "/usr/share/backgrounds/mate/nature";
  if (!std::filesystem::exists(photos / "Garden.jpg") || std::system("convert -version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs mate-backgrounds photos and ImageMagick (scripts/install-deps)";
  }
  const std::vector<std::string> listed = {"Garden.jpg", "LadyBird.jpg", "Storm.jpg", "Wood.jpg"};
  const std::vector<std::string> unlisted = {"Aqua.jpg", "Dune.jpg", "GreenMeadow.jpg",
                                             "TwoWings.jpg", "YellowFlower.jpg", "RainDrops.jpg"};
  TempDir dir;
  HashOptions hash_options;
  hash_options.dihedral = true;
  FileHasher hasher(hash_options);

  std::vector<Hash256> all;
  std::mt19937_64 rng(1234);
  {
    std::ofstream out(dir / "million.pdq");
    for (const auto& name : listed) {
      const FileHashRecord r = hasher.HashFile(photos / name);
      ASSERT_TRUE(r.pdq) << name;
      out << r.pdq->hash.ToHex() << "," << r.pdq->quality << "\n";
      all.push_back(r.pdq->hash);
    }
    for (int i = static_cast<int>(all.size()); i < 1'000'000; ++i) {
      Hash256 h;
      for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
      out << h.ToHex() << ",100\n";
      all.push_back(h);
    }
  }
  auto lib = std::move(hashset::Library::Open(dir / "home")).value();
  auto list = ImportList(*lib, dir / "million.pdq", "million", hashset::Format::kPdqList);
  ASSERT_EQ(list->entry_count(), 1'000'000u);
  std::vector<uint64_t> ids(all.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  auto flat = index::FlatIndex::Build(all, ids);
  ASSERT_TRUE(flat.ok());
  Matcher matcher({list}, {});

  const std::vector<std::pair<std::string, std::string>> edits = {
      {"resized", "-resize 37%"},       {"reencoded", "-quality 40"},
      {"rotated", "-rotate 90"},        {"mirrored", "-flop"},
      {"recoloured", "-modulate 100,140,110"}};
  auto matches_of = [&](const std::filesystem::path& file) {
    const FileHashRecord r = hasher.HashFile(file);
    EXPECT_TRUE(r.pdq && r.pdq_dihedral) << file;
    MatchQuery q;
    q.pdq = r.pdq->hash;
    q.pdq_quality = r.pdq->quality;
    q.pdq_dihedral = r.pdq_dihedral;
    auto found = matcher.Find(q);
    EXPECT_TRUE(found.ok());
    // The flat oracle over the same hashes, same rule (min over dihedral variants, <= 31).
    std::vector<index::Neighbor> oracle;
    EXPECT_TRUE(flat->RangeSearch(*r.pdq_dihedral, 31, oracle).ok());
    std::set<uint64_t> oracle_ids, got_ids;
    for (const auto& n : oracle) oracle_ids.insert(n.id);
    for (const auto& m : *found) got_ids.insert(m.entry_id);
    EXPECT_EQ(got_ids, oracle_ids) << file;
    return got_ids;
  };
  for (size_t i = 0; i < listed.size(); ++i) {
    for (const auto& [tag, args] : edits) {
      const auto out = dir / (tag + "-" + listed[i]);
      const std::string cmd = "convert '" + (photos / listed[i]).string() + "' " + args + " '" + out.string() + "'";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
      const auto got = matches_of(out);
      EXPECT_EQ(got, std::set<uint64_t>{i}) << tag << " " << listed[i];
    }
  }
  for (const auto& name : unlisted) EXPECT_TRUE(matches_of(photos / name).empty()) << name;
}

}  // namespace
}  // namespace cairn::scan
