// Tests of `cairn report`'s case sections: a small case with scan findings, two generated zipped
// WhatsApp exports (an attachment matching a TEST-FIXTURE list, a hostile display name and group
// title) and a small ledger linked to the flagged poster. report.html must hold the network and
// money sections, every SVG must be well-formed XML (expat), nothing may be an image, a data: URI
// or a script, and two runs give the same bytes. Also: absent sections, a no-scan case, several
// currencies, and the network picture at 50 groups × 5,000 people.
#include <expat.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "cairn/core/digest.h"
#include "cairn/hashset/library.h"
#include "cairn/net/network.h"
#include "cairn/net/svg.h"
#include "cairn/report/report.h"
#include "cairn/scan/matcher.h"
#include "cairn/scan/scan.h"
#include "cairn/store/case.h"
#include "cairn/trail/ledger.h"
#include "cairn/trail/graph.h"
#include "cairn/trail/links.h"
#include "cairn/trail/svg.h"
#include "cairn/trail/trace.h"
#include "cairn_test_support.h"
#include "cairn_zip_writer.h"
#include "synthetic_exports.h"

namespace cairn::report {
namespace {

namespace fs = std::filesystem;
using cairn::testing::TempDir;
using cairn::testing::WriteFile;

constexpr std::string_view kAttachment = "benign synthetic attachment bytes, not an image";
constexpr std::string_view kHostile = "<script>alert(1)</script>";

using cairn::testing::ReadText;

// Empty when `xml` is a well-formed XML document, else expat's error and line.
std::string XmlError(const std::string& xml) {
  XML_Parser p = XML_ParserCreate("UTF-8");
  std::string error;
  if (XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
    error = std::string(XML_ErrorString(XML_GetErrorCode(p))) + " at line " +
            std::to_string(XML_GetCurrentLineNumber(p));
  }
  XML_ParserFree(p);
  return error;
}

std::vector<std::string> Svgs(const std::string& html) {
  std::vector<std::string> out;
  for (size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) {
    const size_t end = html.find("</svg>", p);
    if (end == std::string::npos) break;
    out.push_back(html.substr(p, end + 6 - p));
  }
  return out;
}

size_t Count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The HTML without its one time-dependent value ("Report written: <UTC>").
std::string MaskTime(const std::string& html) {
  return std::regex_replace(html, std::regex("Report written: [^<]*"), "Report written: T");
}

struct CaseBuilder {
  TempDir dir;
  std::unique_ptr<store::Case> c;

  CaseBuilder() {
    auto opened = store::Case::Open(dir / "case", true);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    c = std::move(opened).value();
  }

  // A TEST-FIXTURE md5 list "planted" holding the attachment's MD5, in dir/library.
  std::shared_ptr<const hashset::CompiledList> List() {
    if (list_) return list_;
    const Md5 md5 = DigestBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kAttachment.data()),
                                                         kAttachment.size())).md5;
    WriteFile(dir / "list.md5", md5.ToHex() + "  planted.jpg\n");
    auto lib = hashset::Library::Open(dir / "library");
    EXPECT_TRUE(lib.ok()) << lib.status().ToString();
    EXPECT_TRUE((*lib)->Import(dir / "list.md5", "planted", "1", {}).ok());
    auto list = (*lib)->OpenList("planted");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    list_ = *list;
    return list_;
  }
  std::shared_ptr<const hashset::CompiledList> list_;

  void Scan() {
    fs::create_directories(dir / "ev");
    WriteFile(dir / "ev/listed.bin", kAttachment);
    WriteFile(dir / "ev/other.txt", "something else");
    scan::ScanRequest req;
    req.evidence = {dir / "ev"};
    req.lists = {"planted"};
    req.options.jobs = 1;
    auto s = scan::StartScan(*c, dir / "library", req, {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->hits, 1u);
  }

  void Chats(bool with_list = true) {
    const std::string hostile(kHostile);
    WriteFile(dir / "WhatsApp Chat - <i>Alpha & co.zip",
              cairn::testing::MakeZip({{"_chat.txt",
                        "20/03/2021, 09:00 - +92 300 1234567: IMG-001.jpg (file attached)\n"
                        "20/03/2021, 09:01 - +1 613-555-0123: hi\n"
                        "20/03/2021, 09:02 - " + hostile + ": see https://mega.nz/file/abc\n"},
                       {"IMG-001.jpg", std::string(kAttachment)}}));
    WriteFile(dir / "WhatsApp Chat - Beta.zip",
              cairn::testing::MakeZip({{"_chat.txt", "21/03/2021, 10:00 - +1 613-555-0123: IMG-777.jpg (file attached)\n"
                                     "21/03/2021, 10:05 - +44 7400 123456: ok\n"},
                       {"IMG-777.jpg", std::string(kAttachment)}}));
    net::IngestOptions o;
    if (with_list) {
      o.matcher = std::make_shared<scan::Matcher>(std::vector<std::shared_ptr<const hashset::CompiledList>>{List()},
                                                  scan::MatchOptions{});
    }
    for (const char* f : {"WhatsApp Chat - <i>Alpha & co.zip", "WhatsApp Chat - Beta.zip"}) {
      auto r = net::IngestExport(*c, dir / f, o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  void Ledger(const std::string& currency = "USD", const std::string& name = "ledger.csv", bool link = true) {
    WriteFile(dir / name,
              "from,to,amount,time\n"
              "src1,acct-A,10.00,1\nsrc2,acct-A,10.00,2\nsrc3,acct-A,10.00,3\nsrc4,acct-A,10.00,4\n"
              "src5,acct-A,10.00,5\nacct-A,mule-B,30.00,6\nmule-B," + std::string(kHostile) + ",25.00,7\n"
              "acct-A,cash-out,15.00,8\n" + (currency == "USD" ? "" : "acct-A,cash-out,1.00,9\n"));
    trail::IngestOptions o;
    auto map = trail::ColumnMap::Parse("from=from,to=to,amount=amount,time=time");
    ASSERT_TRUE(map.ok());
    o.map = *map;
    o.default_currency = currency;
    auto r = trail::IngestFile(*c, dir / name, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (!link) return;
    WriteFile(dir / "links.csv", "account,person\nacct-A,+92 300 1234567\n");
    auto l = trail::LinkFromFile(*c, dir / "links.csv");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
  }
};

TEST(Report, SectionsPicturesEscapingAndSameBytes) {
  CaseBuilder b;
  b.List();
  ASSERT_NO_FATAL_FAILURE(b.Scan());
  ASSERT_NO_FATAL_FAILURE(b.Chats());
  ASSERT_NO_FATAL_FAILURE(b.Ledger());
  auto s = WriteReports(*b.c, b.dir / "out1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->scan && s->network && s->money);
  EXPECT_EQ(s->hits, 1u);
  const std::string html = ReadText(b.dir / "out1/report.html");
  if (const char* keep = std::getenv("CAIRN_REPORT_KEEP"); keep && *keep) {  // to look at it
    fs::copy(b.dir / "out1", keep, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }

  // The sections and their facts.
  EXPECT_NE(html.find("<h2 id=\"network\">Network</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"money\">Money</h2>"), std::string::npos);
  EXPECT_NE(html.find("2 groups, 4 people"), std::string::npos) << html;
  EXPECT_NE(html.find("Countries (attributed by number)"), std::string::npos);
  EXPECT_NE(html.find("<td>Pakistan</td><td>PK</td><td>1</td>"), std::string::npos);
  EXPECT_NE(html.find("planted@1 entry"), std::string::npos);            // the known-material post...
  EXPECT_NE(html.find("distance 0 &lt;= threshold 0"), std::string::npos);  // ...states distance and threshold
  EXPECT_NE(html.find("<td>acct-A</td><td>tel:+923001234567</td><td>mapping file</td><td>1.00</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"hit\"><td>acct-A</td><td>tel:+923001234567: "), std::string::npos);
  EXPECT_NE(html.find("fan_in 1"), std::string::npos);
  EXPECT_NE(html.find("Flows out of flagged accounts"), std::string::npos);
  EXPECT_NE(html.find("<td>acct-A</td><td>mule-B</td><td>1</td><td>3000</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>acct-A</td><td>src1</td><td>1</td><td>1000</td>"), std::string::npos);

  // Pictures: the network picture and both traces, each well-formed XML.
  const std::vector<std::string> svgs = Svgs(html);
  ASSERT_EQ(svgs.size(), 3u);
  for (const std::string& svg : svgs) EXPECT_EQ(XmlError(svg), "") << svg;
  EXPECT_NE(svgs[0].find("2 groups, 4 people"), std::string::npos);
  EXPECT_NE(svgs[0].find("&lt;i&gt;Alpha &amp; co"), std::string::npos);
  EXPECT_NE(svgs[0].find("fill=\"#c0392b\""), std::string::npos);  // the poster of known material
  EXPECT_NE(svgs[1].find("acct-A [flagged]"), std::string::npos);
  EXPECT_NE(svgs[1].find("mule-B"), std::string::npos);
  EXPECT_NE(svgs[2].find("src1"), std::string::npos);

  // Escaping: the hostile display name, group title and account name stay text everywhere.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_GE(Count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 3u);  // person, money tables, SVGs
  const std::string lower = Lower(html);
  EXPECT_EQ(lower.find("<img"), std::string::npos);
  EXPECT_EQ(lower.find("data:"), std::string::npos);
  EXPECT_EQ(lower.find("<image"), std::string::npos);
  EXPECT_EQ(lower.find("javascript:"), std::string::npos);
  EXPECT_EQ(lower.find("href=\"http"), std::string::npos);
  EXPECT_EQ(lower.find("<foreignobject"), std::string::npos);
  EXPECT_EQ(lower.find("<use"), std::string::npos);

  // JSON beside the HTML.
  const auto network = nlohmann::json::parse(ReadText(b.dir / "out1/network.json"));
  EXPECT_EQ(network["groups"], 2);
  EXPECT_EQ(network["known_material_posts_total"], 2);
  ASSERT_FALSE(network["distributors"].empty());
  EXPECT_EQ(network["distributors"][0]["person_id"], "tel:+923001234567");
  EXPECT_EQ(network["distributors"][0]["known_hits"], 1);
  const auto money = nlohmann::json::parse(ReadText(b.dir / "out1/money.json"));
  EXPECT_EQ(money["currency"], "USD");
  EXPECT_EQ(money["accounts"], 9);
  EXPECT_EQ(money["transfers"], 8);
  EXPECT_EQ(money["flows_basis"], "flagged");
  ASSERT_EQ(money["flagged_accounts"].size(), 1u);
  EXPECT_EQ(money["flagged_accounts"][0]["account"], "acct-A");
  EXPECT_EQ(money["flows"]["out"]["trace"]["start_amount_minor"], 4500);
  EXPECT_EQ(money["flows"]["in"]["trace"]["start_amount_minor"], 5000);
  EXPECT_EQ(money["patterns"]["by_kind"]["fan_in"], 1);
  EXPECT_TRUE(money["patterns"]["listed"][0]["touches_flagged"]);

  // Same case → same bytes (report.html up to its "Report written" time).
  auto again = WriteReports(*b.c, b.dir / "out2");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(MaskTime(ReadText(b.dir / "out2/report.html")), MaskTime(html));
  for (const char* f : {"network.json", "money.json", "findings.csv", "vics-case.json", "dfxml.xml"}) {
    EXPECT_EQ(ReadText(b.dir / "out2" / f), ReadText(b.dir / "out1" / f)) << f;
  }
}

// The report fixes the state of the case's audit log it was written from: every row, the chain
// verdict and the chain head.
TEST(Report, AuditLogWithVerdictAndHead) {
  CaseBuilder b;
  b.List();
  ASSERT_NO_FATAL_FAILURE(b.Scan());
  ASSERT_NO_FATAL_FAILURE(b.Chats());
  auto rows = b.c->ReadAuditLog();
  ASSERT_TRUE(rows.ok());
  ASSERT_GE(rows->size(), 2u);
  ASSERT_TRUE(WriteReports(*b.c, b.dir / "out").ok());
  const std::string html = ReadText(b.dir / "out/report.html");
  EXPECT_NE(html.find("<h2 id=\"audit\">Audit log</h2>\n<p>" + std::to_string(rows->size()) +
                      " rows; chain intact; head <span class=\"h\">" + rows->back().hash + "</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>scan.start</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>net.ingest</td>"), std::string::npos);
}

TEST(Report, AbsentSectionsSaySo) {
  CaseBuilder b;
  b.List();
  ASSERT_NO_FATAL_FAILURE(b.Scan());
  auto s = WriteReports(*b.c, b.dir / "out");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->scan);
  EXPECT_FALSE(s->network);
  EXPECT_FALSE(s->money);
  const std::string html = ReadText(b.dir / "out/report.html");
  EXPECT_NE(html.find("No chat exports ingested"), std::string::npos);
  EXPECT_NE(html.find("No ledger ingested"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_FALSE(fs::exists(b.dir / "out/network.json"));
  EXPECT_FALSE(fs::exists(b.dir / "out/money.json"));
  EXPECT_TRUE(fs::exists(b.dir / "out/findings.csv"));
}

TEST(Report, CaseWithoutScanGetsItsSectionsAndNoScanFiles) {
  CaseBuilder b;
  ASSERT_NO_FATAL_FAILURE(b.Chats(/*with_list=*/false));
  auto s = WriteReports(*b.c, b.dir / "out");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->scan);
  EXPECT_TRUE(s->network);
  EXPECT_FALSE(s->money);
  const std::string html = ReadText(b.dir / "out/report.html");
  EXPECT_NE(html.find("No scan in this case"), std::string::npos);
  EXPECT_NE(html.find("No ledger ingested"), std::string::npos);
  EXPECT_NE(html.find("No posted media matched a hash list"), std::string::npos);
  ASSERT_EQ(Svgs(html).size(), 1u);
  EXPECT_EQ(XmlError(Svgs(html)[0]), "");
  EXPECT_FALSE(fs::exists(b.dir / "out/findings.csv"));
  EXPECT_TRUE(fs::exists(b.dir / "out/network.json"));
}

TEST(Report, EmptyCaseIsNotFound) {
  CaseBuilder b;
  auto s = WriteReports(*b.c, b.dir / "out");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find("no scan, no chat exports and no ledger"), std::string::npos);
}

TEST(Report, SeveralCurrenciesNeedAChoice) {
  CaseBuilder b;
  ASSERT_NO_FATAL_FAILURE(b.Ledger("USD", "usd.csv"));
  // The same rows and one more in EUR.
  ASSERT_NO_FATAL_FAILURE(b.Ledger("EUR", "eur.csv", /*link=*/false));
  auto s = WriteReports(*b.c, b.dir / "out");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->money);
  const std::string html = ReadText(b.dir / "out/report.html");
  EXPECT_NE(html.find("several currencies"), std::string::npos) << html;
  EXPECT_NE(html.find("--currency"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  ReportOptions o;
  o.currency = "EUR";
  auto eur = WriteReports(*b.c, b.dir / "eur", o);
  ASSERT_TRUE(eur.ok()) << eur.status().ToString();
  const auto money = nlohmann::json::parse(ReadText(b.dir / "eur/money.json"));
  EXPECT_EQ(money["currency"], "EUR");
  EXPECT_EQ(money["transfers"], 9);
  // No flagged person in this case: the flows are drawn around the linked account.
  EXPECT_EQ(money["flows_basis"], "linked");
  const std::string eur_html = ReadText(b.dir / "eur/report.html");
  EXPECT_NE(eur_html.find("Flows out of linked accounts"), std::string::npos);
  for (const std::string& svg : Svgs(eur_html)) EXPECT_EQ(XmlError(svg), "");
}

struct ShellRun {
  int exit_code = -1;
  std::string err;
};

// Runs the cairn binary; stderr is captured (stdout dropped).
ShellRun Cairn(const std::string& args) {
  ShellRun r;
  FILE* p = ::popen(("'" CAIRN_BINARY "' " + args + " 2>&1 >/dev/null").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.err.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(ReportCli, SectionsAndExitCodes) {
  CaseBuilder b;
  ASSERT_NO_FATAL_FAILURE(b.Ledger("USD", "usd.csv"));
  ASSERT_NO_FATAL_FAILURE(b.Ledger("EUR", "eur.csv", /*link=*/false));
  const std::string dir = (b.dir / "case").string();
  ShellRun r = Cairn("report --case '" + dir + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("no scan; network none, money yes"), std::string::npos) << r.err;
  EXPECT_NE(ReadText(b.dir / "case/reports/report.html").find("several currencies"), std::string::npos);
  r = Cairn("report --case '" + dir + "' --currency EUR --out '" + (b.dir / "eur").string() + "' -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(nlohmann::json::parse(ReadText(b.dir / "eur/money.json"))["currency"], "EUR");
  // An empty case: nothing to report.
  CaseBuilder empty;
  r = Cairn("report --case '" + (empty.dir / "case").string() + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no scan, no chat exports and no ledger"), std::string::npos) << r.err;
}

// The picture at the acceptance scale, built in memory: 50 groups, 5,000 people of whom every
// tenth is in two groups and some in ten. Bounded drawing, every group labelled, valid XML.
TEST(NetworkSvg, FiftyGroupsFiveThousandPeopleStayReadable) {
  net::NetworkPicture p;
  for (int g = 0; g < 50; ++g) {
    p.groups.push_back({g + 1, "Group " + std::to_string(g + 1) + (g == 7 ? std::string(kHostile) : ""),
                        100, static_cast<uint64_t>(1000 + 50 * g), 10, 0});
  }
  p.people_total = 5000;
  net::NetworkPictureOptions o;
  for (int i = 0; i < 400; ++i) {  // more candidates than max_people, as a loader would not pass
    net::NetworkPicture::Person person;
    person.person_id = "tel:+92300" + std::to_string(1000000 + i);
    person.display_name = i == 3 ? std::string(kHostile) : "Person " + std::to_string(i);
    person.role = i < 5 ? net::PictureRole::kKnownMaterial : i < 25 ? net::PictureRole::kDistributor
                                                                   : net::PictureRole::kBridge;
    const int span = i % 7 == 0 ? 10 : 2;
    for (int k = 0; k < span; ++k) person.groups.push_back(static_cast<uint32_t>((i * 3 + k * 5) % 50));
    std::sort(person.groups.begin(), person.groups.end());
    person.groups.erase(std::unique(person.groups.begin(), person.groups.end()), person.groups.end());
    person.messages = static_cast<uint64_t>(1 + i % 40);
    if (p.people.size() < o.max_people) {
      for (uint32_t g : person.groups) ++p.groups[g].drawn;
      p.people.push_back(std::move(person));
    }
  }
  p.bridges_total = 500;
  for (int a = 1; a <= 50; ++a) {
    for (int b2 = a + 1; b2 <= 50; ++b2) {
      p.links.push_back({a, b2, "Group " + std::to_string(a), "Group " + std::to_string(b2),
                         static_cast<uint64_t>((a * b2) % 13), 0, 0});
    }
  }
  const std::string svg = net::NetworkSvg(p, o);
  EXPECT_EQ(XmlError(svg), "");
  EXPECT_EQ(svg, net::NetworkSvg(p, o));  // deterministic
  // 50 group discs + 150 people + legend (3 role dots + 1 group disc).
  EXPECT_EQ(Count(svg, "<circle"), 50u + 150u + 4u);
  EXPECT_EQ(Count(svg, "<path"), 200u);  // the 200 strongest of 1,225 group links
  for (int g = 1; g <= 50; ++g) {
    EXPECT_NE(svg.find(">Group " + std::to_string(g) + (g == 8 ? "&lt;script" : " ·")), std::string::npos) << g;
  }
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("50 groups, 5000 people"), std::string::npos);
  EXPECT_LT(svg.size(), 400u * 1024u);
}

TEST(NetworkSvg, TextIsValidUtf8AndCut) {
  net::NetworkPicture p;
  p.groups.push_back({1, std::string("Gr\xC3\xBC\xC3\x9F\xFF\x01 ") + std::string(40, 'x'), 2, 3, 0, 1});
  net::NetworkPicture::Person person;
  person.person_id = "name:a\xE2\x82@1";  // cut UTF-8
  person.display_name = "\xF0\x9F\x98\x80 smile";
  person.groups = {0};
  p.people.push_back(person);
  p.people_total = 2;
  const std::string svg = net::NetworkSvg(p);
  EXPECT_EQ(XmlError(svg), "") << svg;
  EXPECT_NE(svg.find("Gr\xC3\xBC\xC3\x9F\xEF\xBF\xBD  xxxxxxxxxxxxxxxxx\xE2\x80\xA6 · 2 members, 1 counted"),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("\xF0\x9F\x98\x80 smile"), std::string::npos);
}

// Names of arbitrary bytes (invalid UTF-8, control bytes, markup) never break either picture.
TEST(Svg, ArbitraryBytesInNamesStayWellFormed) {
  std::mt19937 rng(7);
  auto junk = [&] {
    std::string s(static_cast<size_t>(rng() % 40), '\0');
    for (char& ch : s) ch = static_cast<char>(rng() % 256);
    return s + "<&>\"'\x01]]>";
  };
  for (int round = 0; round < 50; ++round) {
    net::NetworkPicture p;
    for (int g = 0; g < 5; ++g) p.groups.push_back({g, junk(), 3, 10, 1, 1});
    for (int i = 0; i < 5; ++i) {
      net::NetworkPicture::Person person;
      person.person_id = junk();
      person.display_name = junk();
      person.country = junk();
      person.groups = {static_cast<uint32_t>(i), static_cast<uint32_t>((i + 1) % 5)};
      std::sort(person.groups.begin(), person.groups.end());
      p.people.push_back(std::move(person));
    }
    p.links.push_back({0, 1, junk(), junk(), 1, 1, 1});
    const std::string net_svg = net::NetworkSvg(p);
    ASSERT_EQ(XmlError(net_svg), "") << net_svg;

    std::vector<std::string> names = {junk(), junk(), junk()};
    trail::LedgerGraph g = trail::LedgerGraph::Build(names, {{0, 1, 500, 1, 1}, {1, 2, 400, 2, 2}});
    const std::vector<uint32_t> start = {0};
    auto tr = trail::Trace(g, start, trail::TraceOptions{});
    ASSERT_TRUE(tr.ok());
    const std::string money_svg = trail::MoneyFlowSvg(g, *tr, true, {{names[1], junk()}});
    ASSERT_EQ(XmlError(money_svg), "") << money_svg;
  }
}

// The acceptance network (tests/net/synthetic_exports: 50 groups, 5,000+ people, ~1 M messages)
// through ingest and the report. Slow (about half a minute), so only with CAIRN_REPORT_ACCEPTANCE=1;
// it prints how long the network section takes and checks its shape, never its time.
TEST(Report, AcceptanceNetwork) {
  const char* env = std::getenv("CAIRN_REPORT_ACCEPTANCE");
  if (env == nullptr || std::string(env) != "1") GTEST_SKIP() << "set CAIRN_REPORT_ACCEPTANCE=1 to run";
  CaseBuilder b;
  net::testing::SyntheticPlan plan = net::testing::AcceptancePlan();
  plan.texts_per_member = 130;  // about a million messages, like bench/net
  const net::testing::SyntheticCase sc = net::testing::WriteSyntheticCase(plan, b.dir / "exports");
  net::IngestOptions o;
  o.default_region = "PK";
  for (const auto& f : sc.files) ASSERT_TRUE(net::IngestExport(*b.c, f, o).ok()) << f;
  const auto t0 = std::chrono::steady_clock::now();
  auto s = WriteReports(*b.c, b.dir / "out");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const std::string html = ReadText(b.dir / "out/report.html");
  std::fprintf(stderr, "acceptance network: %zu people, %llu messages; report in %.2f s, report.html %zu bytes\n",
               sc.people.size(), static_cast<unsigned long long>(sc.messages), seconds, html.size());
  if (const char* keep = std::getenv("CAIRN_REPORT_ACCEPTANCE_OUT"); keep && *keep) {  // to look at it
    fs::copy(b.dir / "out", keep, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  const std::vector<std::string> svgs = Svgs(html);
  ASSERT_EQ(svgs.size(), 1u);
  EXPECT_EQ(XmlError(svgs[0]), "");
  EXPECT_NE(svgs[0].find("50 groups"), std::string::npos);
  EXPECT_LE(Count(svgs[0], "<circle"), 50u + 150u + 4u);
}

}  // namespace
}  // namespace cairn::report
