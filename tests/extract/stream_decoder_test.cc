// Stream decoding: PDF Flate streams, gzip members (nested), zip members (deflate, stored) and
// their Office XML text, all made with zlib in the test; forensic paths and decoded contexts;
// offsets shift with padding; limits (bytes, ratio, depth, total) hold; garbage and cut streams
// never crash; streamed files equal whole buffers; the bulk_extractor PDF oracle rows of
// ../shared/data/extract/nps-email.txt inside the 100 KiB sample.
#include "cairn/extract/stream_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "cairn/extract/extractor.h"
#include "cairn/extract/feature_file.h"
#include "cairn_test_support.h"

namespace cairn::extract {
namespace {

// window_bits as deflateInit2: 15 zlib, 31 gzip, -15 raw deflate.
std::string Deflate(std::string_view in, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}
std::string Gzip(std::string_view in) { return Deflate(in, 31); }

// A PDF object holding `content` as a FlateDecode stream. *stream_at = offset of "stream".
std::string PdfObject(std::string_view content, size_t* stream_at) {
  std::string pdf = "%PDF-1.3\n4 0 obj\n<< /Length 5 0 R /Filter /FlateDecode >>\n";
  *stream_at = pdf.size();
  pdf += "stream\n" + Deflate(content, 15) + "\nendstream\nendobj\n";
  return pdf;
}

void PutLe(std::string& s, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One zip local file header + data (method 8 deflate or 0 stored); no central directory needed.
std::string ZipMember(std::string_view name, std::string_view content, int method) {
  const std::string data = method == 8 ? Deflate(content, -15) : std::string(content);
  std::string z = "PK\x03\x04";
  PutLe(z, 20, 2);
  PutLe(z, 0, 2);
  PutLe(z, static_cast<uint32_t>(method), 2);
  PutLe(z, 0, 4);  // time, date
  PutLe(z, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(content.data()),
                                       static_cast<uInt>(content.size()))), 4);
  PutLe(z, static_cast<uint32_t>(data.size()), 4);
  PutLe(z, static_cast<uint32_t>(content.size()), 4);
  PutLe(z, static_cast<uint32_t>(name.size()), 2);
  PutLe(z, 0, 2);
  z += name;
  z += data;
  return z;
}

Extractor Make(ExtractOptions o = {}) {
  auto e = Extractor::Create(o);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return std::move(e).value();
}

std::vector<Identifier> Decoded(const std::vector<Identifier>& ids) {
  std::vector<Identifier> out;
  for (const auto& id : ids) {
    if (!id.forensic_path.empty()) out.push_back(id);
  }
  return out;
}

std::string Noise(size_t bytes, unsigned seed) {
  std::mt19937 rng(seed);
  const char* words[] = {"the", "group", "sent", "files", "today", "ok", "later", "price", "10:32", "2023"};
  std::string s;
  while (s.size() < bytes) {
    s += words[rng() % 10];
    s += rng() % 9 == 0 ? '\n' : ' ';
  }
  s.resize(bytes);
  return s;
}

TEST(PdfStringText, SpacesBetweenStringsOnlyWhenNoStringHasOne) {
  EXPECT_EQ(PdfStringText("BT (a@b.com) Tj (next) Tj ET"), "a@b.com next ");
  EXPECT_EQ(PdfStringText("[(two words)(x)] TJ"), "two wordsx");
  EXPECT_EQ(PdfStringText("no strings here"), "");
}

TEST(MsxmlText, TextBetweenTagsAndParagraphBreaks) {
  EXPECT_EQ(*MsxmlText("<?xml v?><w:p><w:t>a b</w:t></w:p><w:p><w:t>c</w:t></w:p>"), "a b\nc\n");
  EXPECT_FALSE(MsxmlText("<html>no</html>").has_value());
}

TEST(StreamSignatures, FoundInOrderAndOnlyWhereValid) {
  const std::string s = std::string("xx\x1f\x8b\x08\x00 PK\x03\x04 stream\n endstream\n livestream ok\x1f\x8b\x09", 48);
  std::vector<std::pair<size_t, StreamKind>> seen;
  ForEachStreamSignature(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0, s.size(),
                         [&](size_t at, StreamKind k) { seen.emplace_back(at, k); });
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(size_t{2}, StreamKind::kGzip));
  EXPECT_EQ(seen[1], std::make_pair(size_t{7}, StreamKind::kZip));
  EXPECT_EQ(seen[2], std::make_pair(size_t{12}, StreamKind::kPdf));  // not "endstream", not "livestream "
}

TEST(StreamDecoder, PdfFlateStreamTextWithPathAndContext) {
  size_t at = 0;
  const std::string pdf = PdfObject("BT /F1 1 Tf (alice.b@example.com)\nTj ET", &at);
  const Extractor x = Make();
  for (size_t pad : {0, 1, 777}) {
    const std::string input = std::string(pad, '\0') + pdf;
    auto hits = Decoded(x.Extract(input));
    ASSERT_EQ(hits.size(), 1u) << "pad " << pad;
    EXPECT_EQ(hits[0].forensic_path, std::to_string(pad + at) + "-PDF-0");
    EXPECT_EQ(hits[0].offset, pad + at);
    EXPECT_EQ(hits[0].value, "alice.b@example.com");
    EXPECT_EQ(hits[0].decoded_context, "alice.b@example.com ");
  }
}

TEST(StreamDecoder, NotZlibOrNotTextPdfStreamsGiveNothing) {
  const Extractor x = Make();
  EXPECT_TRUE(Decoded(x.Extract("stream\nbob@example.com is here\nendstream\n")).empty());
  std::string binary(4000, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7919 % 251);
  binary += "(carol@example.net)";
  size_t at = 0;
  EXPECT_TRUE(Decoded(x.Extract(PdfObject(binary, &at))).empty());  // not mostly text: a font, an image
}

TEST(StreamDecoder, GzipAndGzipInsideGzip) {
  const std::string text = "hello\nwrite to bob@example.org now\n";
  const std::string outer = "log " + Gzip(text) + " and " + Gzip(Gzip(text));
  const Extractor x = Make();
  auto hits = Decoded(x.Extract(outer));
  ASSERT_EQ(hits.size(), 2u);
  const size_t second = outer.find(" and ") + 5;
  EXPECT_EQ(hits[0].forensic_path, "4-GZIP-15");
  EXPECT_EQ(hits[0].offset, 4u);
  EXPECT_EQ(hits[1].forensic_path, std::to_string(second) + "-GZIP-0-GZIP-15");
  EXPECT_EQ(hits[1].offset, second);
  EXPECT_EQ(hits[1].value, "bob@example.org");
  EXPECT_EQ(hits[1].decoded_context, "hello\nwrite to bob@example.org now\n");
}

TEST(StreamDecoder, ZipMemberAndItsOfficeXmlText) {
  const std::string xml =
      "<?xml version=\"1.0\"?><w:document><w:body><w:p><w:r><w:t>mail carol@example.net</w:t></w:r></w:p>"
      "</w:body></w:document>";
  const std::string zip = ZipMember("word/document.xml", xml, 8);
  const std::string input = Noise(300, 1) + zip;
  const Extractor x = Make();
  auto hits = Decoded(x.Extract(input));
  ASSERT_EQ(hits.size(), 2u);
  const std::string base = "300-ZIP-";
  const size_t in_text = MsxmlText(xml)->find("carol");
  EXPECT_EQ(hits[0].forensic_path, base + "0-MSXML-" + std::to_string(in_text));
  EXPECT_EQ(hits[1].forensic_path, base + std::to_string(xml.find("carol")));
  EXPECT_EQ(hits[0].value, "carol@example.net");
  EXPECT_EQ(hits[1].decoded_context, "><w:r><w:t>mail carol@example.net</w:t></w:r></w:");
}

TEST(StreamDecoder, StoredZipMemberAlsoHasItsPath) {
  std::string input = "x";
  input += ZipMember("a.txt", "call dave@example.com\n", 0);
  const Extractor x = Make();
  auto all = x.Extract(input);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].forensic_path, "1-ZIP-5");
  EXPECT_EQ(all[0].offset, 1u);                // the member's header
  EXPECT_TRUE(all[1].forensic_path.empty());  // the stored bytes are there as they are, too
  EXPECT_EQ(all[1].offset, 1u + 30 + 5 + 5);  // header, "a.txt", "call "
  EXPECT_EQ(all[1].value, all[0].value);
}

TEST(StreamDecoder, ZipInsideZip) {
  const std::string inner = ZipMember("in.txt", "see erin@example.com today", 8);
  const std::string input = ZipMember("inner.zip", inner, 8);
  auto hits = Decoded(Make().Extract(input));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].forensic_path, "0-ZIP-0-ZIP-4");
}

TEST(StreamDecoder, DecodeStreamsOff) {
  ExtractOptions o;
  o.decode_streams = false;
  EXPECT_TRUE(Make(o).Extract("a " + Gzip("frank@example.com")).empty());
}

TEST(StreamDecoder, BytesRatioDepthAndTotalLimits) {
  const std::string bomb = Gzip(std::string(size_t{8} << 20, 'A') + " gina@example.com");
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(bomb.data()), bomb.size());
  DecodeLimits small;
  small.max_decoded_bytes = size_t{1} << 20;
  auto d = DecodeStream(bytes, 0, StreamKind::kGzip, small);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->truncated);
  EXPECT_EQ(d->bytes.size(), size_t{1} << 20);
  DecodeLimits ratio;
  ratio.max_ratio = 50;
  d = DecodeStream(bytes, 0, StreamKind::kGzip, ratio);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->truncated);
  EXPECT_LT(d->bytes.size(), size_t{4} << 20);
  // Whole: the identifier after 8 MiB of 'A' (ratio ~1000:1, under the default bound).
  EXPECT_EQ(Decoded(Make().Extract(bomb)).size(), 1u);
  ExtractOptions o;
  o.decode_limits.max_total_decoded_bytes = size_t{2} << 20;
  EXPECT_TRUE(Decoded(Make(o).Extract(bomb)).empty());

  std::string nested = "henry@example.com";
  for (int i = 0; i < 4; ++i) nested = Gzip(nested);
  o = {};
  o.decode_limits.max_depth = 3;
  EXPECT_TRUE(Decoded(Make(o).Extract(nested)).empty());
  o.decode_limits.max_depth = 4;
  auto hits = Decoded(Make(o).Extract(nested));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].forensic_path, "0-GZIP-0-GZIP-0-GZIP-0-GZIP-0");
}

TEST(StreamDecoder, CutStreamsKeepTheirBeginning) {
  const std::string text = "ivan@example.com " + Noise(200000, 2);
  const std::string gz = Gzip(text);
  const std::string cut = gz.substr(0, gz.size() / 2);
  auto d = DecodeStream(std::span(reinterpret_cast<const uint8_t*>(cut.data()), cut.size()), 0, StreamKind::kGzip);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->input_ended);
  EXPECT_GT(d->bytes.size(), 1000u);
  EXPECT_EQ(d->bytes.substr(0, 16), "ivan@example.com");
}

TEST(StreamDecoder, GarbageWithSignaturesNeverCrashes) {
  std::mt19937 rng(11);
  const Extractor x = Make();
  const std::string sigs[] = {std::string("\x1f\x8b\x08\x00", 4), std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10),
                              "stream\n\x78\x9c", "endstream\n", "<?xml "};
  for (int round = 0; round < 200; ++round) {
    std::string s(1 + rng() % 3000, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    for (int k = 0; k < 6; ++k) {
      const std::string& sig = sigs[rng() % 5];
      s.insert(rng() % s.size(), sig);
    }
    const auto ids = x.Extract(s);
    for (const auto& id : ids) EXPECT_LE(id.offset, s.size());
  }
}

TEST(StreamDecoder, StreamedFileEqualsWholeBuffer) {
  // Streams that cross the 16 KiB chunk borders, long and short, at odd offsets.
  size_t at = 0;
  std::string input = Noise(15000, 3) + Gzip(Noise(70000, 4) + " judy@example.com " + Noise(5000, 5)) +
                      Noise(9000, 6) + PdfObject("(kim@example.com)\nTj " + Noise(40000, 7), &at) +
                      Noise(16380, 8) + ZipMember("a/b.xml", "<?xml x?><t>leo@example.com</t>" + Noise(30000, 9), 8) +
                      Noise(100, 10) + Gzip("mia@example.com");
  testing::TempDir dir;
  const auto path = dir.path() / "mixed.bin";
  testing::WriteFile(path, input);
  const Extractor x = Make();
  const auto whole = x.Extract(input);
  EXPECT_EQ(Decoded(whole).size(), 5u);  // judy, kim, leo (ZIP and MSXML), mia
  std::vector<Identifier> streamed;
  ASSERT_TRUE(x.ExtractFile(path, [&](const Identifier& id) { streamed.push_back(id); }, 0).ok());
  ASSERT_EQ(streamed.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(streamed[i], whole[i]) << i << " " << whole[i].forensic_path << " " << streamed[i].forensic_path;
  }
}

TEST(StreamDecoder, Utf16TextInsideAStream) {
  std::string utf16;
  for (char c : std::string("note: pia@example.com\n")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  const std::string input = "ab" + Gzip(utf16);
  auto hits = Decoded(Make().Extract(input));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].forensic_path, "2-GZIP-12");  // byte offset in the decoded stream
  EXPECT_EQ(hits[0].encoding, TextEncoding::kUtf16le);
  EXPECT_EQ(hits[0].value, "pia@example.com");
  EXPECT_EQ(hits[0].length, 30u);
}

TEST(StreamDecoder, PathsShiftWithPrefixPadding) {
  size_t at = 0;
  const std::string body = "x " + Gzip("q@example.com " + Gzip("r@example.com")) + " " +
                           ZipMember("w.xml", "<?xml a?><w:t>s@example.com</w:t>", 8) +
                           PdfObject("(t@example.com)\nTj", &at) + " u@example.com";
  const Extractor x = Make();
  const auto base = x.Extract(body);
  ASSERT_EQ(Decoded(base).size(), 5u);
  for (size_t pad : {1, 7, 4096}) {
    const auto shifted = x.Extract(std::string(pad, '\n') + body);
    ASSERT_EQ(shifted.size(), base.size());
    for (size_t i = 0; i < base.size(); ++i) {
      Identifier want = base[i];
      want.offset += pad;
      if (!want.forensic_path.empty()) {
        const size_t dash = want.forensic_path.find('-');
        want.forensic_path = std::to_string(std::stoull(want.forensic_path) + pad) + want.forensic_path.substr(dash);
      }
      EXPECT_EQ(shifted[i], want) << "pad " << pad << " " << base[i].forensic_path;
    }
  }
}

TEST(StreamDecoder, NpsEmailPdfOracle) {
  CAIRN_REQUIRE_SHARED_DATA(raw, "extract/nps-2010-emails.100k.raw");
  CAIRN_REQUIRE_SHARED_DATA(oracle_path, "extract/nps-email.txt");
  const auto bytes = testing::ReadFileBytes(raw);
  auto oracle = ReadFeatureFile(oracle_path);
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  const Extractor x = Make();
  std::vector<Identifier> streamed;
  ASSERT_TRUE(x.ExtractFile(raw, [&](const Identifier& id) { streamed.push_back(id); }, 0).ok());
  const auto whole = x.Extract(std::span<const uint8_t>(bytes));
  int checked = 0, beyond = 0;
  for (const FeatureRow& row : oracle->rows) {
    if (row.forensic_path.find('-') == std::string::npos) continue;  // plain rows: NpsEmailOracle
    if (std::stoull(row.forensic_path) >= bytes.size()) {
      ++beyond;
      continue;
    }
    for (const std::vector<Identifier>* found : {&whole, static_cast<const std::vector<Identifier>*>(&streamed)}) {
      auto it = std::find_if(found->begin(), found->end(),
                             [&](const Identifier& id) { return id.forensic_path == row.forensic_path; });
      ASSERT_NE(it, found->end()) << row.forensic_path << " " << row.feature;
      EXPECT_EQ(it->value, row.feature);
      EXPECT_EQ(it->kind, IdentifierKind::kEmail);
      EXPECT_EQ(it->decoded_context, row.context) << row.forensic_path;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3);  // 70727-PDF-0, 81991-PDF-0, 92231-PDF-0
  EXPECT_EQ(beyond, 42);  // every other -PDF-/-ZIP-/-GZIP-/-MSXML- row starts past 102400
  // Nothing else decoded in the sample (the other streams are fonts and colour profiles).
  EXPECT_EQ(Decoded(whole).size(), 3u);
}

}  // namespace
}  // namespace cairn::extract
