#include "cairn/hashset/export.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cairn_test_support.h"
#include "test_util.h"

namespace cairn::hashset {
namespace {

using testing_util::As;
using testing_util::ImportText;

std::vector<Entry> WithoutProvenance(std::vector<Entry> v) {
  for (auto& e : v) e.provenance = {};
  return v;
}

std::string Export(ExportFormat f, const std::vector<Entry>& entries, ExportStats* stats = nullptr) {
  std::ostringstream out;
  auto w = MakeWriter(f, out);
  for (const auto& e : entries) EXPECT_TRUE(w->Write(e).ok());
  EXPECT_TRUE(w->Finish().ok());
  if (stats) *stats = w->stats();
  return out.str();
}

Entry Rich() {
  Entry e;
  e.md5 = *Md5::FromHex("d35c785545392755e7e4164457657269");
  e.sha1 = *Sha1::FromHex("ea45d7166b30f98aac6af52f952193ce3083cb4c");
  e.sha256 = *Sha256::FromHex("b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298");
  e.pdq = *Hash256::FromHex("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22");
  e.pdq_quality = 87;
  e.vendor_hashes = {{"PhotoDNA", "AAAA"}, {"ZZ40", "abc"}};
  e.file_name = "we\"ird, name.jpg";
  e.file_size = 361182;
  e.category = {CategoryScheme::kNcmec, "", "A1", TriageClass::kAlert};
  e.series = "TESTSERIES";
  e.victim_identified = Tristate::kTrue;
  e.offender_identified = Tristate::kFalse;
  e.source_id = "77";
  e.tags = "TEST-FIXTURE | x";
  e.comments = "line1\nline2";
  return e;
}

TEST(ExportTest, VicsSamplesRoundTripWithoutLoss) {
  for (const char* name : {"vics/vics-2.0-cases-US.synthetic-fixture.json", "vics/vics-2.0-quirks.synthetic-fixture.json",
                           "vics/vics-2.0-media-hashlist.synthetic-fixture.json",
                           "vics/vics-2.0-media-sample.from-VIC-CatParser.json"}) {
    CAIRN_REQUIRE_SHARED_DATA(p, std::string("formats/") + name);
    auto first = testing_util::ImportPath(p);
    ASSERT_TRUE(first.status.ok()) << name;
    ASSERT_FALSE(first.entries.empty());
    const std::string json = Export(ExportFormat::kVics20, first.entries);
    auto second = ImportText(json);
    ASSERT_TRUE(second.status.ok()) << name << ": " << second.status.ToString() << "\n" << json;
    EXPECT_EQ(second.report.format, Format::kVicsJson);
    EXPECT_EQ(WithoutProvenance(second.entries), WithoutProvenance(first.entries)) << name << "\n" << json;
  }
}

TEST(ExportTest, VicsCarriesEveryModelledField) {
  Entry e = Rich();
  Entry del;
  del.kind = EntryKind::kDelete;
  del.source_id = "gone";
  ExportStats stats;
  const std::string json = Export(ExportFormat::kVics20, {e, del}, &stats);
  EXPECT_EQ(stats.written, 1u);
  EXPECT_EQ(stats.left_out, 1u);
  EXPECT_NE(json.find("2.0.xml/Default/$metadata#Media"), std::string::npos);
  auto back = ImportText(json);
  ASSERT_TRUE(back.status.ok()) << back.status.ToString();
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(WithoutProvenance(back.entries)[0], e) << json;
}

TEST(ExportTest, EmptyVicsIsAValidDocument) {
  const std::string json = Export(ExportFormat::kVics20, {});
  auto back = ImportText(json);
  EXPECT_TRUE(back.status.ok()) << json;
  EXPECT_EQ(back.entries.size(), 0u);
}

TEST(ExportTest, CsvColumnsAndQuoting) {
  const std::string csv = Export(ExportFormat::kCsv, {Rich()});
  EXPECT_EQ(csv.substr(0, CsvExportHeader().size()), CsvExportHeader());
  EXPECT_NE(csv.find("\"we\"\"ird, name.jpg\""), std::string::npos);
  EXPECT_NE(csv.find(",ncmec,,A1,alert,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("PhotoDNA=AAAA|ZZ40=abc"), std::string::npos);
  // Cairn's own CSV reads back through the generic importer.
  ImportOptions o;
  o.format = Format::kGenericCsv;
  o.columns = *ParseColumnMap("md5=md5,sha1=sha1,sha256=sha256,pdq=pdq,quality=pdq_quality,name=file_name,"
                              "size=file_size,category=category,scheme=ncmec,series=series,tags=tags");
  auto back = ImportText(csv, o);
  ASSERT_TRUE(back.status.ok()) << back.status.ToString();
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(back.entries[0].file_name, Rich().file_name);
  EXPECT_EQ(back.entries[0].pdq_quality, 87);
  EXPECT_EQ(back.entries[0].category.triage, TriageClass::kAlert);
}

TEST(ExportTest, PdqListAndMd5sumLeaveOutWhatTheyCannotCarry) {
  Entry only_md5;
  only_md5.md5 = *Md5::FromHex("69b0834fac1477a4397a0be6b6e55c1a");
  ExportStats stats;
  const std::string pdq = Export(ExportFormat::kPdqList, {Rich(), only_md5}, &stats);
  EXPECT_EQ(pdq, "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,87\n");
  EXPECT_EQ(stats.left_out, 1u);
  auto back = ImportText(pdq);
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(back.entries[0].pdq_quality, 87);

  Entry odd = only_md5;
  odd.file_name = "a\\b\nc";
  const std::string sums = Export(ExportFormat::kMd5sum, {Rich(), only_md5, odd}, &stats);
  EXPECT_EQ(stats.written, 3u);
  auto sums_back = ImportText(sums, As(Format::kHashsum));
  ASSERT_EQ(sums_back.entries.size(), 3u);
  EXPECT_EQ(sums_back.entries[0].file_name, Rich().file_name);
  EXPECT_EQ(sums_back.entries[1].file_name, "-");
  EXPECT_EQ(sums_back.entries[2].file_name, "a\\b\nc");
}

TEST(ExportTest, FormatNames) {
  for (auto f : {ExportFormat::kVics20, ExportFormat::kCsv, ExportFormat::kPdqList, ExportFormat::kMd5sum}) {
    EXPECT_EQ(ParseExportFormat(ExportFormatName(f)), f);
  }
  for (int i = 0; i <= static_cast<int>(Format::kGenericCsv); ++i) {
    const auto f = static_cast<Format>(i);
    EXPECT_EQ(ParseFormat(FormatName(f)), f);
  }
}

}  // namespace
}  // namespace cairn::hashset
