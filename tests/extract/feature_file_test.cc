// bulk_extractor feature files: escaping, writing, reading back, and reading the shared sample.
#include "cairn/extract/feature_file.h"

#include <gtest/gtest.h>

#include "cairn_test_support.h"

namespace cairn::extract {
namespace {

TEST(FeatureFile, EscapeLikeBulkExtractor) {
  EXPECT_EQ(EscapeFeatureBytes(std::string("a\n\0b\\c\xff\t", 8)), "a\\012\\000b\\134c\\377\\011");
  auto back = UnescapeFeatureBytes("a\\012\\000b\\134c\\377\\x41");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, std::string("a\n\0b\\c\xff" "A", 8));
  EXPECT_FALSE(UnescapeFeatureBytes("bad\\9").ok());
  EXPECT_FALSE(UnescapeFeatureBytes("dangling\\").ok());
}

TEST(FeatureFile, WriteThenRead) {
  testing::TempDir dir;
  const auto path = dir / "email.txt";
  {
    auto w = FeatureFileWriter::Create(path, "email", "disk.raw");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write("80896", "a@b.com", std::string("\0\0a@b.com\n", 10)).ok());
    ASSERT_TRUE(w->Write("100-UTF16", "c@d.org", "x\\y").ok());
    ASSERT_TRUE(w->Close().ok());
  }
  const auto bytes = testing::ReadFileBytes(path);
  const std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("# Feature-Recorder: email\n"), std::string::npos);
  EXPECT_NE(text.find("# Feature-File-Version: 1.1\n"), std::string::npos);
  EXPECT_NE(text.find("80896\ta@b.com\t\\000\\000a@b.com\\012\n"), std::string::npos);
  auto f = ReadFeatureFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->recorder, "email");
  EXPECT_EQ(f->version, "1.1");
  ASSERT_EQ(f->rows.size(), 2u);
  EXPECT_EQ(f->rows[0].context, std::string("\0\0a@b.com\n", 10));
  EXPECT_EQ(f->rows[1].forensic_path, "100-UTF16");
  EXPECT_EQ(f->rows[1].context, "x\\y");
}

TEST(FeatureFile, ReadsSharedBulkExtractorSample) {
  CAIRN_REQUIRE_SHARED_DATA(path, "extract/nps-email.txt");
  auto f = ReadFeatureFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->recorder, "email");
  EXPECT_EQ(f->version, "1.1");
  EXPECT_EQ(f->rows.size(), 76u);
  EXPECT_EQ(f->rows[0].forensic_path, "848896-GZIP-0");
  EXPECT_EQ(f->rows[0].feature, "email_in_gzip@gzipfile.com");
  EXPECT_EQ(f->rows[0].context, "email_in_gzip@gzipfile.com\n");
  bool saw_plain = false;
  for (const auto& row : f->rows) {
    if (row.forensic_path == "80896") {
      saw_plain = true;
      EXPECT_EQ(row.feature, "plain_text@textedit.com");
      EXPECT_EQ(row.context, std::string(16, '\0') + "plain_text@textedit.com\n" + std::string(15, '\0'));
    }
  }
  EXPECT_TRUE(saw_plain);
}

TEST(FeatureFile, CorruptRowsNameTheLine) {
  auto f = ParseFeatureFile("# Feature-Recorder: x\nno-tab-here\n");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace cairn::extract
