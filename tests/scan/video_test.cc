// Videos in matching and scanning: the vPDQ rule in Matcher (synthetic frame lists, grouped into
// reference videos) and end to end through the cairn binary on benign videos that ffmpeg
// generates in the test (testsrc2 and mandelbrot patterns): a re-encoded, rescaled copy matches
// by vPDQ with both percentages stated, an unrelated video does not, a corrupt one is an error
// record and the scan goes on, and a resumed scan gives the uninterrupted findings.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cairn/hashset/library.h"
#include "cairn/scan/file_hasher.h"
#include "cairn/scan/matcher.h"
#include "cairn/store/database.h"
#include "cairn_test_support.h"

namespace cairn::scan {
namespace {

namespace fs = std::filesystem;

using testing::ReadText;
using testing::ShellRun;

ShellRun Cairn(const fs::path& cwd, const fs::path& home, const std::string& args) {
  return testing::RunShell("cd '" + cwd.string() + "' && CAIRN_HOME='" + home.string() + "' '" CAIRN_BINARY "' " +
            args + " 2>/dev/null");
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

int64_t QueryInt(const fs::path& db_path, const std::string& sql) {
  auto db = store::Database::Open(db_path, false);
  if (!db.ok()) return -1;
  auto q = (*db)->Prepare(sql);
  if (!q.ok()) return -1;
  auto row = q->Step();
  return row.ok() && *row ? q->ColumnInt(0) : -1;
}

Hash256 RandomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return h;
}

Hash256 FlipBits(Hash256 h, int bits) {
  for (int k = 0; k < bits; ++k) h.bytes[static_cast<size_t>(k)] ^= 0x01;
  return h;
}

// A generic CSV list of two reference videos ("a.mp4" 10 frames, "b.mp4" 10 frames), an image
// entry and a third video whose frames repeat b's hashes under another name.
struct TwoVideoList {
  testing::TempDir dir;
  std::vector<Hash256> a, b;
  Hash256 image;
  std::shared_ptr<const hashset::CompiledList> list;

  TwoVideoList() {
    std::mt19937_64 rng(11);
    for (int i = 0; i < 10; ++i) a.push_back(RandomHash(rng));
    for (int i = 0; i < 10; ++i) b.push_back(RandomHash(rng));
    image = RandomHash(rng);
    std::ostringstream csv;
    csv << "name,pdq,quality,comments\n";
    auto frames = [&](const std::string& name, const std::vector<Hash256>& hs) {
      for (size_t i = 0; i < hs.size(); ++i) {
        csv << name << ',' << hs[i].ToHex() << ",100,vPDQ frame " << i * 25 << " at " << i
            << ".000 s (TEST-FIXTURE)\n";
      }
    };
    frames("a.mp4", a);
    frames("b.mp4", b);
    csv << "photo.jpg," << image.ToHex() << ",100,TEST-FIXTURE image\n";
    frames("c.mp4", {b[0], b[1], b[2]});
    testing::WriteFile(dir / "videos.csv", csv.str());
    auto lib = std::move(hashset::Library::Open(dir / "home")).value();
    hashset::ImportOptions options;
    options.format = hashset::Format::kGenericCsv;
    auto row = lib->Import(dir / "videos.csv", "videos", "1", options);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    list = std::move(lib->OpenList("videos")).value();
  }
};

std::vector<video::FrameHash> Frames(const std::vector<Hash256>& hashes, int flip_bits) {
  std::vector<video::FrameHash> out;
  for (size_t i = 0; i < hashes.size(); ++i) {
    out.push_back({static_cast<int64_t>(i * 30), 100, FlipBits(hashes[i], flip_bits), 1.0 * i});
  }
  return out;
}

TEST(VpdqMatcherTest, FramesAreGroupedIntoReferenceVideosByNameAndRun) {
  TwoVideoList f;
  ASSERT_EQ(f.list->entry_count(), 24u);
  const Matcher matcher({f.list}, {});
  const std::vector<video::FrameHash> query = Frames(f.b, 20);
  MatchQuery q;
  q.video_frames = query;
  auto found = matcher.Find(q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  // b.mp4 matches whole (entries 10..19); c.mp4 holds 3 of b's frames: 100 % of its frames are
  // in the query but only 30 % of the query's are in it, so it does not match.
  ASSERT_EQ(found->size(), 1u);
  const Match& m = (*found)[0];
  EXPECT_EQ(m.rule, MatchRule::kVpdq);
  EXPECT_EQ(MatchRuleName(m.rule), "vpdq");
  EXPECT_EQ(m.entry_id, 10u);
  EXPECT_EQ(m.reference_last_id, 19u);
  ASSERT_TRUE(m.entry.file_name);
  EXPECT_EQ(*m.entry.file_name, "b.mp4");
  EXPECT_EQ(m.distance, 20);
  EXPECT_EQ(m.threshold, 31);
  ASSERT_TRUE(m.vpdq);
  EXPECT_DOUBLE_EQ(m.vpdq->query_match_percent, 100.0);
  EXPECT_DOUBLE_EQ(m.vpdq->reference_match_percent, 100.0);
  EXPECT_EQ(m.vpdq->query_frames, 10u);
  EXPECT_EQ(m.vpdq->reference_frames, 10u);
  EXPECT_EQ(m.vpdq->distance, 31);
  EXPECT_EQ(m.vpdq->min_quality, 50);
  EXPECT_DOUBLE_EQ(m.vpdq->min_percent, 80.0);
}

TEST(VpdqMatcherTest, FrameDistanceIsStrictAndPercentThresholdApplies) {
  TwoVideoList f;
  MatchQuery q;
  // 31 bits flipped: not < 31, so no frame matches (the reference's strict rule).
  const std::vector<video::FrameHash> far = Frames(f.a, 31);
  q.video_frames = far;
  EXPECT_TRUE(Matcher({f.list}, {}).Find(q)->empty());
  // 30 bits: every frame matches.
  const std::vector<video::FrameHash> near = Frames(f.a, 30);
  q.video_frames = near;
  ASSERT_EQ(Matcher({f.list}, {}).Find(q)->size(), 1u);
  // 7 of a's 10 frames plus 3 unrelated ones: 70 % both ways — below 80, at or above 70.
  std::mt19937_64 rng(99);
  std::vector<Hash256> mixed(f.a.begin(), f.a.begin() + 7);
  for (int i = 0; i < 3; ++i) mixed.push_back(RandomHash(rng));
  const std::vector<video::FrameHash> partial = Frames(mixed, 0);
  q.video_frames = partial;
  EXPECT_TRUE(Matcher({f.list}, {}).Find(q)->empty());
  MatchOptions lenient;
  lenient.vpdq.min_percent = 70;
  auto found = Matcher({f.list}, lenient).Find(q);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].entry_id, 0u);
  EXPECT_DOUBLE_EQ((*found)[0].vpdq->query_match_percent, 70.0);
  EXPECT_DOUBLE_EQ((*found)[0].vpdq->reference_match_percent, 70.0);
  EXPECT_EQ((*found)[0].distance, 0);
}

TEST(VpdqMatcherTest, ImageEntriesAndLowQualityFramesAreNotReferenceVideos) {
  TwoVideoList f;
  MatchQuery q;
  const std::vector<video::FrameHash> one = Frames({f.image}, 0);
  q.video_frames = one;
  EXPECT_TRUE(Matcher({f.list}, {}).Find(q)->empty());
  std::vector<video::FrameHash> low = Frames(f.b, 0);
  for (auto& fr : low) fr.quality = 40;
  q.video_frames = low;
  EXPECT_TRUE(Matcher({f.list}, {}).Find(q)->empty());
  hashset::Entry e;
  e.pdq = f.image;
  e.comments = "vPDQ frame 75 at 3.000 s";
  int64_t n = 0;
  EXPECT_TRUE(IsVpdqFrameEntry(e, &n));
  EXPECT_EQ(n, 75);
  e.comments = "vPDQ frame x";
  EXPECT_FALSE(IsVpdqFrameEntry(e));
}

// Benign generated videos: orig.mp4 (testsrc2, 8 s), its rescaled re-encode, an unrelated
// mandelbrot video and a truncated copy, in evidence/ (the original stays outside).
struct VideoCorpus {
  testing::TempDir dir;
  fs::path home = dir / "home";
  bool ok = false;
  VideoCorpus() {
    fs::create_directories(dir / "evidence" / "clips");
    const std::string ff = "cd '" + dir.path().string() + "' && ffmpeg -nostdin -hide_banner -loglevel error ";
    if (testing::RunShell(ff + "-f lavfi -i testsrc2=size=320x240:rate=25 -t 8 -pix_fmt yuv420p -c:v libx264 orig.mp4")
            .exit_code != 0) {
      return;
    }
    ok = testing::RunShell(ff + "-i orig.mp4 -vf scale=240:180 -c:v libx264 -crf 30 evidence/clips/copy.mp4").exit_code == 0 &&
         testing::RunShell(ff + "-f lavfi -i mandelbrot=size=320x240:rate=25 -t 8 -pix_fmt yuv420p -c:v libx264 "
                 "evidence/other.mp4").exit_code == 0;
    const std::string orig = ReadText(dir / "orig.mp4");
    testing::WriteFile(dir / "evidence" / "broken.mp4", orig.substr(0, orig.size() / 10));
    testing::WriteFile(dir / "evidence" / "notes.txt", "not a video\n");
  }
};

TEST(VideoHasherTest, FileAndBytesGiveTheSameFramesAndTheFileIsNotTouched) {
  VideoCorpus c;
  if (!c.ok) GTEST_SKIP() << "ffmpeg (with libx264) is missing; skipped";
  const fs::path path = c.dir / "orig.mp4";
  const std::string bytes = ReadText(path);  // before the times are set: this read moves atime
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};  // atime = mtime, long ago
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  FileHasher hasher({});
  const FileHashRecord from_file = hasher.HashFile(path);
  ASSERT_TRUE(from_file.error.ok()) << from_file.error.ToString();
  EXPECT_EQ(from_file.media_type, media::MediaType::kMp4);
  ASSERT_TRUE(from_file.video_frames);
  EXPECT_EQ(from_file.video_frames->size(), 8u);
  EXPECT_FALSE(from_file.pdq);
  const FileHashRecord from_bytes = hasher.HashBytes(
      "orig.mp4", std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  ASSERT_TRUE(from_bytes.video_frames);
  EXPECT_EQ(*from_bytes.video_frames, *from_file.video_frames);
  EXPECT_EQ(from_bytes.digests->sha256, from_file.digests->sha256);
  // Every frame, as the reference's -r 0: 8 s at 25 fps.
  HashOptions all;
  all.video_options.seconds_per_frame = 0;
  EXPECT_EQ(FileHasher(all).HashFile(path).video_frames->size(), 200u);
  HashOptions off;
  off.video = false;
  const FileHashRecord skipped = FileHasher(off).HashFile(path);
  EXPECT_FALSE(skipped.video_frames);
  EXPECT_TRUE(skipped.digests);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_atim.tv_sec, 1000000000);  // O_NOATIME read and mapping (we own the file)
  EXPECT_EQ(st.st_mtim.tv_sec, 1000000000);
  // Audio only (an M4A is ISO-BMFF, sniffed video/mp4): no frames and no error.
  ASSERT_EQ(testing::RunShell("cd '" + c.dir.path().string() + "' && ffmpeg -nostdin -hide_banner -loglevel error "
               "-f lavfi -i sine=frequency=440:duration=2 -c:a aac voice.m4a").exit_code, 0);
  const FileHashRecord audio = hasher.HashFile(c.dir / "voice.m4a");
  EXPECT_EQ(audio.media_type, media::MediaType::kMp4);
  EXPECT_TRUE(audio.error.ok()) << audio.error.ToString();
  EXPECT_FALSE(audio.video_frames);
  // Truncated: digests kept, the error names the file.
  const FileHashRecord broken = hasher.HashFile(c.dir / "evidence/broken.mp4");
  EXPECT_TRUE(broken.digests);
  EXPECT_FALSE(broken.video_frames);
  EXPECT_EQ(broken.error.code(), StatusCode::kCorrupt);
  EXPECT_NE(broken.error.message().find("broken.mp4"), std::string::npos);
}

TEST(VideoScanTest, ReencodedCopyMatchesByVpdqUnrelatedDoesNotCorruptIsAnError) {
  VideoCorpus c;
  if (!c.ok) GTEST_SKIP() << "ffmpeg (with libx264) is missing; skipped";
  const ShellRun hashed = Cairn(c.dir.path(), c.home, "hash --vpdq-dir vpdq orig.mp4");
  ASSERT_EQ(hashed.exit_code, 0);
  const auto rec = JsonLines(hashed.out);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0]["media_type"], "video/mp4");
  EXPECT_EQ(rec[0]["video_frames"], 8);  // 8 s at 1 frame/s
  const fs::path vpdq = c.dir / "vpdq" / (rec[0]["sha256"].get<std::string>() + ".vpdq");
  const std::string lines = ReadText(vpdq);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 8);
  EXPECT_EQ(lines.substr(0, 6), "0,100,");
  ASSERT_EQ(Cairn(c.dir.path(), c.home, "hashset import '" + vpdq.string() +
                                            "' --name video-fixture --version 1 "
                                            "--default-category vics-us:1=alert").exit_code, 0);

  // cairn match: the copy by its file and by its .vpdq lines; the unrelated video not at all.
  const auto by_file = JsonLines(Cairn(c.dir.path(), c.home,
                                       "match --lists video-fixture evidence/clips/copy.mp4").out);
  ASSERT_EQ(by_file.size(), 1u);
  EXPECT_EQ(by_file[0]["rule"], "vpdq");
  EXPECT_EQ(by_file[0]["video_frames"], 8);
  ASSERT_EQ(Cairn(c.dir.path(), c.home, "hash -q --vpdq-dir copy-vpdq evidence/clips/copy.mp4").exit_code, 0);
  const auto by_lines = JsonLines(Cairn(c.dir.path(), c.home,
                                        "match --lists video-fixture --vpdq copy-vpdq/" +
                                            testing::RunShell("cd '" + c.dir.path().string() + "' && ls copy-vpdq").out.substr(0, 69)).out);
  ASSERT_EQ(by_lines.size(), 1u);
  EXPECT_EQ(by_lines[0]["vpdq"], by_file[0]["vpdq"]);
  EXPECT_EQ(by_lines[0]["distance"], by_file[0]["distance"]);
  const auto other = JsonLines(Cairn(c.dir.path(), c.home,
                                     "match --all --lists video-fixture evidence/other.mp4").out);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_TRUE(other[0]["rule"].is_null());
  EXPECT_EQ(other[0]["video_frames"], 8);

  // The corrupt video is an error (exit 1), and the scan records every item.
  EXPECT_EQ(Cairn(c.dir.path(), c.home, "scan evidence --case case --lists video-fixture -q").exit_code, 1);
  const auto findings = JsonLines(ReadText(c.dir / "case/findings.jsonl"));
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f["forensic_path"], "evidence/clips/copy.mp4");
  EXPECT_EQ(f["rule"], "vpdq");
  EXPECT_EQ(f["video_frames"], 8);
  EXPECT_EQ(f["threshold"], 31);
  EXPECT_LT(f["distance"].get<int>(), 31);
  EXPECT_GE(f["vpdq"]["query_percent"].get<double>(), 80.0);
  EXPECT_GE(f["vpdq"]["reference_percent"].get<double>(), 80.0);
  EXPECT_EQ(f["vpdq"]["min_percent"], 80.0);
  EXPECT_EQ(f["vpdq"]["min_quality"], 50);
  EXPECT_EQ(f["vpdq"]["frame_threshold"], 31);
  EXPECT_EQ(f["vpdq"]["reference_frames"], 8);
  EXPECT_EQ(f["category"]["class"], "alert");
  EXPECT_EQ(f["entry"]["id"], 0);
  EXPECT_EQ(f["entry"]["last_id"], 7);

  const fs::path db = c.dir / "case/case.db";
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM scan_items"), 4);  // copy, other, broken, notes
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM scan_video_frames"), 16);
  EXPECT_EQ(QueryInt(db, "SELECT video_frames FROM scan_items WHERE forensic_path='evidence/other.mp4'"), 8);
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM scan_errors WHERE forensic_path='evidence/broken.mp4' "
                         "AND message LIKE 'corrupt:%'"), 1);
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM scan_findings WHERE rule='vpdq' AND "
                         "vpdq_query_percent >= 80 AND vpdq_reference_percent >= 80"), 1);

  // The options are recorded for --resume; a stricter threshold drops the match.
  EXPECT_EQ(Cairn(c.dir.path(), c.home, "scan evidence --case strict --lists video-fixture "
                                        "--vpdq-min-percent 100 --vpdq-distance 1 -q").exit_code, 1);
  EXPECT_TRUE(JsonLines(ReadText(c.dir / "strict/findings.jsonl")).empty());
  EXPECT_EQ(QueryInt(c.dir / "strict/case.db",
                     "SELECT COUNT(*) FROM scan_runs WHERE options_json LIKE '%\"vpdq_min_percent\":100.0%' "
                     "AND options_json LIKE '%\"video_seconds_per_frame\":1.0%'"), 1);
}

// A run cut off after its first items (what a kill leaves: a committed prefix of items, their
// frames and findings, status running) resumes to exactly the uninterrupted findings and frames.
TEST(VideoScanTest, ResumeAfterACutOffRunGivesTheSameFindings) {
  VideoCorpus c;
  if (!c.ok) GTEST_SKIP() << "ffmpeg (with libx264) is missing; skipped";
  const ShellRun hashed = Cairn(c.dir.path(), c.home, "hash --vpdq-dir vpdq orig.mp4");
  const auto rec = JsonLines(hashed.out);
  ASSERT_EQ(rec.size(), 1u);
  const std::string vpdq = "vpdq/" + rec[0]["sha256"].get<std::string>() + ".vpdq";
  ASSERT_EQ(Cairn(c.dir.path(), c.home, "hashset import " + vpdq + " --name video-fixture --version 1")
                .exit_code, 0);
  // A second copy sorted after the first, so the cut falls between two hits.
  fs::copy_file(c.dir / "evidence/clips/copy.mp4", c.dir / "evidence/z-copy.mp4");
  ASSERT_EQ(Cairn(c.dir.path(), c.home, "scan evidence --case ref --lists video-fixture -q -j 2").exit_code, 1);
  ASSERT_EQ(Cairn(c.dir.path(), c.home, "scan evidence --case cut --lists video-fixture -q -j 2").exit_code, 1);
  const std::string reference = ReadText(c.dir / "ref/findings.jsonl");
  ASSERT_EQ(JsonLines(reference).size(), 2u);
  {
    auto db = store::Database::Open(c.dir / "cut/case.db", false);
    ASSERT_TRUE(db.ok());
    const std::string later =
        "(SELECT id FROM scan_items WHERE id > (SELECT id FROM scan_items WHERE "
        "forensic_path = 'evidence/clips/copy.mp4'))";
    for (const char* table : {"scan_video_frames", "scan_findings", "scan_errors"}) {
      ASSERT_TRUE((*db)->Exec(std::string("DELETE FROM ") + table + " WHERE item_id IN " + later).ok());
    }
    ASSERT_TRUE((*db)->Exec("DELETE FROM scan_items WHERE id IN " + later).ok());
    ASSERT_TRUE((*db)->Exec("UPDATE scan_runs SET status='running', finished_utc=NULL").ok());
  }
  EXPECT_EQ(QueryInt(c.dir / "cut/case.db", "SELECT COUNT(*) FROM scan_findings"), 1);
  const int resumed = Cairn(c.dir.path(), c.home, "scan --case cut --resume -q").exit_code;
  EXPECT_TRUE(resumed == 0 || resumed == 1) << resumed;  // 1 when broken.mp4 is recorded again
  EXPECT_EQ(QueryInt(c.dir / "cut/case.db", "SELECT COUNT(*) FROM scan_runs WHERE status='complete'"), 1);
  EXPECT_EQ(ReadText(c.dir / "cut/findings.jsonl"), reference);
  const std::string frames =
      "SELECT COUNT(*) FROM scan_video_frames f JOIN scan_items i ON f.item_id = i.id";
  EXPECT_EQ(QueryInt(c.dir / "cut/case.db", frames), QueryInt(c.dir / "ref/case.db", frames));
  EXPECT_EQ(QueryInt(c.dir / "cut/case.db", frames), 24);
}

}  // namespace
}  // namespace cairn::scan
