// End to end through the `cairn` binary: `cairn net ingest` + `cairn net summary --format json`
// on the generated case give the planted facts; exit codes for bad input and usage errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
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
