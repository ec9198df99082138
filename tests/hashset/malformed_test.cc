// Generated malformed and awkward inputs: truncated JSON, bad hex, wrong lengths, empty files,
// BOMs, CRLF, quoted CSV, column maps, explicit formats winning over detection.
#include <gtest/gtest.h>

#include <algorithm>

#include "cairn_test_support.h"
#include "test_util.h"

namespace cairn::hashset {
namespace {

using testing_util::As;
using testing_util::ImportText;

constexpr char kMd5A[] = "d35c785545392755e7e4164457657269";

std::string VicsDoc(std::string_view records) {
  return std::string(R"({"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media","value":[)") +
         std::string(records) + "]}";
}

TEST(MalformedTest, TruncatedVicsKeepsEarlierEntriesThenFails) {
  const std::string full = VicsDoc(R"({"MD5":"d35c785545392755e7e4164457657269","Category":1},
{"MD5":"69b0834fac1477a4397a0be6b6e55c1a","Category":0})");
  const std::string cut = full.substr(0, full.size() - 20);
  auto got = ImportText(cut);
  EXPECT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.status.code(), StatusCode::kCorrupt);
  EXPECT_NE(got.status.message().find("truncated"), std::string::npos) << got.status.ToString();
  EXPECT_NE(got.status.message().find("record 2"), std::string::npos) << got.status.ToString();
  // Cut after the last record: the document itself is unterminated.
  got = ImportText(full.substr(0, full.size() - 1));
  EXPECT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(got.status.code(), StatusCode::kCorrupt);
}

TEST(MalformedTest, VicsBadRecordsAreSkippedWithReasons) {
  const std::string doc = VicsDoc(
      R"({"MD5":"XYZ5785545392755e7e4164457657269","Category":1},)"
      R"({"MD5":"d35c7855","Category":1},)"
      R"({"MD5":"d35c785545392755e7e4164457657269","MediaSize":"-4"},)"
      R"({"MD5":"d35c785545392755e7e4164457657269","Category":1, "SHA1": tru},)"
      R"({"Category":2,"PhotoDNA":"AAAA"},)"
      R"({"MD5":"D35C785545392755E7E4164457657269","Category":"3","VictimIdentified":"1"})");
  auto got = ImportText(doc);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].category.scheme, CategoryScheme::kVicsUk);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);
  EXPECT_EQ(got.entries[0].victim_identified, Tristate::kTrue);
  EXPECT_EQ(got.entries[0].provenance.record, 6u);
  ASSERT_EQ(got.report.skips.size(), 5u);
  EXPECT_NE(got.report.skips[0].reason.find("MD5 'XYZ"), std::string::npos);
  EXPECT_NE(got.report.skips[1].reason.find("not 32 hex digits"), std::string::npos);
  EXPECT_NE(got.report.skips[2].reason.find("MediaSize"), std::string::npos);
  EXPECT_NE(got.report.skips[3].reason.find("malformed"), std::string::npos) << got.report.skips[3].reason;
  EXPECT_NE(got.report.skips[4].reason.find("only PhotoDNA"), std::string::npos) << got.report.skips[4].reason;
  EXPECT_EQ(got.report.records_read, 6u);
}

TEST(MalformedTest, UnmappedCategoriesAreReported) {
  auto got = ImportText(VicsDoc(R"({"MD5":"d35c785545392755e7e4164457657269","Category":9},
{"MD5":"69b0834fac1477a4397a0be6b6e55c1a","Category":9})"));
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kUncategorised);
  EXPECT_EQ(got.report.uncategorised_unmapped, 2u);
  ASSERT_EQ(got.report.unmapped.size(), 1u);
  EXPECT_EQ(got.report.unmapped[0].raw, "9");
  EXPECT_EQ(got.report.unmapped[0].count, 2u);
  // A caller rule maps it.
  ImportOptions o;
  o.category_overrides.push_back(*CategoryMap::ParseRule("vics-uk:9=alert"));
  got = ImportText(VicsDoc(R"({"MD5":"d35c785545392755e7e4164457657269","Category":9})"), o);
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);
}

TEST(MalformedTest, EmptyAndWhitespaceFiles) {
  auto got = ImportText("");
  EXPECT_EQ(got.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status.message().find("empty"), std::string::npos);
  got = ImportText("", As(Format::kVicsJson));
  EXPECT_EQ(got.status.code(), StatusCode::kCorrupt);
  got = ImportText("", As(Format::kHashsum));
  EXPECT_TRUE(got.status.ok());
  EXPECT_EQ(got.report.records_read, 0u);
  got = ImportText(" \n\t\n");
  EXPECT_FALSE(got.status.ok());
  got = ImportText("", As(Format::kIcseCsv));
  EXPECT_NE(got.status.message().find("empty"), std::string::npos);
  got = ImportText("", As(Format::kEncaseHash));
  EXPECT_NE(got.status.message().find("not an EnCase"), std::string::npos);
}

TEST(MalformedTest, Utf16IsRefusedWithAHint) {
  const std::string utf16("\xFF\xFEM\0D\0\x35\0", 8);
  auto got = ImportText(utf16);
  EXPECT_EQ(got.status.code(), StatusCode::kUnsupported);
  EXPECT_NE(got.status.message().find("UTF-16 little-endian"), std::string::npos) << got.status.ToString();
}

TEST(MalformedTest, NotJsonAndNotVics) {
  auto got = ImportText("hello", As(Format::kVicsJson));
  EXPECT_NE(got.status.message().find("not JSON"), std::string::npos);
  got = ImportText(R"({"something":[1,2,3]})", As(Format::kVicsJson));
  EXPECT_NE(got.status.message().find("no \"value\" array"), std::string::npos) << got.status.ToString();
}

TEST(MalformedTest, BomAndCrlfEverywhere) {
  const std::string bom = "\xEF\xBB\xBF";
  auto got = ImportText(bom + VicsDoc(R"({"MD5":"d35c785545392755e7e4164457657269"})"));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.entries.size(), 1u);

  got = ImportText(bom + std::string(kMd5A) + "  a b.jpg\r\n" + "69b0834fac1477a4397a0be6b6e55c1a *c.jpg\r\n");
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(got.entries[0].file_name, "a b.jpg");
  EXPECT_EQ(got.entries[1].file_name, "c.jpg");
  EXPECT_EQ(got.entries[1].provenance.line, 2u);

  got = ImportText(bom + "MD5;SHA1;Image ID;Victim identified\r\n" + kMd5A + ";;X-1;Yes\r\n");
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.report.format, Format::kIcseCsv);
  EXPECT_EQ(got.entries[0].source_id, "X-1");
  EXPECT_EQ(got.entries[0].victim_identified, Tristate::kTrue);

  // An ICSE export re-saved with tabs.
  got = ImportText(std::string("MD5\tImage ID\tVictim identified\n") + kMd5A + "\tX-2\tNo\n");
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.report.format, Format::kIcseCsv);
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].source_id, "X-2");
  EXPECT_EQ(got.entries[0].victim_identified, Tristate::kFalse);
}

TEST(MalformedTest, HashsumForms) {
  const std::string text = std::string("# comment\n") + "MD5 (x.jpg) = " + kMd5A + "\n" +
                           "SHA256 (y (1).jpg) = b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298\n" +
                           "\\" + kMd5A + "  back\\\\slash\\nname\n" + "abc  short.jpg\n" +
                           "d41d8cd98f00b204e9800998ecf8427e  empty.txt\n" +
                           "MD5 (z.jpg) = b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298\n";
  auto got = ImportText(text, As(Format::kHashsum));
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 3u);
  EXPECT_EQ(got.entries[0].file_name, "x.jpg");
  EXPECT_EQ(got.entries[1].file_name, "y (1).jpg");
  EXPECT_TRUE(got.entries[1].sha256);
  EXPECT_EQ(got.entries[2].file_name, "back\\slash\nname");
  EXPECT_EQ(got.report.skipped, 3u);
  EXPECT_EQ(got.report.zero_length_digests_ignored, 1u);
  EXPECT_NE(got.report.skips[0].reason.find("3 characters"), std::string::npos);
  EXPECT_EQ(got.report.skips[0].where.line, 5u);
  EXPECT_NE(got.report.skips[2].reason.find("names MD5"), std::string::npos);
}

TEST(MalformedTest, PdqListQualityAndZero) {
  const std::string zero(64, '0');
  const std::string h = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
  auto got = ImportText("hash,quality\n" + h + ",90\n" + zero + ",100\n" + h + ",101\n" + h.substr(1) + "\n",
                        As(Format::kPdqList));
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].pdq_quality, 90);
  EXPECT_EQ(got.entries[0].provenance.line, 2u);
  EXPECT_EQ(got.report.zero_pdq_rejected, 1u);
  EXPECT_EQ(got.report.skipped, 3u);
  EXPECT_NE(got.report.skips[1].reason.find("0..100"), std::string::npos);
  EXPECT_NE(got.report.skips[2].reason.find("64 hex"), std::string::npos);
}

TEST(MalformedTest, GenericCsvWithColumnMapAndQuotes) {
  const std::string text =
      "id|file|digest|cat\n"
      "1|\"a|b \"\"quoted\"\"\nsecond line\"|d35c785545392755e7e4164457657269|CAT-1\n"
      "2|c.jpg|nothex|CAT-5\n"
      "3|d.jpg|69b0834fac1477a4397a0be6b6e55c1a|CAT-5\n";
  ImportOptions o;
  auto map = ParseColumnMap("md5=digest,name=2,category=cat,id=id,scheme=autopsy,sep=|");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  o.columns = *map;
  o.format = Format::kGenericCsv;
  auto got = ImportText(text, o);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(got.entries[0].file_name, "a|b \"quoted\"\nsecond line");
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);
  EXPECT_EQ(got.entries[1].category.triage, TriageClass::kNonPertinent);
  EXPECT_EQ(got.entries[1].provenance.line, 5u);  // the quoted field spans lines 2-3
  ASSERT_EQ(got.report.skips.size(), 1u);
  EXPECT_EQ(got.report.skips[0].where.line, 4u);
}

TEST(MalformedTest, GenericCsvByIndexWithoutHeader) {
  ImportOptions o;
  o.format = Format::kGenericCsv;
  o.columns = *ParseColumnMap("md5=2,size=1");
  auto got = ImportText(std::string("12,") + kMd5A + "\n", o);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].file_size, 12u);
  // A default category for a list without one.
  o.default_category = {CategoryScheme::kVicsDefault, "", "1", TriageClass::kUncategorised};
  got = ImportText(std::string("size,md5\n12,") + kMd5A + "\n", o);
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].category.triage, TriageClass::kAlert);
}

TEST(MalformedTest, ColumnMapErrors) {
  EXPECT_FALSE(ParseColumnMap("md5").ok());
  EXPECT_FALSE(ParseColumnMap("colour=1").ok());
  EXPECT_FALSE(ParseColumnMap("md5=0").ok());
  EXPECT_FALSE(ParseColumnMap("scheme=nope").ok());
  auto m = ParseColumnMap("sep=,,md5=1");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->separator, ',');
  ImportOptions o;
  o.format = Format::kGenericCsv;
  o.columns = *ParseColumnMap("md5=Missing");
  auto got = ImportText("a,b\n1,2\n", o);
  EXPECT_NE(got.status.message().find("'Missing'"), std::string::npos);
}

TEST(MalformedTest, UnterminatedQuoteIsReported) {
  auto got = ImportText(std::string("md5,name\n") + kMd5A + ",\"open\n", As(Format::kGenericCsv));
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(got.entries.size(), 0u);
  ASSERT_EQ(got.report.skips.size(), 1u);
  EXPECT_NE(got.report.skips[0].reason.find("unterminated"), std::string::npos);
}

TEST(MalformedTest, ExplicitFormatWins) {
  // 64-hex lines detect as a PDQ list; the caller says they are SHA-256 digests.
  const std::string line = "b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298\n";
  auto d = DetectFormat(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(line.data()), line.size()));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->format, Format::kPdqList);
  auto got = ImportText(line, As(Format::kHashsum));
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_TRUE(got.entries[0].sha256);
  EXPECT_FALSE(got.entries[0].pdq);
}

TEST(MalformedTest, NcmecBrokenXml) {
  auto got = ImportText(R"(<queryResult><images><image><id>x</id><fingerprints><md5>zz</md5></fingerprints></image>
<image><id>y</id><fingerprints><md5>d35c785545392755e7e4164457657269</md5></fingerprints></image><image>)");
  EXPECT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.status.code(), StatusCode::kCorrupt);
  EXPECT_NE(got.status.message().find("XML error"), std::string::npos);
  ASSERT_EQ(got.report.skips.size(), 1u);
  EXPECT_NE(got.report.skips[0].reason.find("md5 'zz'"), std::string::npos);
}

TEST(MalformedTest, EncaseTruncatedAndCountMismatch) {
  std::string bytes("HASH\r\n\xff\0", 8);
  bytes.resize(0x480, '\0');
  bytes[0x10] = 3;  // claims 3 entries
  bytes += std::string(16, '\x11') + std::string(2, '\0');
  bytes += std::string(10, '\x22');  // a partial second entry
  auto got = ImportText(bytes);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.report.skipped, 1u);
  bool noted = false;
  for (const auto& n : got.report.notes) noted |= n.find("header says 3") != std::string::npos;
  EXPECT_TRUE(noted);
  got = ImportText(bytes.substr(0, 0x100));
  EXPECT_NE(got.status.message().find("truncated"), std::string::npos);
}

TEST(MalformedTest, SkipListIsCapped) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "nothex\n";
  ImportOptions o = As(Format::kHashsum);
  o.max_skip_details = 10;
  auto got = ImportText(text, o);
  EXPECT_EQ(got.report.skipped, 30u);
  EXPECT_EQ(got.report.skips.size(), 10u);
  EXPECT_EQ(got.report.skips_not_listed, 20u);
}

TEST(MalformedTest, ImportFileCallbackAndMissingFile) {
  cairn::testing::TempDir dir;
  cairn::testing::WriteFile(dir / "l.md5", std::string(kMd5A) + "  a\n");
  int n = 0;
  auto r = ImportFile(dir / "l.md5", {}, [&](const Entry&) {
    ++n;
    return Status::Ok();
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(r->imported, 1u);
  auto missing = ImportFile(dir / "nope", {}, [](const Entry&) { return Status::Ok(); });
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cairn::hashset

namespace cairn::hashset {
namespace {

// Provenance follows the bytes: prefixing N bytes (k of them newlines) moves every offset by N
// and every line by k, for each reader that reports offsets.
TEST(ProvenanceTest, OffsetsAndLinesShiftWithTheInput) {
  const std::string vics = VicsDoc(R"({"MD5":"d35c785545392755e7e4164457657269"},
  {"MD5":"69b0834fac1477a4397a0be6b6e55c1a"})");
  const std::string sums = std::string(kMd5A) + "  a\n69b0834fac1477a4397a0be6b6e55c1a  b\n";
  const std::string csv = std::string("md5,name\n") + kMd5A + ",a\n69b0834fac1477a4397a0be6b6e55c1a,b\n";
  const std::string xml = std::string("<queryResult><images>\n<image><id>1</id><fingerprints><md5>") + kMd5A +
                          "</md5></fingerprints></image>\n<image><id>2</id><fingerprints><md5>"
                          "69b0834fac1477a4397a0be6b6e55c1a</md5></fingerprints></image></images></queryResult>";
  struct Case {
    std::string text;
    Format format;
    bool offsets;
  };
  for (const Case& c : {Case{vics, Format::kVicsJson, true}, Case{sums, Format::kHashsum, true},
                        Case{csv, Format::kGenericCsv, true}, Case{xml, Format::kNcmecXml, true}}) {
    auto base = ImportText(c.text, As(c.format));
    ASSERT_TRUE(base.status.ok()) << FormatName(c.format) << ": " << base.status.ToString();
    ASSERT_EQ(base.entries.size(), 2u) << FormatName(c.format);
    for (const std::string& prefix : {std::string("\n\n\n"), std::string(" \n  \t\r\n\n")}) {
      const uint64_t lines = static_cast<uint64_t>(std::count(prefix.begin(), prefix.end(), '\n'));
      std::string shifted = prefix + c.text;
      if (c.format == Format::kGenericCsv) shifted = c.text.substr(0, 9) + prefix + c.text.substr(9);
      auto got = ImportText(shifted, As(c.format));
      ASSERT_TRUE(got.status.ok()) << FormatName(c.format);
      ASSERT_EQ(got.entries.size(), 2u) << FormatName(c.format);
      for (size_t i = 0; i < 2; ++i) {
        const auto& a = base.entries[i].provenance;
        const auto& b = got.entries[i].provenance;
        EXPECT_EQ(b.record, a.record) << FormatName(c.format);
        EXPECT_EQ(b.line, a.line + lines) << FormatName(c.format) << " entry " << i;
        if (c.offsets && c.format != Format::kGenericCsv) {
          EXPECT_EQ(b.offset, a.offset + prefix.size()) << FormatName(c.format) << " entry " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace cairn::hashset
