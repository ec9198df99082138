#include "cairn/video/vpdq.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "cairn_test_support.h"

namespace cairn::video {
namespace {

std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const kVideos[] = {"chair-19-sd-bar", "chair-20-sd-bar", "chair-22-sd-sepia-bar",
                               "doorknob-hd-no-bar", "pattern-sd-grey-bar",
                               "test-padded-dimensions"};

// Every frame of every shared sample video equals the hashes the reference vpdq/cpp computed
// here with the same libav (5.1): frame numbers, qualities, hashes and timestamps.
TEST(VpdqTest, EveryFrameEqualsReferenceComputedHere) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq/vpdq");
  VideoOptions every;
  every.seconds_per_frame = 0;
  for (const char* name : kVideos) {
    SCOPED_TRACE(name);
    auto got = HashVideoFile(root / "sample-videos" / (std::string(name) + ".mp4"), every);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    auto want = ParseVpdq(ReadText(root / "computed-here-ffmpeg5.1" / (std::string(name) + ".txt")));
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    ASSERT_EQ(got->size(), want->size());
    int max_distance = 0;
    for (size_t i = 0; i < got->size(); ++i) {
      EXPECT_EQ((*got)[i].frame_number, (*want)[i].frame_number);
      EXPECT_EQ((*got)[i].quality, (*want)[i].quality) << "frame " << i;
      max_distance = std::max(max_distance, HammingDistance((*got)[i].pdq, (*want)[i].pdq));
      EXPECT_NEAR((*got)[i].timestamp, (*want)[i].timestamp, 0.0005);
    }
    EXPECT_EQ(max_distance, 0);
    // The text format round-trips to the reference file byte for byte.
    EXPECT_EQ(FormatVpdq(*got),
              ReadText(root / "computed-here-ffmpeg5.1" / (std::string(name) + ".txt")));
  }
}

TEST(VpdqTest, BytesInMemoryEqualFileAndSamplingPicksEverySecond) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq/vpdq/sample-videos");
  const auto path = root / "chair-19-sd-bar.mp4";
  auto bytes = testing::ReadFileBytes(path);
  auto from_mem = HashVideo(bytes);
  auto from_file = HashVideoFile(path);
  ASSERT_TRUE(from_mem.ok()) << from_mem.status().ToString();
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(*from_mem, *from_file);
  ASSERT_GT(from_mem->size(), 5u);
  // 30 fps, 1 s per hash: frames 0, 30, 60, ...
  for (size_t i = 0; i < from_mem->size(); ++i) {
    EXPECT_EQ((*from_mem)[i].frame_number, static_cast<int64_t>(30 * i));
  }
}

TEST(VpdqTest, VariantsMatchAndDifferentVideosDoNot) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq/vpdq/computed-here-ffmpeg5.1");
  std::map<std::string, std::vector<FrameHash>> h;
  for (const char* n : {"chair-19-sd-bar", "chair-20-sd-bar", "chair-22-sd-sepia-bar",
                        "chair-22-with-small-logo-bar", "chair-orig-22-sd-bar",
                        "doorknob-hd-no-bar", "pattern-sd-grey-bar", "pattern-sd-with-small-logo-bar"}) {
    auto r = ParseVpdq(ReadText(root / (std::string(n) + ".txt")), n);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    h[n] = *r;
  }
  auto m = VpdqMatch(h["chair-22-sd-sepia-bar"], h["chair-orig-22-sd-bar"]);
  EXPECT_TRUE(m.match) << m.query_match_percent << " " << m.reference_match_percent;
  EXPECT_EQ(m.distance, 31);
  EXPECT_EQ(m.min_quality, 50);
  m = VpdqMatch(h["chair-22-with-small-logo-bar"], h["chair-orig-22-sd-bar"]);
  EXPECT_TRUE(m.match) << m.query_match_percent << " " << m.reference_match_percent;
  m = VpdqMatch(h["pattern-sd-grey-bar"], h["pattern-sd-with-small-logo-bar"]);
  EXPECT_TRUE(m.match) << m.query_match_percent << " " << m.reference_match_percent;
  m = VpdqMatch(h["chair-19-sd-bar"], h["chair-20-sd-bar"]);  // 100 % and 92.3 %
  EXPECT_TRUE(m.match) << m.query_match_percent << " " << m.reference_match_percent;
  EXPECT_DOUBLE_EQ(m.query_match_percent, 100.0);
  for (const char* other : {"doorknob-hd-no-bar", "pattern-sd-grey-bar"}) {
    for (const char* chair : {"chair-19-sd-bar", "chair-orig-22-sd-bar"}) {
      m = VpdqMatch(h[chair], h[other]);
      EXPECT_FALSE(m.match) << chair << " vs " << other;
      EXPECT_LT(m.query_match_percent, 80.0);
    }
  }
  // Identical inputs match 100 % both ways.
  m = VpdqMatch(h["doorknob-hd-no-bar"], h["doorknob-hd-no-bar"]);
  EXPECT_TRUE(m.match);
  EXPECT_DOUBLE_EQ(m.query_match_percent, 100.0);
}

TEST(VpdqTest, MatchDedupesAndFiltersQuality) {
  FrameHash a;
  a.quality = 100;
  a.pdq.bytes[0] = 0xff;
  FrameHash low = a;
  low.quality = 10;
  low.pdq.bytes[5] = 0xff;
  FrameHash far;
  far.quality = 100;
  for (auto& b : far.pdq.bytes) b = 0x0f;
  std::vector<FrameHash> q = {a, a, a, low};
  std::vector<FrameHash> t = {a, far};
  auto m = VpdqMatch(q, t);
  EXPECT_EQ(m.query_frames, 1u);
  EXPECT_EQ(m.reference_frames, 2u);
  EXPECT_DOUBLE_EQ(m.query_match_percent, 100.0);
  EXPECT_DOUBLE_EQ(m.reference_match_percent, 50.0);
  EXPECT_FALSE(m.match);
  auto empty = VpdqMatch({}, t);
  EXPECT_FALSE(empty.match);
}

TEST(VpdqTest, ParseRejectsMalformedLinesAndAcceptsThreeFields) {
  const std::string hex(64, 'a');
  auto ok = ParseVpdq("0,100," + hex + "\n\n3,40," + hex + ",0.100\r\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].frame_number, 3);
  EXPECT_DOUBLE_EQ((*ok)[1].timestamp, 0.1);
  for (const std::string& bad : std::vector<std::string>{"x,100," + hex, "0,101," + hex, "0,100,abc",
                                                          "0,100," + hex + ",t", "0,100"}) {
    auto r = ParseVpdq("0,1," + hex + "\n" + bad, "f.txt");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("f.txt:2"), std::string::npos) << r.status().message();
  }
}

TEST(VpdqTest, TruncatedAndRandomBytesAreErrors) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq/vpdq/sample-videos");
  auto bytes = testing::ReadFileBytes(root / "chair-19-sd-bar.mp4");
  for (double frac : {0.1, 0.5, 0.9}) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(bytes.size() * frac));
    auto r = HashVideo(cut, {}, "cut.mp4");
    ASSERT_FALSE(r.ok()) << frac;
    EXPECT_NE(r.status().message().find("cut.mp4"), std::string::npos);
  }
  std::mt19937 rng(7);
  std::vector<uint8_t> noise(100000);
  for (auto& b : noise) b = static_cast<uint8_t>(rng());
  EXPECT_FALSE(HashVideo(noise).ok());
  EXPECT_FALSE(HashVideo({}).ok());
  auto missing = HashVideoFile("/nonexistent/x.mp4");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(VpdqTest, LimitsAreEnforced) {
  CAIRN_REQUIRE_SHARED_DATA(root, "pdq/vpdq/sample-videos");
  VideoOptions small;
  small.max_pixels = 100;
  auto r = HashVideoFile(root / "chair-19-sd-bar.mp4", small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  VideoOptions few;
  few.max_frames = 2;
  r = HashVideoFile(root / "chair-19-sd-bar.mp4", few);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
}

}  // namespace
}  // namespace cairn::video
