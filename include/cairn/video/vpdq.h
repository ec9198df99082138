// vPDQ: one PDQ hash per sampled video frame, the vPDQ text format and the vPDQ match rule.
// Compatible with Meta's reference (facebook/ThreatExchange vpdq/cpp: hashing/filehasher.cpp,
// hashing/ffmpegwrapper.h, hashing/matchTwoHash.cpp; see docs/VIDEO.md). Frames are decoded
// with libav (FFmpeg 5.1), converted to RGB24 at the native size by swscale (SWS_AREA, as the
// reference) and hashed with cairn::pdq::PdqHasher. Functions are stateless and thread-safe;
// input bytes are only read, never modified. No network or nested file is ever opened.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/status.h"

namespace cairn::video {

struct FrameHash {
  int64_t frame_number = 0;  // 0-based decode order, as the reference
  int quality = 0;           // PDQ quality 0..100; 0 with an all-zero hash for a flat frame
  Hash256 pdq;
  double timestamp = 0;      // seconds = frame_number / average frame rate (as the reference)
  friend bool operator==(const FrameHash&, const FrameHash&) = default;
};

struct VideoOptions {
  double seconds_per_frame = 1.0;  // hash every max(1, int(seconds * fps))-th frame; 0 = all
  uint64_t max_frames = 200000;    // more hashed frames than this is kLimitExceeded
  uint64_t max_pixels = 1ull << 26;  // width*height above this is kLimitExceeded
};

// Decodes the first video stream and hashes the sampled frames. Errors: kCorrupt when libav
// cannot open, parse or decode the data (truncated file, random bytes); kUnsupported when there
// is no video stream or no decoder; kLimitExceeded for the limits above; kIoError for a file
// that cannot be read. `name` only labels error messages.
Result<std::vector<FrameHash>> HashVideo(std::span<const uint8_t> bytes,
                                         const VideoOptions& options = {},
                                         std::string_view name = "video");
Result<std::vector<FrameHash>> HashVideoFile(const std::filesystem::path& path,
                                             const VideoOptions& options = {});

// vPDQ text format, one line per frame: `frame_number,quality,pdq_hex,timestamp_seconds`
// (timestamp with 3 decimals). The reader also accepts the older 3-field lines (timestamp 0)
// and skips blank lines; errors name the line.
std::string FormatVpdq(std::span<const FrameHash> frames);
Result<std::vector<FrameHash>> ParseVpdq(std::string_view text, std::string_view name = "vpdq");

struct VpdqMatchOptions {
  int distance = 31;      // frames match when Hamming distance < distance (strict, as reference)
  int min_quality = 50;   // frames with quality below this are ignored
  double min_percent = 80.0;  // a video matches when both percentages are >= this
};

struct VpdqMatchResult {
  double query_match_percent = 0;      // distinct good query frames with a match in reference
  double reference_match_percent = 0;  // distinct good reference frames with a match in query
  size_t query_frames = 0;             // distinct good-quality frames compared
  size_t reference_frames = 0;
  int distance = 0;  // the thresholds applied, for the report
  int min_quality = 0;
  double min_percent = 0;
  bool match = false;  // both percentages >= min_percent (false when either side is empty)
};

// The reference's matchTwoHash brute-force rule over distinct (deduplicated) hashes.
VpdqMatchResult VpdqMatch(std::span<const FrameHash> query, std::span<const FrameHash> reference,
                          const VpdqMatchOptions& options = {});

}  // namespace cairn::video
