#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "cairn/core/digest.h"
#include "cairn/hashset/library.h"
#include "cairn/net/network.h"
#include "cairn/store/case.h"
#include "cairn/video/vpdq.h"
#include "cairn_test_support.h"
#include "cairn_zip_writer.h"
#include "synthetic_exports.h"

namespace cairn::net {
namespace {

using cairn::testing::TempDir;

std::unique_ptr<store::Case> NewCase(const TempDir& dir) {
  auto c = store::Case::Open(dir / "case", true);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

int64_t Count(store::Case& c, const std::string& sql) {
  auto st = c.db().Prepare(sql);
  EXPECT_TRUE(st.ok());
  auto row = st->Step();
  EXPECT_TRUE(row.ok() && *row);
  return st->ColumnInt(0);
}

TEST(NetSynthetic, SummaryGivesThePlantedFacts) {
  TempDir dir;
  const testing::SyntheticPlan plan = testing::DefaultPlan();
  const testing::SyntheticCase sc = testing::WriteSyntheticCase(plan, dir / "exports");
  ASSERT_EQ(sc.people.size(), 300u);
  auto c = NewCase(dir);
  for (const auto& f : sc.files) {
    auto r = IngestExport(*c, f);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->already_ingested);
  }
  auto s = Summarize(*c);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->groups, 12u);
  EXPECT_EQ(s->people, 300u);
  EXPECT_EQ(s->weak_people, 0u);
  EXPECT_EQ(s->people_with_country, 300u);
  EXPECT_EQ(s->messages, sc.messages + 12);  // + one encryption notice per group
  // Countries: exactly the planted counts, largest first.
  std::map<std::string, uint64_t> expected;
  for (const auto& [region, count] : plan.regions) expected[region] = static_cast<uint64_t>(count);
  std::map<std::string, uint64_t> got;
  for (const CountryCount& cc : s->countries) got[cc.region] = cc.people;
  EXPECT_EQ(got, expected);
  ASSERT_FALSE(s->countries.empty());
  EXPECT_EQ(s->countries[0].region, "PK");
  EXPECT_EQ(s->countries[0].country, "Pakistan");
  EXPECT_EQ(s->countries[0].people, 34u);
  // Groups and their members.
  ASSERT_EQ(s->group_list.size(), 12u);
  for (size_t g = 0; g < 12; ++g) {
    EXPECT_EQ(s->group_list[g].members, sc.members[g].size()) << s->group_list[g].title;
    char title[32];
    std::snprintf(title, sizeof title, "Group %02zu", g + 1);
    EXPECT_EQ(s->group_list[g].title, title);
  }
  // Planted distributors, in order, with their exact counts.
  ASSERT_GE(s->distributors.size(), 3u);
  for (size_t i = 0; i < plan.distributors.size(); ++i) {
    const auto& [person, groups] = plan.distributors[i];
    const Distributor& d = s->distributors[i];
    EXPECT_EQ(d.person_id, "tel:" + sc.people[person].e164) << i;
    EXPECT_EQ(d.media_posted, static_cast<uint64_t>(groups * plan.media_per_group));
    EXPECT_EQ(d.first_posts, static_cast<uint64_t>(groups * plan.media_per_group));
    EXPECT_EQ(d.groups_reached, static_cast<uint64_t>(groups));
    EXPECT_EQ(d.links_shared, static_cast<uint64_t>(groups));
  }
  // The distributor in most groups brokers most.
  ASSERT_FALSE(s->brokers.empty());
  EXPECT_EQ(s->brokers[0].person_id, "tel:" + sc.people[7].e164);
  EXPECT_EQ(s->brokers[0].groups, sc.people[7].groups.size());
  // Links: mega.nz is the only hosting platform.
  ASSERT_EQ(s->platforms.size(), 1u);
  EXPECT_EQ(s->platforms[0].platform, "MEGA");
  EXPECT_EQ(s->platforms[0].links, 16u);
  // The JSON carries the same facts.
  const std::string json = SummaryToJson(*s);
  EXPECT_NE(json.find("\"country\": \"Pakistan\""), std::string::npos);
  EXPECT_NE(json.find("\"country_basis\": \"attributed by number\""), std::string::npos);
  // One person's view.
  auto p = GetPerson(*c, sc.people[7].e164);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->groups.size(), sc.people[7].groups.size());
  EXPECT_EQ(p->region, sc.people[7].region);
  // Ingesting the same file again does nothing.
  auto again = IngestExport(*c, sc.files[0]);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_ingested);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_chats"), 12);
  EXPECT_TRUE(c->VerifyAuditLog().ok());
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM audit_log WHERE action='net.ingest'"), 12);
  // Every net person is in the shared registry.
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM people WHERE person_id LIKE 'tel:%'"), 300);
}

TEST(NetIdentity, SameNumberAcrossGroupsAndSpellingsIsOnePerson) {
  TempDir dir;
  cairn::testing::WriteFile(dir / "a.txt",
                            "20/03/2021, 09:00 - +92 300 1234567: hello\n"
                            "20/03/2021, 09:01 - Alice: hi\n");
  cairn::testing::WriteFile(dir / "b.txt",
                            "21/03/2021, 10:00 - +923001234567: again\n"
                            "21/03/2021, 10:01 - 0300 1234567: local spelling\n");
  auto c = NewCase(dir);
  IngestOptions o;
  o.default_region = "PK";
  ASSERT_TRUE(IngestExport(*c, dir / "a.txt", o).ok());
  ASSERT_TRUE(IngestExport(*c, dir / "b.txt", o).ok());
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE person_id='tel:+923001234567'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_memberships WHERE person_id='tel:+923001234567'"), 2);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE person_id='tel:+923001234567'"), 3);
  // A contact name is a weak, per-chat identity without a country.
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE person_id='name:Alice@a' AND weak=1 AND country=''"), 1);
}

TEST(NetIdentity, WithoutDefaultRegionALocalNumberIsNotAttributed) {
  TempDir dir;
  cairn::testing::WriteFile(dir / "a.txt", "20/03/2021, 09:00 - 0300 1234567: hello\n");
  auto c = NewCase(dir);
  ASSERT_TRUE(IngestExport(*c, dir / "a.txt").ok());
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE country<>''"), 0);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE weak=1"), 1);
}

TEST(NetIngest, AllOrNothing) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 50; ++i) text += "20/03/2021, 09:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + " - +92 300 1234567: m\n";
  cairn::testing::WriteFile(dir / "a.txt", text);
  auto c = NewCase(dir);
  ASSERT_TRUE(EnsureSchema(*c).ok());
  c->db().FailAfterWrites(20);
  auto r = IngestExport(*c, dir / "a.txt");
  EXPECT_FALSE(r.ok());
  c->db().FailAfterWrites(-1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages"), 0);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_exports"), 0);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people"), 0);
  // And then it ingests cleanly.
  auto ok = IngestExport(*c, dir / "a.txt");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->messages, 50u);
}

TEST(NetIngest, AllOrNothingWhenABatchOfMessagesFails) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 300; ++i) {
    char line[96];
    std::snprintf(line, sizeof line, "20/03/2021, %02d:%02d - +92 300 1234567: m%d\n", i / 60, i % 60, i);
    text += line;
  }
  cairn::testing::WriteFile(dir / "a.txt", text);
  auto c = NewCase(dir);
  ASSERT_TRUE(EnsureSchema(*c).ok());
  c->db().FailAfterWrites(3);  // the export row, the chat row, the first batch of 128; then fail
  auto r = IngestExport(*c, dir / "a.txt");
  EXPECT_FALSE(r.ok());
  c->db().FailAfterWrites(-1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages"), 0);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_exports"), 0);
  auto ok = IngestExport(*c, dir / "a.txt");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->messages, 300u);
  // Every message keeps its line, in order.
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE line = message_id"), 300);
}

TEST(NetAnalytics, BetweennessOnAPath) {
  // A in G1, B in G1 and G2, C in G2: the bipartite graph is the path A-G1-B-G2-C.
  TempDir dir;
  cairn::testing::WriteFile(dir / "g1.txt", "20/03/2021, 09:00 - +92 300 1234567: a\n20/03/2021, 09:01 - +1 613-555-0123: b\n");
  cairn::testing::WriteFile(dir / "g2.txt", "20/03/2021, 09:00 - +1 613-555-0123: b\n20/03/2021, 09:01 - +44 7400 123456: c\n");
  auto c = NewCase(dir);
  ASSERT_TRUE(IngestExport(*c, dir / "g1.txt").ok());
  ASSERT_TRUE(IngestExport(*c, dir / "g2.txt").ok());
  auto s = Summarize(*c);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->brokers.size(), 3u);
  EXPECT_EQ(s->brokers[0].person_id, "tel:+16135550123");
  EXPECT_NEAR(s->brokers[0].betweenness, 4.0 / 6.0, 1e-9);  // 4 of the 6 pairs of other nodes
  EXPECT_EQ(s->brokers[0].groups, 2u);
  EXPECT_EQ(s->brokers[1].betweenness, 0.0);
  ASSERT_EQ(s->communities.size(), 2u);
}

TEST(NetIngest, SignalTextExportIsRecordedAsSignal) {
  TempDir dir;
  cairn::testing::WriteFile(dir / "s.txt", "[2019-12-24, 12:23] +49 1512 3456789: hi\n");
  auto c = NewCase(dir);
  IngestOptions o;
  o.text_platform = chat::Platform::kSignal;
  ASSERT_TRUE(IngestExport(*c, dir / "s.txt", o).ok());
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_chats WHERE platform='signal'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE person_id='tel:+4915123456789' AND region='DE'"), 1);
}

TEST(NetIdentity, TelegramContactsGivePhonesAndIdsOtherwise) {
  TempDir dir;
  cairn::testing::WriteFile(dir / "result.json", R"({
  "contacts": {"list": [{"user_id": 111, "first_name": "Ann", "phone_number": "+92 300 1234567", "date_unixtime": "1600000000"}]},
  "chats": {"list": [{"name": "Club", "type": "private_supergroup", "id": 9, "messages": [
    {"id": 1, "type": "message", "date_unixtime": "1600000100", "from": "Ann", "from_id": "user111", "text": "see https://mega.nz/file/x"},
    {"id": 2, "type": "message", "date_unixtime": "1600000200", "from": "Bob", "from_id": "user222", "text": "ok"}
  ]}]}
})");
  auto c = NewCase(dir);
  auto r = IngestExport(*c, dir / "result.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE person_id='tel:+923001234567'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE person_id='tg:222'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE person_id='tg:222' AND weak=0 AND country=''"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_links WHERE person_id='tel:+923001234567' AND platform='MEGA'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_chats WHERE title='Club' AND platform='telegram'"), 1);
}

TEST(NetEvents, JoinedAndLeftAreRecorded) {
  TempDir dir;
  cairn::testing::WriteFile(dir / "a.txt",
                            "20/03/2021, 09:00 - +92 300 1234567 added +1 613-555-0123\n"
                            "20/03/2021, 09:05 - +1 613-555-0123: thanks\n"
                            "20/03/2021, 09:10 - +1 613-555-0123 left\n");
  auto c = NewCase(dir);
  ASSERT_TRUE(IngestExport(*c, dir / "a.txt").ok());
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_memberships WHERE person_id='tel:+16135550123'"
                      " AND joined IS NOT NULL AND left_at IS NOT NULL AND left_at > joined"), 1);
}

TEST(NetFixtures, SharedChatExportsIngest) {
  CAIRN_REQUIRE_SHARED_DATA(chats, "chats");
  TempDir dir;
  auto c = NewCase(dir);
  int files = 0;
  for (const auto& sub : {"whatstk", "chat-miner"}) {
    for (const auto& e : std::filesystem::directory_iterator(chats / sub)) {
      const std::string name = e.path().filename().string();
      const bool export_file = (e.path().extension() == ".txt" || e.path().extension() == ".json") &&
                               name.find("target") == std::string::npos && name != "header_format_support.json";
      if (!export_file) continue;
      auto r = IngestExport(*c, e.path());
      EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
      ++files;
    }
  }
  EXPECT_GE(files, 9);
  // lorem.txt's "+1 123 456 789" is not a valid number: no country for anyone there.
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE person_id LIKE 'name:+1 123 456 789@%' AND country=''"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_people WHERE e164='+1123456789'"), 0);
  auto s = Summarize(*c);
  ASSERT_TRUE(s.ok());
  EXPECT_GT(s->messages, 500u);
  // Telegram link entity → platform Telegram.
  EXPECT_GE(Count(*c, "SELECT count(*) FROM net_links WHERE platform='Telegram'"), 1);
  TempDir out;
  for (auto f : {ExportFormat::kGraphMl, ExportFormat::kGexf, ExportFormat::kJson, ExportFormat::kSvg}) {
    EXPECT_TRUE(ExportGraph(*c, f, out / "g.out").ok());
    EXPECT_GT(std::filesystem::file_size(out / "g.out"), 100u);
  }
  EXPECT_TRUE(ExportGraph(*c, ExportFormat::kNeo4jCsv, out / "neo").ok());
  EXPECT_TRUE(std::filesystem::exists(out / "neo" / "edges.csv"));
}

}  // namespace
}  // namespace cairn::net

namespace cairn::net {
namespace {

TEST(NetMedia, SameBytesInTwoGroupsLinkThemAndMatchAList) {
  cairn::testing::TempDir dir;
  const std::string bytes = "benign synthetic attachment bytes, not an image";
  cairn::testing::WriteFile(dir / "WhatsApp Chat - Alpha.zip",
                            cairn::testing::MakeZip({{"_chat.txt", "20/03/2021, 09:00 - +92 300 1234567: IMG-001.jpg (file attached)\n"
                                                   "20/03/2021, 09:01 - +1 613-555-0123: hi\n"},
                                     {"IMG-001.jpg", bytes}}));
  cairn::testing::WriteFile(dir / "WhatsApp Chat - Beta.zip",
                            cairn::testing::MakeZip({{"_chat.txt", "21/03/2021, 10:00 - +1 613-555-0123: IMG-777.jpg (file attached)\n"},
                                     {"IMG-777.jpg", bytes}}));
  // A hash list holding the attachment's MD5.
  const Md5 md5 = DigestBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())).md5;
  cairn::testing::WriteFile(dir / "list.md5", md5.ToHex() + "  planted.jpg\n");
  auto lib = hashset::Library::Open(dir / "library");
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  ASSERT_TRUE((*lib)->Import(dir / "list.md5", "planted", "1", {}).ok());
  auto list = (*lib)->OpenList("planted");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  IngestOptions o;
  o.matcher = std::make_shared<scan::Matcher>(std::vector<std::shared_ptr<const hashset::CompiledList>>{*list},
                                              scan::MatchOptions{});
  auto c = NewCase(dir);
  auto a = IngestExport(*c, dir / "WhatsApp Chat - Alpha.zip", o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->attachments_hashed, 1u);
  EXPECT_EQ(a->known_hits, 1u);
  auto b = IngestExport(*c, dir / "WhatsApp Chat - Beta.zip", o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_media"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_media WHERE first_person='tel:+923001234567'"
                      " AND known_hits LIKE 'planted@1 entry %: md5 distance 0 <= threshold 0'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM people WHERE flagged=1"), 2);
  auto s = Summarize(*c);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->linked_groups.size(), 1u);
  EXPECT_EQ(s->linked_groups[0].shared_media, 1u);
  EXPECT_EQ(s->linked_groups[0].shared_people, 1u);  // +1 613 is in both
  ASSERT_FALSE(s->distributors.empty());
  EXPECT_EQ(s->distributors[0].person_id, "tel:+923001234567");  // first poster outranks the re-poster
  EXPECT_EQ(s->distributors[0].known_hits, 1u);
}

}  // namespace
}  // namespace cairn::net

namespace cairn::net {
namespace {

// A benign generated 24-bit BMP (a gradient with a square), 64x64.
std::string GeneratedBmp() {
  const int w = 64, h = 64;
  const uint32_t row = w * 3, size = 54 + row * h;
  std::string b(size, '\0');
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  b[0] = 'B';
  b[1] = 'M';
  put32(2, size);
  put32(10, 54);
  put32(14, 40);
  put32(18, w);
  put32(22, h);
  b[26] = 1;
  b[28] = 24;
  put32(34, row * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const bool square = x > 16 && x < 40 && y > 20 && y < 44;
      const size_t at = 54 + static_cast<size_t>(y) * row + static_cast<size_t>(x) * 3;
      b[at] = static_cast<char>(square ? 20 : x * 4);
      b[at + 1] = static_cast<char>(square ? 200 : y * 4);
      b[at + 2] = static_cast<char>(square ? 40 : 128);
    }
  }
  return b;
}

TEST(NetTelegram, AttachmentsBesideTheJsonAreHashedLinkedAndMatched) {
  cairn::testing::TempDir dir;
  const std::filesystem::path ex = dir / "ChatExport_2024-01-02";
  std::filesystem::create_directories(ex / "photos");
  std::filesystem::create_directories(ex / "files");
  const std::string image = GeneratedBmp();
  const std::string notes = "benign generated file bytes";
  cairn::testing::WriteFile(ex / "photos" / "photo_1@01-01-2024_10-00-00.jpg", image);
  cairn::testing::WriteFile(ex / "files" / "notes.bin", notes);
  cairn::testing::WriteFile(dir / "outside.jpg", image);
  cairn::testing::WriteFile(ex / "result.json", R"J({"name": "Club", "type": "private_supergroup", "id": 9, "messages": [
  {"id": 1, "type": "message", "date_unixtime": "1704103200", "from": "Ann", "from_id": "user111",
   "photo": "photos/photo_1@01-01-2024_10-00-00.jpg", "width": 64, "height": 64, "text": ""},
  {"id": 2, "type": "message", "date_unixtime": "1704103260", "from": "Bob", "from_id": "user222",
   "file": "files/notes.bin", "mime_type": "application/octet-stream", "text": "notes"},
  {"id": 3, "type": "message", "date_unixtime": "1704103320", "from": "Bob", "from_id": "user222",
   "photo": "(File not included. Change data exporting settings to download.)", "width": 64, "height": 64, "text": ""},
  {"id": 4, "type": "message", "date_unixtime": "1704103380", "from": "Ann", "from_id": "user111",
   "file": "video_files/clip.mp4", "media_type": "video_file", "text": ""},
  {"id": 5, "type": "message", "date_unixtime": "1704103440", "from": "Ann", "from_id": "user111",
   "photo": "../outside.jpg", "text": ""}
]})J");
  // The same image in a WhatsApp zip, posted later by someone else.
  cairn::testing::WriteFile(dir / "WhatsApp Chat - Beta.zip",
                            cairn::testing::MakeZip({{"_chat.txt", "02/01/2024, 09:00 - +92 300 1234567: IMG-777.jpg (file attached)\n"},
                                     {"IMG-777.jpg", image}}));
  // A list holding the file's MD5.
  const Md5 md5 = DigestBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(notes.data()), notes.size())).md5;
  cairn::testing::WriteFile(dir / "list.md5", md5.ToHex() + "  planted.bin\n");
  auto lib = hashset::Library::Open(dir / "library");
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  ASSERT_TRUE((*lib)->Import(dir / "list.md5", "planted", "1", {}).ok());
  auto list = (*lib)->OpenList("planted");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  IngestOptions o;
  o.matcher = std::make_shared<scan::Matcher>(std::vector<std::shared_ptr<const hashset::CompiledList>>{*list},
                                              scan::MatchOptions{});
  auto c = NewCase(dir);
  auto t = IngestExport(*c, ex / "result.json", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->media, 5u);
  EXPECT_EQ(t->attachments_hashed, 2u);
  EXPECT_EQ(t->attachments_missing, 2u);  // clip.mp4 is not there; ../outside.jpg is not followed
  EXPECT_EQ(t->attachments_omitted, 1u);
  EXPECT_EQ(t->known_hits, 1u);
  bool outside_noted = false;
  for (const std::string& n : t->notes) outside_noted |= n.find("'../outside.jpg' is outside the export folder") != std::string::npos;
  EXPECT_TRUE(outside_noted);
  auto w = IngestExport(*c, dir / "WhatsApp Chat - Beta.zip", o);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->attachments_hashed, 1u);
  // Every media message says what became of its file.
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE attachment_status='hashed'"), 3);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE attachment_status='missing'"
                      " AND attachment IN ('video_files/clip.mp4', '../outside.jpg')"), 2);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE attachment_status='omitted' AND line=6"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages WHERE kind<>'media' AND attachment_status IS NOT NULL"), 0);
  // The image: one item keyed by its SHA-256, with a PDQ hash, first posted by Ann on Telegram,
  // linking the Telegram chat and the WhatsApp group.
  const std::string sha = DigestBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()),
                                                               image.size())).sha256.ToHex();
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_media WHERE media_key='sha256:" + sha + "' AND sha256='" + sha +
                      "' AND size=" + std::to_string(image.size()) +
                      " AND length(pdq)=64 AND first_person='tg:111'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_messages m JOIN net_media x USING(media_id)"
                      " WHERE x.media_key='sha256:" + sha + "'"), 2);
  // The listed file: matched with distance and threshold; its poster is flagged.
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_media WHERE name='files/notes.bin'"
                      " AND known_hits LIKE 'planted@1 entry %: md5 distance 0 <= threshold 0'"), 1);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM people WHERE person_id='tg:222' AND flagged=1"), 1);
  auto s = Summarize(*c);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->linked_groups.size(), 1u);
  EXPECT_EQ(s->linked_groups[0].shared_media, 1u);
  EXPECT_EQ(s->attachments_hashed, 3u);
  EXPECT_EQ(s->attachments_missing, 2u);
  EXPECT_EQ(s->attachments_omitted, 1u);
}

}  // namespace
}  // namespace cairn::net

namespace cairn::net {
namespace {

// A video attachment is matched with the vPDQ rule: a benign ffmpeg test pattern is listed by
// its frames (TEST-FIXTURE list), a rescaled re-encode of it is posted in a group, and the
// media item carries the list, the entry and both percentages against the thresholds.
TEST(NetMedia, VideoAttachmentMatchesAVpdqList) {
  cairn::testing::TempDir dir;
  const std::string ff = "cd '" + dir.path().string() + "' && ffmpeg -nostdin -hide_banner -loglevel error ";
  if (std::system((ff + "-f lavfi -i testsrc2=size=320x240:rate=25 -t 6 -pix_fmt yuv420p -c:v libx264 orig.mp4").c_str()) != 0 ||
      std::system((ff + "-i orig.mp4 -vf scale=240:180 -c:v libx264 -crf 30 copy.mp4").c_str()) != 0) {
    GTEST_SKIP() << "ffmpeg (with libx264) is missing; skipped";
  }
  auto frames = video::HashVideoFile(dir / "orig.mp4");
  ASSERT_TRUE(frames.ok()) << frames.status().ToString();
  cairn::testing::WriteFile(dir / "orig.vpdq", video::FormatVpdq(*frames));  // TEST-FIXTURE list
  auto lib = hashset::Library::Open(dir / "library");
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  ASSERT_TRUE((*lib)->Import(dir / "orig.vpdq", "fixture-video", "1", {}).ok());
  auto list = (*lib)->OpenList("fixture-video");
  ASSERT_TRUE(list.ok()) << list.status().ToString();

  cairn::testing::WriteFile(dir / "WhatsApp Chat - Gamma.zip",
                            cairn::testing::MakeZip({{"_chat.txt", "20/03/2021, 09:00 - +92 300 1234567: VID-001.mp4 (file attached)\n"},
                                     {"VID-001.mp4", cairn::testing::ReadText(dir / "copy.mp4")}}));
  IngestOptions o;
  o.matcher = std::make_shared<scan::Matcher>(std::vector<std::shared_ptr<const hashset::CompiledList>>{*list},
                                              scan::MatchOptions{});
  auto c = NewCase(dir);
  auto r = IngestExport(*c, dir / "WhatsApp Chat - Gamma.zip", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->known_hits, 1u);
  EXPECT_EQ(Count(*c, "SELECT count(*) FROM net_media WHERE known_hits LIKE 'fixture-video@1 entry 0: vpdq query "
                      "%/ reference %of frames within distance < 31 (quality >= 50), match at >= 80.0%'"),
            1);
}

}  // namespace
}  // namespace cairn::net
