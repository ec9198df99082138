// End-to-end tests of `cairn scan` and `cairn report`: the real binary on generated benign
// evidence (gradients written by the test, ImageMagick plasma images for the kill/resume
// corpus), a TEST-FIXTURE md5sum list, a PDQ list and a known-good list imported into a
// temporary library. Golden file: tests/scan/golden (CAIRN_UPDATE_GOLDEN=1 regenerates).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cairn/core/digest.h"
#include "cairn/core/file.h"
#include "cairn/scan/file_hasher.h"
#include "cairn/scan/scan.h"
#include "cairn/store/case.h"
#include "cairn/store/database.h"
#include "cairn_test_support.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

using testing::ReadText;
using testing::ShellRun;

ShellRun Cairn(const fs::path& cwd, const fs::path& home, const std::string& args) {
  return testing::RunShell("cd '" + cwd.string() + "' && CAIRN_HOME='" + home.string() + "' '" CAIRN_BINARY "' " +
            args + " 2>/dev/null");
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  testing::ExpectGoldenFile(fs::path(CAIRN_SCAN_GOLDEN_DIR) / name, actual);
}

// A deterministic w x h RGB gradient with a bright square, as binary PPM; `transpose` swaps axes.
std::string GradientPpm(int seed, bool transpose = false) {
  const int w = 96, h = 80;
  const int ow = transpose ? h : w, oh = transpose ? w : h;
  std::string s = "P6\n" + std::to_string(ow) + " " + std::to_string(oh) + "\n255\n";
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      const int x = transpose ? oy : ox, y = transpose ? ox : oy;
      const bool square = x > 20 + seed && x < 50 + seed && y > 30 && y < 60;
      s += static_cast<char>(square ? 250 : (x * (2 + seed)) % 256);
      s += static_cast<char>(square ? 240 : y * 3);
      s += static_cast<char>((x * y + seed * 17) % 256);
    }
  }
  return s;
}

std::string Md5Hex(std::string_view bytes) {
  return DigestBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()))
      .md5.ToHex();
}

struct FileState {
  bool regular = false;
  std::string bytes;
  int64_t mtime_ns = 0, atime_ns = 0;
};

std::map<std::string, FileState> Snapshot(const fs::path& root) {
  std::map<std::string, FileState> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    EXPECT_EQ(::lstat(e.path().c_str(), &st), 0);
    FileState s;
    s.mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    s.atime_ns = st.st_atim.tv_sec * 1000000000LL + st.st_atim.tv_nsec;
    s.regular = S_ISREG(st.st_mode);
    if (s.regular) {  // O_NOATIME read, so the snapshot itself leaves atime alone
      auto bytes = ReadWholeFile(e.path(), uint64_t{1} << 30);
      EXPECT_TRUE(bytes.ok()) << e.path();
      if (bytes.ok()) s.bytes.assign(bytes->begin(), bytes->end());
    }
    out[e.path().string()] = s;
  }
  return out;
}

// The case folder `ev` of the golden test: listed, renamed, rotated, known-good, empty, a
// symlink, an HTML-hostile name and an unlisted image.
struct Fixture {
  testing::TempDir dir;
  fs::path home = dir / "home";
  Fixture() {
    fs::create_directories(dir / "ev/sub");
    testing::WriteFile(dir / "ev/listed.ppm", GradientPpm(0));
    testing::WriteFile(dir / "ev/sub/renamed.dat", GradientPpm(0));
    testing::WriteFile(dir / "ev/sub/turned.ppm", GradientPpm(0, /*transpose=*/true));
    testing::WriteFile(dir / "ev/unlisted.ppm", GradientPpm(9));
    testing::WriteFile(dir / "ev/<b>&x.txt", "hostile <script>alert(1)</script>");
    testing::WriteFile(dir / "ev/readme.txt", "known good text\n");
    testing::WriteFile(dir / "ev/empty", "");
    fs::create_symlink("../readme.txt", dir / "ev/sub/link");
    // TEST-FIXTURE lists.
    testing::WriteFile(dir / "fixture.md5", Md5Hex(GradientPpm(0)) + "  listed.ppm\n" +
                                                Md5Hex("hostile <script>alert(1)</script>") + "  <b>&x.txt\n");
    scan::FileHasher hasher({});
    const scan::FileHashRecord r = hasher.HashFile(dir / "ev/listed.ppm");
    EXPECT_TRUE(r.pdq.has_value());
    testing::WriteFile(dir / "fixture.pdq", r.pdq->hash.ToHex() + "," + std::to_string(r.pdq->quality) + "\n");
    testing::WriteFile(dir / "good.md5", Md5Hex("known good text\n") + "  readme.txt\n");
    EXPECT_EQ(Cairn(dir.path(), home, "hashset import fixture.md5 --name test-fixture-md5 --version 1 "
                                      "--default-category vics-us:1=alert").exit_code, 0);
    EXPECT_EQ(Cairn(dir.path(), home, "hashset import fixture.pdq --name test-fixture-pdq --version 1 "
                                      "--source-format pdq").exit_code, 0);
    EXPECT_EQ(Cairn(dir.path(), home, "hashset import good.md5 --name known-good --version 1 "
                                      "--default-category nsrl:known=non-pertinent").exit_code, 0);
  }
};

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(ScanCliTest, FindingsReportsAndUntouchedEvidence) {
  Fixture f;
  const auto before = Snapshot(f.dir / "ev");
  const ShellRun r = Cairn(f.dir.path(), f.home,
                      "scan ev --case case --lists test-fixture-md5,test-fixture-pdq,known-good -j 2 -q");
  EXPECT_EQ(r.exit_code, 0);
  const auto after = Snapshot(f.dir / "ev");
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [path, s] : before) {
    EXPECT_EQ(after.at(path).bytes, s.bytes) << path;
    EXPECT_EQ(after.at(path).mtime_ns, s.mtime_ns) << path;
    // Files: access times too. Folders and symlinks: listing a folder and reading a link
    // move their atime (the walk's opendir/readlink); see the report.
    if (s.regular) {
      EXPECT_EQ(after.at(path).atime_ns, s.atime_ns) << path;
    }
  }

  const auto findings = JsonLines(ReadText(f.dir / "case/findings.jsonl"));
  std::multiset<std::string> hits;
  for (const auto& j : findings) {
    hits.insert(j["forensic_path"].get<std::string>() + " " + j["list"].get<std::string>() + " " +
                j["rule"].get<std::string>());
    EXPECT_TRUE(j.contains("distance") && j.contains("threshold") && j.contains("deleted"));
  }
  const std::multiset<std::string> expected = {
      "ev/<b>&x.txt test-fixture-md5 md5",   "ev/listed.ppm test-fixture-md5 md5",
      "ev/listed.ppm test-fixture-pdq pdq",  "ev/sub/renamed.dat test-fixture-md5 md5",
      "ev/sub/renamed.dat test-fixture-pdq pdq", "ev/sub/turned.ppm test-fixture-pdq pdq"};
  EXPECT_EQ(hits, expected);
  for (const auto& j : findings) {
    if (j["forensic_path"] == "ev/sub/turned.ppm") {
      EXPECT_NE(j["dihedral"], "original");
      EXPECT_EQ(j["threshold"], 31);
    }
  }

  // The case: item outcomes, run row, audit chain.
  auto c = store::Case::Open(f.dir / "case", false);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::map<std::string, std::string> outcome;
  {
    auto q = (*c)->db().Prepare("SELECT forensic_path, status FROM scan_items ORDER BY id");
    ASSERT_TRUE(q.ok());
    while (*q->Step()) outcome[std::string(q->ColumnText(0))] = std::string(q->ColumnText(1));
  }
  EXPECT_EQ(outcome["ev/readme.txt"], "known-good");
  EXPECT_EQ(outcome["ev/empty"], "empty");
  EXPECT_EQ(outcome["ev/sub/link"], "not-read");
  EXPECT_EQ(outcome["ev/unlisted.ppm"], "clean");
  EXPECT_EQ(outcome["ev/listed.ppm"], "hit");
  EXPECT_EQ(outcome.size(), 8u);
  {
    auto q = (*c)->db().Prepare("SELECT status, cairn_version, options_json FROM scan_runs");
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(*q->Step());
    EXPECT_EQ(q->ColumnText(0), "complete");
    EXPECT_NE(q->ColumnText(2).find("\"threshold\":31"), std::string_view::npos);
  }
  EXPECT_TRUE((*c)->VerifyAuditLog().ok());

  // Reports.
  EXPECT_EQ(Cairn(f.dir.path(), f.home, "report --case case").exit_code, 0);
  ExpectGolden("findings.csv", ReadText(f.dir / "case/reports/findings.csv"));
  const std::string html = ReadText(f.dir / "case/reports/report.html");
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_NE(html.find("ev/&lt;b&gt;&amp;x.txt"), std::string::npos);
  EXPECT_NE(html.find("test-fixture-pdq"), std::string::npos);
  const auto vics = nlohmann::json::parse(ReadText(f.dir / "case/reports/vics-case.json"));
  EXPECT_NE(vics["@odata.context"].get<std::string>().find("DataModels/2.0.xml/US/$metadata#Cases"),
            std::string::npos);
  ASSERT_EQ(vics["value"].size(), 1u);
  EXPECT_TRUE(vics["value"][0].contains("CaseID"));
  int categorised = 0;
  for (const auto& m : vics["value"][0]["Media"]) {
    EXPECT_TRUE(m.contains("MD5"));
    EXPECT_EQ(m["MD5"].get<std::string>().size(), 32u);
    categorised += m["Category"].is_number();
  }
  EXPECT_EQ(categorised, 3);  // listed.ppm, renamed.dat, <b>&x.txt (md5 list, VICS US 1)
  const std::string dfxml = ReadText(f.dir / "case/reports/dfxml.xml");
  size_t objects = 0;
  for (size_t p = 0; (p = dfxml.find("<fileobject>", p)) != std::string::npos; ++p) ++objects;
  EXPECT_EQ(objects, 8u);
  EXPECT_NE(dfxml.find("<hashdigest type=\"sha256\">"), std::string::npos);
  EXPECT_NE(dfxml.find("<cairn:deleted>false</cairn:deleted>"), std::string::npos);

  // JSON-schema check of the VICS export when python3-jsonschema is installed.
  const fs::path schema = fs::path(CAIRN_SOURCE_DIR) / "../shared/data/formats/vics/vics-2.0.lenient.schema.json";
  if (fs::exists(schema) && testing::RunShell("python3 -c 'import jsonschema' 2>/dev/null").exit_code == 0) {
    const ShellRun v = testing::RunShell("python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
                     "json.load(open(sys.argv[2])))' '" + (f.dir / "case/reports/vics-case.json").string() +
                     "' '" + schema.string() + "' 2>&1");
    EXPECT_EQ(v.exit_code, 0) << v.out;
  } else {
    std::fprintf(stderr, "note: VICS JSON-schema validation skipped (schema or python3-jsonschema missing)\n");
  }
}

TEST(ScanCliTest, UsageErrors) {
  testing::TempDir dir;
  EXPECT_EQ(Cairn(dir.path(), dir / "home", "scan --case c").exit_code, 2);
  EXPECT_EQ(Cairn(dir.path(), dir / "home", "scan x --case c").exit_code, 2);  // no --lists
  EXPECT_EQ(Cairn(dir.path(), dir / "home", "scan --case missing --resume").exit_code, 1);
  EXPECT_EQ(Cairn(dir.path(), dir / "home", "report --case missing").exit_code, 1);
}

int64_t ItemCount(const fs::path& case_dir) {
  auto db = store::Database::Open(case_dir / "case.db", false);
  if (!db.ok()) return 0;
  auto q = (*db)->Prepare("SELECT COUNT(*) FROM scan_items");
  if (!q.ok()) return 0;
  auto row = q->Step();
  return row.ok() && *row ? q->ColumnInt(0) : 0;
}

std::string RunStatus(const fs::path& case_dir) {
  auto db = store::Database::Open(case_dir / "case.db", false);
  if (!db.ok()) return "";
  auto q = (*db)->Prepare("SELECT status FROM scan_runs ORDER BY id DESC LIMIT 1");
  if (!q.ok() || !*q->Step()) return "";
  return std::string(q->ColumnText(0));
}

// 1500 plasma images (6 distinct, copied), two of them listed: enough work at one job for the
// test to stop the scan after its first batches.
struct Corpus {
  testing::TempDir dir;
  fs::path home = dir / "home";
  bool ok = false;
  static constexpr int kFiles = 1500;
  Corpus() {
    fs::create_directories(dir / "big");
    for (int i = 1; i <= 6; ++i) {
      const std::string cmd = "convert -seed " + std::to_string(i) + " -size 400x300 plasma:fractal '" +
                              (dir / ("img" + std::to_string(i) + ".jpg")).string() + "' 2>/dev/null";
      if (testing::RunShell(cmd).exit_code != 0) return;
    }
    for (int i = 0; i < kFiles; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "f%04d.jpg", i);
      fs::copy_file(dir / ("img" + std::to_string(i % 6 + 1) + ".jpg"), dir / "big" / name);
    }
    const std::string list = Md5Hex(ReadText(dir / "img1.jpg")) + "  img1.jpg\n" +
                             Md5Hex(ReadText(dir / "img2.jpg")) + "  img2.jpg\n";
    testing::WriteFile(dir / "fixture.md5", list);
    ok = Cairn(dir.path(), home, "hashset import fixture.md5 --name test-fixture --version 1 "
                                 "--default-category vics-us:1=alert").exit_code == 0;
  }
};

// Starts the scan in the background, waits for its first committed batch, sends `sig`.
int ScanAndSignal(const Corpus& corpus, const std::string& case_name, int sig) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("CAIRN_HOME", corpus.home.c_str(), 1);
    if (::chdir(corpus.dir.path().c_str()) != 0) ::_exit(127);
    std::freopen("/dev/null", "w", stderr);
    ::execl(CAIRN_BINARY, "cairn", "scan", "big", "--case", case_name.c_str(), "--lists", "test-fixture",
            "-j", "1", "-q", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 6000 && ItemCount(corpus.dir / case_name) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ScanCliTest, KillNineThenResumeGivesTheUninterruptedFindings) {
  Corpus corpus;
  if (!corpus.ok) GTEST_SKIP() << "ImageMagick convert is missing; skipped";
  ASSERT_EQ(Cairn(corpus.dir.path(), corpus.home, "scan big --case ref --lists test-fixture -j 2 -q").exit_code, 0);
  const std::string reference = ReadText(corpus.dir / "ref/findings.jsonl");
  EXPECT_EQ(JsonLines(reference).size(), 500u);  // img1 and img2 copies

  EXPECT_EQ(ScanAndSignal(corpus, "killed", SIGKILL), 128 + SIGKILL);
  const int64_t recorded = ItemCount(corpus.dir / "killed");
  EXPECT_GT(recorded, 0);
  EXPECT_LT(recorded, Corpus::kFiles);  // really killed mid-way
  EXPECT_EQ(RunStatus(corpus.dir / "killed"), "running");
  EXPECT_EQ(Cairn(corpus.dir.path(), corpus.home, "scan --case killed --resume -j 2 -q").exit_code, 0);
  EXPECT_EQ(ReadText(corpus.dir / "killed/findings.jsonl"), reference);
  EXPECT_EQ(ItemCount(corpus.dir / "killed"), Corpus::kFiles);
  EXPECT_EQ(RunStatus(corpus.dir / "killed"), "complete");
  // A complete run has nothing to resume.
  EXPECT_EQ(Cairn(corpus.dir.path(), corpus.home, "scan --case killed --resume -q").exit_code, 1);
}

TEST(ScanCliTest, CtrlCThenResumeGivesTheUninterruptedFindings) {
  Corpus corpus;
  if (!corpus.ok) GTEST_SKIP() << "ImageMagick convert is missing; skipped";
  ASSERT_EQ(Cairn(corpus.dir.path(), corpus.home, "scan big --case ref --lists test-fixture -q").exit_code, 0);
  EXPECT_EQ(ScanAndSignal(corpus, "stopped", SIGINT), 130);
  EXPECT_EQ(RunStatus(corpus.dir / "stopped"), "interrupted");
  EXPECT_LT(ItemCount(corpus.dir / "stopped"), Corpus::kFiles);
  EXPECT_EQ(Cairn(corpus.dir.path(), corpus.home, "scan --case stopped --resume -q").exit_code, 0);
  EXPECT_EQ(ReadText(corpus.dir / "stopped/findings.jsonl"), ReadText(corpus.dir / "ref/findings.jsonl"));
  EXPECT_EQ(RunStatus(corpus.dir / "stopped"), "complete");
}

// Recording through the library API: schema version, one row per item, findings per match.
TEST(ScanSchemaTest, StartScanRecordsItemsFindingsAndAudit) {
  Fixture f;
  auto c = store::Case::Open(f.dir / "case", true);
  ASSERT_TRUE(c.ok());
  scan::ScanRequest req;
  req.evidence = {f.dir / "ev"};
  req.lists = {"test-fixture-md5", "known-good"};
  req.options.jobs = 2;
  auto s = scan::StartScan(**c, f.home, req, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->items, 8u);
  EXPECT_EQ(s->hits, 3u);
  EXPECT_EQ(s->findings, 3u);
  EXPECT_EQ(s->known_good, 1u);
  EXPECT_EQ(s->empty, 1u);
  EXPECT_FALSE(s->interrupted);
  EXPECT_EQ(*store::SchemaVersion((*c)->db(), "scan"), 3);
  auto q = (*c)->db().Prepare("SELECT action FROM audit_log ORDER BY seq");
  ASSERT_TRUE(q.ok());
  std::vector<std::string> actions;
  while (*q->Step()) actions.emplace_back(q->ColumnText(0));
  EXPECT_EQ(actions, (std::vector<std::string>{"scan.start", "scan.finish"}));
  // Options round-trip through the run row.
  auto opts = scan::ParseScanOptionsJson(scan::ScanOptionsJson(req.options));
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->jobs, 2);
  EXPECT_EQ(opts->threshold, 31);
  // An unknown list fails before any run is recorded.
  req.lists = {"no-such-list"};
  EXPECT_FALSE(scan::StartScan(**c, f.home, req, {}).ok());
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

// Listed images inside a zip inside a zip and on a FAT image, one of them deleted: each is
// reported with its forensic path, container digest and deleted flag.
TEST(ScanCliTest, ArchivesAndDiskImagesWithDeletedFiles) {
  Fixture f;
  const fs::path d = f.dir.path();
  fs::create_directories(d / "ev2");
  testing::WriteFile(d / "x.ppm", GradientPpm(0));
  testing::WriteFile(d / "y.ppm", GradientPpm(0, true));
  const std::string q = "cd '" + d.string() + "' && ";
  if (testing::RunShell(q + "zip -q inner.zip x.ppm && zip -q ev2/outer.zip inner.zip 2>/dev/null").exit_code != 0 ||
      testing::RunShell(q + "dd if=/dev/zero of=ev2/disk.img bs=1M count=4 status=none && mkfs.fat ev2/disk.img >/dev/null "
             "&& mcopy -i ev2/disk.img y.ppm ::/kept.ppm && mcopy -i ev2/disk.img x.ppm ::/gone.ppm "
             "&& mdel -i ev2/disk.img ::/gone.ppm 2>/dev/null").exit_code != 0) {
    GTEST_SKIP() << "zip, mkfs.fat or mtools missing; skipped";
  }
  EXPECT_EQ(Cairn(d, f.home, "scan ev2 --case c2 --lists test-fixture-md5,test-fixture-pdq -q").exit_code, 0);
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& j : JsonLines(ReadText(d / "c2/findings.jsonl"))) {
    by_path[j["forensic_path"].get<std::string>() + " " + j["rule"].get<std::string>()] = j;
  }
  ASSERT_TRUE(by_path.count("ev2/outer.zip/inner.zip/x.ppm md5"));
  EXPECT_EQ(by_path["ev2/outer.zip/inner.zip/x.ppm md5"]["container_sha256"].get<std::string>().size(), 64u);
  ASSERT_TRUE(by_path.count("ev2/disk.img/kept.ppm pdq"));
  EXPECT_FALSE(by_path["ev2/disk.img/kept.ppm pdq"]["deleted"].get<bool>());
  bool deleted_hit = false;
  for (const auto& [key, j] : by_path) {
    if (key.rfind("ev2/disk.img/", 0) == 0 && j["deleted"].get<bool>() && j["rule"] == "md5") deleted_hit = true;
  }
  EXPECT_TRUE(deleted_hit);  // FAT keeps the name without its first letter ("_one.ppm")
  EXPECT_EQ(Cairn(d, f.home, "report --case c2").exit_code, 0);
  EXPECT_NE(ReadText(d / "c2/reports/dfxml.xml").find("<cairn:deleted>true</cairn:deleted>"), std::string::npos);
}

// Archive members are hashed on the worker threads while the archive is walked: the findings
// do not depend on how many there are, and every listed member is found once.
TEST(ScanCliTest, ArchiveMembersGiveTheSameFindingsWithAnyJobs) {
  Fixture f;
  const fs::path d = f.dir.path();
  fs::create_directories(d / "members");
  fs::create_directories(d / "ev3");
  std::string listed;
  for (int i = 0; i < 80; ++i) {
    std::string bytes = "member ";
    bytes.append(std::to_string(i)).append(static_cast<size_t>(1000 + 37 * i), static_cast<char>('a' + i % 26));
    testing::WriteFile(d / "members" / ("m" + std::to_string(i).append(".bin")), bytes);
    if (i % 7 == 0) {  // TEST-FIXTURE list
      listed += DigestBytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}).md5.ToHex() + "  m\n";
    }
  }
  testing::WriteFile(d / "members/x.ppm", GradientPpm(0));  // also one image, matched by PDQ
  testing::WriteFile(d / "members.md5", listed);
  if (testing::RunShell("cd '" + d.string() + "' && zip -q -r ev3/many.zip members 2>/dev/null").exit_code != 0) {
    GTEST_SKIP() << "zip missing; skipped";
  }
  ASSERT_EQ(Cairn(d, f.home, "hashset import members.md5 --name members --version 1").exit_code, 0);
  ASSERT_EQ(Cairn(d, f.home, "scan ev3 --case one --lists members,test-fixture-pdq -j 1 -q").exit_code, 0);
  ASSERT_EQ(Cairn(d, f.home, "scan ev3 --case four --lists members,test-fixture-pdq -j 4 -q").exit_code, 0);
  const std::string one = ReadText(d / "one/findings.jsonl");
  EXPECT_EQ(ReadText(d / "four/findings.jsonl"), one);
  size_t md5_hits = 0, pdq_hits = 0;
  for (const auto& j : JsonLines(one)) {
    md5_hits += j["rule"] == "md5";
    pdq_hits += j["rule"] == "pdq" && j["forensic_path"] == "ev3/many.zip/members/x.ppm";
  }
  EXPECT_EQ(md5_hits, 12u);  // members 0, 7, ..., 77
  EXPECT_EQ(pdq_hits, 1u);
}

}  // namespace
}  // namespace cairn
