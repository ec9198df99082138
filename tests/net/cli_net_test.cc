// End to end through the `cairn` binary: `cairn net ingest` + `cairn net summary --format json`
// on the generated case give the planted facts; exit codes for bad input and usage errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <algorithm>
#include <map>
#include <set>
#include <vector>
#include <string>
#include <sys/wait.h>

#include "cairn_test_support.h"
#include "synthetic_exports.h"

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

std::string Quote(const std::string& s) {
  std::string q(1, '\'');
  for (char c : s) {
    if (c == '\'') {
      q.append("'\\''");
    } else {
      q.push_back(c);
    }
  }
  q.push_back('\'');
  return q;
}

CliRun Cairn(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(CAIRN_BINARY) + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(NetCli, SummaryJsonGivesThePlantedFacts) {
  cairn::testing::TempDir dir;
  const auto plan = cairn::net::testing::DefaultPlan();
  const auto sc = cairn::net::testing::WriteSyntheticCase(plan, dir / "exports");
  std::string files;
  for (const auto& f : sc.files) {
    files.push_back(' ');
    files.append(Quote(f.string()));
  }
  const std::string case_dir = Quote((dir / "case").string());
  CliRun ingest = Cairn("net ingest --case " + case_dir + files);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  CliRun summary = Cairn("net summary --case " + case_dir + " --format json");
  ASSERT_EQ(summary.exit_code, 0);
  const auto j = nlohmann::json::parse(summary.out);
  EXPECT_EQ(j["groups"], 12);
  EXPECT_EQ(j["people"], 300);
  EXPECT_EQ(j["country_basis"], "attributed by number");
  std::map<std::string, int> got, expected;
  for (const auto& c : j["countries"]) got[c["region"].get<std::string>()] = c["people"].get<int>();
  for (const auto& [region, count] : plan.regions) expected[region] = count;
  EXPECT_EQ(got, expected);
  ASSERT_GE(j["distributors"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(j["distributors"][i]["person_id"], "tel:" + sc.people[plan.distributors[i].first].e164);
  }
  for (size_t g = 0; g < 12; ++g) EXPECT_EQ(j["group_list"][g]["members"], sc.members[g].size());
  // person by E.164 number
  CliRun person = Cairn("net person --case " + case_dir + " " + Quote(sc.people[7].e164));
  ASSERT_EQ(person.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(person.out)["region"], sc.people[7].region);
}

// Issue 5's acceptance: the generated 50-group case (WhatsApp Android and iOS, a Telegram account
// export; 100 regions, 5,000+ people; Pakistani numbers written without '+') through the real
// binary gives exactly the planted per-country counts, totals, top distributors and platforms.
TEST(NetCli, AcceptanceCaseGivesExactlyWhatWasPlanted) {
  cairn::testing::TempDir dir;
  const auto plan = cairn::net::testing::AcceptancePlan();
  const auto sc = cairn::net::testing::WriteSyntheticCase(plan, dir / "exports");
  ASSERT_EQ(plan.regions.size(), 100u);
  ASSERT_GE(sc.people.size(), 5000u);
  std::string files;
  for (const auto& f : sc.files) {
    files.push_back(' ');
    files.append(Quote(f.string()));
  }
  const std::string case_dir = Quote((dir / "case").string());
  CliRun ingest = Cairn("net ingest --case " + case_dir + " --default-region PK" + files);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  CliRun summary = Cairn("net summary --case " + case_dir + " --format json --top 5");
  ASSERT_EQ(summary.exit_code, 0);
  const auto j = nlohmann::json::parse(summary.out);
  // Totals.
  EXPECT_EQ(j["groups"], plan.groups);
  EXPECT_EQ(j["people"], sc.people.size());
  EXPECT_EQ(j["weak_people"], 0);
  EXPECT_EQ(j["people_with_country"], sc.people.size());
  EXPECT_EQ(j["messages"], sc.messages + sc.system_lines);
  // Per-country counts, exactly, largest first.
  std::map<std::string, int> got, expected;
  std::map<std::string, std::string> country_of;
  for (const auto& c : j["countries"]) {
    got[c["region"].get<std::string>()] = c["people"].get<int>();
    country_of[c["region"].get<std::string>()] = c["country"].get<std::string>();
  }
  for (const auto& [region, count] : plan.regions) expected[region] = count;
  EXPECT_EQ(got, expected);
  ASSERT_FALSE(j["countries"].empty());
  EXPECT_EQ(j["countries"][0]["region"], "PK");
  EXPECT_EQ(j["countries"][0]["country"], "Pakistan");
  // Groups: members per group (by title, whatever the export) and the member total.
  std::map<std::string, size_t> members_got, members_expected;
  size_t member_total = 0, member_total_expected = 0;
  std::map<std::string, std::string> platform_of;
  for (const auto& g : j["group_list"]) {
    members_got[g["title"].get<std::string>()] = g["members"].get<size_t>();
    member_total += g["members"].get<size_t>();
    platform_of[g["title"].get<std::string>()] = g["platform"].get<std::string>();
  }
  for (int g = 0; g < plan.groups; ++g) {
    char title[32];
    std::snprintf(title, sizeof title, "Group %02d", g + 1);
    members_expected[title] = sc.members[g].size();
    member_total_expected += sc.members[g].size();
    EXPECT_EQ(platform_of[title], g % 3 == 2 ? "telegram" : "whatsapp") << title;
  }
  EXPECT_EQ(members_got, members_expected);
  EXPECT_EQ(member_total, member_total_expected);
  EXPECT_EQ(j["memberships"], member_total_expected);
  // Every planted media message names a file the generated exports do not hold.
  uint64_t media_expected = 0;
  for (const auto& [person, groups] : plan.distributors) media_expected += static_cast<uint64_t>(groups * plan.media_per_group);
  for (size_t p = 0; p < sc.people.size(); ++p) {
    bool distributor = false;
    for (const auto& d : plan.distributors) distributor |= d.first == static_cast<int>(p);
    media_expected += !distributor && p % 10 == 5;
  }
  EXPECT_EQ(j["media_messages"], media_expected);
  EXPECT_EQ(j["attachments"]["missing"], media_expected);
  EXPECT_EQ(j["attachments"]["hashed"], 0);
  // The planted distributors, in order, with their exact counts.
  ASSERT_EQ(j["distributors"].size(), plan.distributors.size());
  for (size_t i = 0; i < plan.distributors.size(); ++i) {
    const auto& d = j["distributors"][i];
    const auto& [person, groups] = plan.distributors[i];
    const uint64_t media = static_cast<uint64_t>(groups * plan.media_per_group);
    EXPECT_EQ(d["person_id"], "tel:" + sc.people[person].e164) << i;
    EXPECT_EQ(d["country"], country_of[sc.people[person].region]) << i;
    EXPECT_EQ(d["media_posted"], media) << i;
    EXPECT_EQ(d["first_posts"], media) << i;
    EXPECT_EQ(d["groups_reached"], groups) << i;
    EXPECT_EQ(d["links_shared"], groups) << i;
    EXPECT_EQ(d["known_hits"], 0) << i;
  }
  // Hosting platforms: links, groups and people per platform, most links first.
  const std::map<std::string, std::string> platform_name = {
      {"mega.nz", "MEGA"}, {"gofile.io", "Gofile"}, {"dropbox.com", "Dropbox"}, {"mediafire.com", "MediaFire"}};
  struct Expect {
    uint64_t links = 0;
    std::set<int> groups, people;
  };
  std::map<std::string, Expect> plat;
  for (size_t i = 0; i < plan.distributors.size(); ++i) {
    Expect& e = plat[platform_name.at(plan.link_hosts[i])];
    e.links += static_cast<uint64_t>(plan.distributors[i].second);
    for (int g = 0; g < plan.distributors[i].second; ++g) e.groups.insert(g);
    e.people.insert(plan.distributors[i].first);
  }
  std::vector<std::pair<std::string, Expect>> order(plat.begin(), plat.end());
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second.links > b.second.links; });
  ASSERT_EQ(j["platforms"].size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& p = j["platforms"][i];
    EXPECT_EQ(p["platform"], order[i].first) << i;
    EXPECT_EQ(p["links"], order[i].second.links) << i;
    EXPECT_EQ(p["groups"], order[i].second.groups.size()) << i;
    EXPECT_EQ(p["people"], order[i].second.people.size()) << i;
  }
  // A number written without '+' is found by its E.164 form.
  int local = 0;
  while (sc.people[local].region != "PK" || sc.people[local].written == sc.people[local].international) ++local;
  CliRun person = Cairn("net person --case " + case_dir + " " + Quote(sc.people[local].e164));
  ASSERT_EQ(person.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(person.out)["region"], "PK");
}

TEST(NetCli, ExitCodes) {
  cairn::testing::TempDir dir;
  cairn::testing::WriteFile(dir / "bad.json", "{\"chats\": [oops");
  const std::string case_dir = Quote((dir / "case").string());
  EXPECT_EQ(Cairn("net ingest --case " + case_dir + " " + Quote((dir / "bad.json").string())).exit_code, 1);
  EXPECT_EQ(Cairn("net ingest --case " + case_dir + " --date-order xyz " + Quote((dir / "bad.json").string())).exit_code, 2);
  EXPECT_EQ(Cairn("net export --case " + case_dir + " --format png").exit_code, 2);
  EXPECT_EQ(Cairn("net person --case " + case_dir + " nobody").exit_code, 1);
}

}  // namespace
