// Every file under ../shared/data/formats is either imported (with counts and spot-checked values
// from the sample, its MANIFEST and fixture-digests.json) or refused with a precise reason.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cairn_test_support.h"
#include "test_util.h"

namespace cairn::hashset {
namespace {

using testing_util::As;
using testing_util::ImportPath;

constexpr char kAaaMd5[] = "d35c785545392755e7e4164457657269";
constexpr char kAaaSha1[] = "ea45d7166b30f98aac6af52f952193ce3083cb4c";
constexpr char kAaaSha256[] = "b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298";
constexpr char kBridgePdq[] = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

std::string Hex(const auto& opt) { return opt ? opt->ToHex() : std::string("<none>"); }

// What each sample must do: detected format (or refusal with a phrase) and how many entries.
struct Expectation {
  std::optional<Format> format;  // nullopt: detection or import refuses
  uint64_t imported = 0;
  std::string refusal;  // a phrase of the refusal message
};

const std::map<std::string, Expectation>& Expected() {
  static const std::map<std::string, Expectation> m = {
      {"fixture-digests.json", {std::nullopt, 0, "JSON without @odata.context"}},
      {"MANIFEST.md", {std::nullopt, 0, "no known hash-list layout"}},
      {"LICENSE.ThreatExchange.BSD.txt", {std::nullopt, 0, "no known hash-list layout"}},
      {"arachnid/shield-media-response.synthetic-fixture.json", {Format::kArachnidJson, 1, ""}},
      {"caid/nist-caid-vics-1.2.inferred-fixture.json", {Format::kVicsJson, 1, ""}},
      {"encase/fixture-v6-layout.synthetic.hash", {Format::kEncaseHash, 2, ""}},
      {"hashkeeper/fixture.synthetic.hke", {std::nullopt, 0, "import the .hsh"}},
      {"hashkeeper/fixture.synthetic.hsh", {Format::kHashKeeper, 1, ""}},
      {"icse/icse-export.synthetic-fixture.csv", {Format::kIcseCsv, 2, ""}},
      {"ncmec/ncmec-hashsharing-v2-entries.synthetic-test-data.from-ThreatExchange.xml", {Format::kNcmecXml, 4, ""}},
      {"ncmec/ncmec-hashsharing-v2-status.synthetic-test-data.from-ThreatExchange.xml",
       {std::nullopt, 0, "a /v2/status response carries no hashes"}},
      {"nsrl/rdsv2-NSRLFile.synthetic-fixture.txt", {Format::kNsrlRdsV2, 1, ""}},
      {"nsrl/rdsv2-NSRLMfg.synthetic-fixture.txt", {std::nullopt, 0, "side table"}},
      {"nsrl/rdsv2-NSRLOS.synthetic-fixture.txt", {std::nullopt, 0, "side table"}},
      {"nsrl/rdsv2-NSRLProd.synthetic-fixture.txt", {std::nullopt, 0, "side table"}},
      {"nsrl/rdsv3-core-schema.sql", {std::nullopt, 0, "no known hash-list layout"}},
      {"nsrl/rdsv3-tiny.synthetic-fixture.db", {Format::kNsrlRdsV3, 1, ""}},
      {"pdq/PDQMD5TestData.from-ThreatExchange.csv", {Format::kGenericCsv, 18, ""}},
      {"pdq/pdq-needles.from-ThreatExchange.txt", {Format::kPdqList, 100, ""}},
      {"pytx-hma/hma-lookup-response.sketch.json", {Format::kHmaLookupJson, 1, ""}},
      {"pytx-hma/local-file-exchange.synthetic-fixture.txt", {Format::kPytxSignals, 2, ""}},
      {"stopncii/fetchhashes-response.synthetic-fixture.json", {Format::kStopNciiJson, 1, ""}},
      {"vics/LICENSE.GriffeyePS.MIT.txt", {std::nullopt, 0, "no known hash-list layout"}},
      {"vics/LICENSE.VIC-CatParser.COPYRIGHT.md", {std::nullopt, 0, "no known hash-list layout"}},
      {"vics/ProjectVicDataModel.2.0.csdl.from-GriffeyePS.xml", {std::nullopt, 0, "not an NCMEC"}},
      {"vics/vics-1.3-media.synthetic-fixture.json", {Format::kVicsJson, 1, ""}},
      {"vics/vics-2.0-cases-US.synthetic-fixture.json", {Format::kVicsJson, 3, ""}},
      {"vics/vics-2.0-media-hashlist.synthetic-fixture.json", {Format::kVicsJson, 2, ""}},
      {"vics/vics-2.0-media-sample.from-VIC-CatParser.json", {Format::kVicsJson, 2, ""}},
      {"vics/vics-2.0-quirks.synthetic-fixture.json", {Format::kVicsJson, 3, ""}},
      {"vics/vics-2.0.lenient.schema.json", {std::nullopt, 0, "not a VICS document"}},
      {"vics/vics-2.0.strict.schema.json", {std::nullopt, 0, "not a VICS document"}},
      {"vpdq/README.from-ThreatExchange.md", {std::nullopt, 0, "no known hash-list layout"}},
      {"vpdq/doorknob-hd-no-bar.vpdq.from-ThreatExchange.txt", {Format::kPdqList, 120, ""}},
  };
  return m;
}

TEST(SamplesTest, EverySampleImportsOrIsRefusedWithAReason) {
  CAIRN_REQUIRE_SHARED_DATA(root, "formats");
  std::set<std::string> seen;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (!item.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(item.path(), root).generic_string();
    if (rel.starts_with("pdq/bridge-mods/")) {
      // Benign JPEG photos: binary, not a list.
      auto d = DetectFormat(item.path());
      EXPECT_FALSE(d.ok()) << rel;
      continue;
    }
    seen.insert(rel);
    auto it = Expected().find(rel);
    ASSERT_NE(it, Expected().end()) << "new sample without an expectation: " << rel;
    const Expectation& want = it->second;
    auto detected = DetectFormat(item.path());
    auto got = ImportPath(item.path());
    if (want.format) {
      ASSERT_TRUE(detected.ok()) << rel << ": " << detected.status().ToString();
      EXPECT_EQ(detected->format, *want.format) << rel << ": " << detected->reason;
      EXPECT_FALSE(detected->reason.empty());
      ASSERT_TRUE(got.status.ok()) << rel << ": " << got.status.ToString();
      EXPECT_EQ(got.entries.size(), want.imported) << rel << ": " << got.report.Summary();
      EXPECT_EQ(got.report.records_read, got.report.imported + got.report.skipped) << rel;
    } else {
      EXPECT_FALSE(got.status.ok()) << rel;
      EXPECT_NE(got.status.message().find(want.refusal), std::string::npos)
          << rel << ": " << got.status.ToString();
      EXPECT_NE(got.status.message().find(item.path().filename().string()), std::string::npos)
          << "the refusal names the file: " << got.status.ToString();
    }
  }
  EXPECT_EQ(seen.size(), Expected().size());
}

TEST(SamplesTest, VicsCatParserSample) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/vics/vics-2.0-media-sample.from-VIC-CatParser.json");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(got.report.format_detail, "VICS 2.0 Default Media");
  const Entry& a = got.entries[0];
  EXPECT_EQ(Hex(a.md5), "adebf3fa3c9be7f73825e1cb9e2dea09");
  EXPECT_FALSE(a.sha1);
  EXPECT_EQ(a.file_size, 2835u);
  EXPECT_EQ(a.category.scheme, CategoryScheme::kVicsDefault);
  EXPECT_EQ(a.category.raw, "0");
  EXPECT_EQ(a.category.triage, TriageClass::kNonPertinent);
  EXPECT_EQ(a.provenance.record, 1u);
  EXPECT_EQ(a.provenance.line, 1u);
  EXPECT_EQ(Hex(got.entries[1].sha1), "1407c5674dc7da55419c64c5375907991ec6011f");
  EXPECT_EQ(got.entries[1].source_id, "2");
}

TEST(SamplesTest, VicsCasesUsExport) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/vics/vics-2.0-cases-US.synthetic-fixture.json");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 3u);
  EXPECT_EQ(got.report.format_detail, "VICS 2.0 US Cases");
  const Entry& a = got.entries[0];
  EXPECT_EQ(Hex(a.md5), kAaaMd5);
  EXPECT_EQ(Hex(a.sha1), kAaaSha1);
  EXPECT_EQ(Hex(a.sha256), kAaaSha256);
  EXPECT_EQ(a.category.scheme, CategoryScheme::kVicsUs);
  EXPECT_EQ(a.category.triage, TriageClass::kAlert);
  EXPECT_EQ(a.victim_identified, Tristate::kFalse);
  EXPECT_EQ(a.offender_identified, Tristate::kFalse);
  EXPECT_EQ(a.is_distributed, Tristate::kTrue);
  EXPECT_EQ(a.series, "TESTSERIES-BRIDGE");
  EXPECT_EQ(a.file_name, "aaa-orig.jpg");
  EXPECT_EQ(a.file_size, 361182u);
  EXPECT_EQ(a.comments, "synthetic fixture");
  EXPECT_EQ(got.entries[1].category.triage, TriageClass::kNonPertinent);
  EXPECT_EQ(got.entries[1].file_name, "blur-a-little.jpg");
  // Category absent: uncategorised, and not reported as an unmapped value.
  EXPECT_EQ(got.entries[2].category.raw, "");
  EXPECT_EQ(got.entries[2].category.triage, TriageClass::kUncategorised);
  EXPECT_EQ(got.entries[2].victim_identified, Tristate::kUnknown);
  EXPECT_EQ(got.report.uncategorised_unmapped, 0u);
  // Records are the Media objects, numbered across the case; lines point at their '{'.
  EXPECT_EQ(got.entries[2].provenance.record, 3u);
  EXPECT_GT(got.entries[2].provenance.line, got.entries[1].provenance.line);
}

TEST(SamplesTest, VicsQuirks) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/vics/vics-2.0-quirks.synthetic-fixture.json");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.report.records_read, 4u);
  ASSERT_EQ(got.entries.size(), 3u);
  EXPECT_EQ(got.report.skipped, 1u);
  EXPECT_EQ(got.report.zero_length_digests_ignored, 2u);
  ASSERT_EQ(got.report.skips.size(), 1u);
  EXPECT_EQ(got.report.skips[0].where.record, 3u);
  EXPECT_NE(got.report.skips[0].reason.find("zero-length"), std::string::npos);
  const Entry& a = got.entries[0];
  EXPECT_EQ(a.source_id, "1");
  EXPECT_EQ(Hex(a.md5), kAaaMd5);
  EXPECT_EQ(a.category.scheme, CategoryScheme::kVicsCustom);
  EXPECT_EQ(a.category.profile, "CUSTOM");
  EXPECT_EQ(a.category.raw, "1");
  EXPECT_EQ(a.category.triage, TriageClass::kAlert);
  EXPECT_EQ(a.victim_identified, Tristate::kTrue);
  EXPECT_EQ(a.is_distributed, Tristate::kFalse);
  EXPECT_EQ(a.file_size, 361182u);
  ASSERT_NE(a.FindVendorHash("PhotoDNA"), nullptr);
  EXPECT_EQ(a.FindVendorHash("PhotoDNA")->value.size(), 288u);
  EXPECT_NE(a.tags.find("pipe|separated"), std::string::npos);
  const Entry& b = got.entries[1];
  EXPECT_FALSE(b.sha1);  // "" means absent
  EXPECT_EQ(b.file_size, 0u);
  EXPECT_EQ(b.category.triage, TriageClass::kUncategorised);
  const Entry& d = got.entries[2];
  EXPECT_EQ(d.provenance.record, 4u);
  ASSERT_NE(d.FindVendorHash("PhotoDNA"), nullptr);
  EXPECT_EQ(d.FindVendorHash("PhotoDNA")->value.size(), 192u);
  EXPECT_EQ(d.category.triage, TriageClass::kAlert);
}

TEST(SamplesTest, Vics13AndCaid) {
  CAIRN_REQUIRE_SHARED_DATA(v13, "formats/vics/vics-1.3-media.synthetic-fixture.json");
  auto got = ImportPath(v13);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.report.format_detail, "VICS 1.3 Default Media");
  EXPECT_EQ(Hex(got.entries[0].sha256), kAaaSha256);
  EXPECT_EQ(got.entries[0].victim_identified, Tristate::kFalse);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);

  CAIRN_REQUIRE_SHARED_DATA(caid, "formats/caid/nist-caid-vics-1.2.inferred-fixture.json");
  got = ImportPath(caid, As(Format::kCaidJson));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.report.format, Format::kCaidJson);
  EXPECT_EQ(got.entries[0].category.scheme, CategoryScheme::kCaid);
  EXPECT_EQ(got.entries[0].file_name, "aaa-orig.jpg");
  EXPECT_EQ(got.entries[0].file_size, 361182u);  // a string in the file
  EXPECT_EQ(Hex(got.entries[0].sha1), kAaaSha1);
}

TEST(SamplesTest, Icse) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/icse/icse-export.synthetic-fixture.csv");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 2u);
  const Entry& a = got.entries[0];
  EXPECT_EQ(Hex(a.md5), kAaaMd5);
  EXPECT_EQ(Hex(a.sha1), kAaaSha1);
  EXPECT_EQ(a.source_id, "TEST-0000001");
  EXPECT_EQ(a.is_distributed, Tristate::kTrue);
  EXPECT_EQ(a.victim_identified, Tristate::kFalse);
  EXPECT_EQ(a.offender_identified, Tristate::kFalse);
  EXPECT_EQ(a.series, "TESTSERIES-BRIDGE");
  EXPECT_EQ(a.category.scheme, CategoryScheme::kIcse);
  EXPECT_EQ(a.category.raw, "listed");
  EXPECT_EQ(a.category.triage, TriageClass::kAlert);
  EXPECT_NE(a.comments.find("Investigation name: TEST-INVESTIGATION"), std::string::npos);
  EXPECT_EQ(a.provenance.line, 2u);
  EXPECT_EQ(Hex(got.entries[1].md5), "46053895b4e81cc881d03edac4af5020");
}

TEST(SamplesTest, Ncmec) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/ncmec/ncmec-hashsharing-v2-entries.synthetic-test-data.from-ThreatExchange.xml");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 4u);
  EXPECT_EQ(got.report.deletions, 2u);
  const Entry& img = got.entries[0];
  EXPECT_EQ(img.kind, EntryKind::kAdd);
  EXPECT_EQ(img.source_id, "image1");
  EXPECT_EQ(Hex(img.md5), "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
  EXPECT_EQ(Hex(img.sha1), "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
  EXPECT_EQ(img.category.scheme, CategoryScheme::kNcmec);
  EXPECT_EQ(img.category.raw, "A1");
  EXPECT_EQ(img.category.triage, TriageClass::kAlert);
  ASSERT_NE(img.FindVendorHash("PhotoDNA"), nullptr);
  EXPECT_EQ(img.comments, "member: Example Member (42)");  // not the feedback members
  EXPECT_EQ(img.provenance.line, 4u);
  EXPECT_EQ(got.entries[1].kind, EntryKind::kDelete);
  EXPECT_EQ(got.entries[1].source_id, "image4");
  EXPECT_EQ(got.entries[2].source_id, "video1");
  EXPECT_EQ(got.entries[2].tags, "video");
  EXPECT_EQ(got.entries[2].category.triage, TriageClass::kUncategorised);
  EXPECT_EQ(got.entries[3].kind, EntryKind::kDelete);
}

TEST(SamplesTest, Nsrl) {
  CAIRN_REQUIRE_SHARED_DATA(v3, "formats/nsrl/rdsv3-tiny.synthetic-fixture.db");
  auto got = ImportPath(v3);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.report.format_detail, "NSRL RDS v3 2099.01.1");
  const Entry& e = got.entries[0];
  EXPECT_EQ(Hex(e.sha256), "b5711c814bea20d2f24703680393c1dfb3f41b4da5624c00da0d64bf71a12461");
  EXPECT_EQ(Hex(e.md5), "ff69743ddd2435867fc634a47369bd31");
  EXPECT_EQ(e.file_name, "shrink-a-lot.jpg");
  EXPECT_EQ(e.file_size, 7350u);
  EXPECT_EQ(e.category.triage, TriageClass::kNonPertinent);

  CAIRN_REQUIRE_SHARED_DATA(v2, "formats/nsrl/rdsv2-NSRLFile.synthetic-fixture.txt");
  got = ImportPath(v2);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(Hex(got.entries[0].sha1), "e208a8fe2d2f66821fb5822f943e8255c45c4c71");
  EXPECT_EQ(got.entries[0].file_size, 7350u);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kNonPertinent);
}

TEST(SamplesTest, HashKeeperUsesItsHeaderFile) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/hashkeeper/fixture.synthetic.hsh");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  const Entry& e = got.entries[0];
  EXPECT_EQ(Hex(e.md5), kAaaMd5);
  EXPECT_EQ(e.file_name, "aaa-orig.jpg");
  EXPECT_EQ(e.file_size, 361182u);
  EXPECT_EQ(e.tags, "TEST known-alert fixture");
  EXPECT_EQ(e.category.scheme, CategoryScheme::kHashKeeper);
  EXPECT_EQ(e.category.triage, TriageClass::kAlert);  // notable_flag 1
}

TEST(SamplesTest, Encase) {
  CAIRN_REQUIRE_SHARED_DATA(p, "formats/encase/fixture-v6-layout.synthetic.hash");
  auto got = ImportPath(p);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(Hex(got.entries[0].md5), kAaaMd5);
  EXPECT_EQ(Hex(got.entries[1].md5), "69b0834fac1477a4397a0be6b6e55c1a");
  EXPECT_EQ(got.entries[0].tags, "TEST fixture set");
  EXPECT_EQ(got.entries[0].category.raw, "Notable");
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);
  EXPECT_EQ(got.entries[1].provenance.offset, 0x480u + 18u);
  EXPECT_FALSE(got.report.notes.empty());  // the layout caveat
}

TEST(SamplesTest, PdqLists) {
  CAIRN_REQUIRE_SHARED_DATA(needles, "formats/pdq/pdq-needles.from-ThreatExchange.txt");
  auto got = ImportPath(needles);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 100u);
  EXPECT_EQ(Hex(got.entries[0].pdq), "98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c157");
  EXPECT_FALSE(got.entries[0].pdq_quality);

  CAIRN_REQUIRE_SHARED_DATA(vpdq, "formats/vpdq/doorknob-hd-no-bar.vpdq.from-ThreatExchange.txt");
  got = ImportPath(vpdq);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 120u);
  EXPECT_EQ(Hex(got.entries[0].pdq), "dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c");
  EXPECT_EQ(got.entries[0].pdq_quality, 100);
  EXPECT_EQ(got.entries[0].comments, "vPDQ frame 0 at 0.000 s");

  CAIRN_REQUIRE_SHARED_DATA(csv, "formats/pdq/PDQMD5TestData.from-ThreatExchange.csv");
  ImportOptions o;
  o.format = Format::kGenericCsv;
  o.columns = *ParseColumnMap("name=FilePath,hash=Hash,hash64=pdq");
  got = ImportPath(csv, o);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 18u);
  EXPECT_EQ(Hex(got.entries[0].pdq), kBridgePdq);
  EXPECT_EQ(got.entries[0].file_name, "../../../../data/misc-images/b.jpg");
  int md5s = 0;
  for (const auto& e : got.entries) md5s += e.md5.has_value();
  EXPECT_EQ(md5s, 2);
}

TEST(SamplesTest, ExchangeFeeds) {
  CAIRN_REQUIRE_SHARED_DATA(pytx, "formats/pytx-hma/local-file-exchange.synthetic-fixture.txt");
  auto got = ImportPath(pytx);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(Hex(got.entries[0].pdq), kBridgePdq);
  EXPECT_EQ(Hex(got.entries[1].md5), kAaaMd5);
  EXPECT_EQ(got.entries[1].provenance.line, 5u);
  ASSERT_FALSE(got.report.notes.empty());
  EXPECT_NE(got.report.notes[0].find("3 comment line"), std::string::npos);

  CAIRN_REQUIRE_SHARED_DATA(stop, "formats/stopncii/fetchhashes-response.synthetic-fixture.json");
  got = ImportPath(stop);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(Hex(got.entries[0].pdq), kBridgePdq);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);
  EXPECT_EQ(got.entries[0].tags, "TEST-FIXTURE");

  CAIRN_REQUIRE_SHARED_DATA(arachnid, "formats/arachnid/shield-media-response.synthetic-fixture.json");
  got = ImportPath(arachnid);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(Hex(got.entries[0].sha256), kAaaSha256);
  EXPECT_EQ(Hex(got.entries[0].sha1), kAaaSha1);  // decoded from sha1_base32
  EXPECT_EQ(got.entries[0].file_size, 361182u);
  EXPECT_EQ(got.entries[0].category.scheme, CategoryScheme::kArachnid);
  EXPECT_EQ(got.entries[0].category.raw, "test");

  CAIRN_REQUIRE_SHARED_DATA(hma, "formats/pytx-hma/hma-lookup-response.sketch.json");
  got = ImportPath(hma);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(Hex(got.entries[0].pdq), kBridgePdq);
  EXPECT_EQ(got.entries[0].tags, "bank: TEST_FIXTURE_BANK");
}

}  // namespace
}  // namespace cairn::hashset
