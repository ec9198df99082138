// FileHasher: everything Cairn computes about one file's bytes — MD5, SHA-1 and SHA-256 in one
// pass, the media type by content, for images the decoded size and PDQ hash (optionally its
// 8 dihedral variants), for videos the vPDQ frame hashes (cairn::video, 1 frame/s by default).
// A file that cannot be decoded keeps its digests and carries the error.
// One FileHasher per thread (it owns reusable digest and PDQ state); HashFile never throws and
// never opens anything for writing.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/status.h"
#include "cairn/media/decode.h"
#include "cairn/pdq/pdq.h"
#include "cairn/video/vpdq.h"

namespace cairn::scan {

struct HashOptions {
  bool dihedral = false;  // also compute the 8 dihedral PDQ variants
  // Fast mode: JPEGs are decoded in the DCT domain at the smallest scale that keeps both sides
  // at least kFastJpegMinDimension (see docs/PDQ.md for the measured distance to exact mode).
  bool fast = false;
  media::DecodeOptions decode;
  // Images larger than this are digested but not decoded (error "image file too large").
  uint64_t max_image_bytes = uint64_t{1} << 30;
  // Videos (MP4, QuickTime, 3GP, AVI, Matroska, WebM by content) get vPDQ frame hashes. A video
  // file is memory-mapped read-only (O_NOATIME) for decoding, never copied whole.
  bool video = true;
  video::VideoOptions video_options;  // seconds_per_frame (1.0), frame and pixel limits
};

// True for the media types FileHasher decodes as video.
bool IsVideo(media::MediaType type);

inline constexpr int kFastJpegMinDimension = 1024;

struct FileHashRecord {
  std::filesystem::path path;
  uint64_t size = 0;
  std::optional<FileDigests> digests;  // absent only when the file could not be read at all
  media::MediaType media_type = media::MediaType::kUnknown;
  int width = 0;  // decoded image size (after any EXIF rotation); 0 when not an image
  int height = 0;
  std::optional<pdq::PdqHash> pdq;
  std::optional<std::array<Hash256, 8>> pdq_dihedral;
  // vPDQ frames of a video (decode order); absent when the file is not a video, has no video
  // stream (audio-only MP4/M4A, WebM, Matroska: not an error) or did not decode (error set).
  // Its size is the item's frame count.
  std::optional<std::vector<video::FrameHash>> video_frames;
  Status error;  // what went wrong, if anything; the fields above still hold what was computed
};

// Time spent per stage over the life of a FileHasher (for benchmarks).
struct StageTimes {
  std::chrono::nanoseconds read{0}, digest{0}, decode{0}, pdq{0}, video{0};
};

class FileHasher {
 public:
  explicit FileHasher(HashOptions options);

  FileHashRecord HashFile(const std::filesystem::path& path);
  // The same for bytes already in memory (e.g. an archive member); `path` is only recorded.
  FileHashRecord HashBytes(const std::filesystem::path& path, std::span<const uint8_t> bytes);

  const StageTimes& stage_times() const { return times_; }

 private:
  void HashImage(std::span<const uint8_t> bytes, FileHashRecord& record);
  void HashVideo(std::span<const uint8_t> bytes, FileHashRecord& record);

  HashOptions options_;
  MultiDigester digester_;
  pdq::PdqHasher pdq_;
  std::vector<uint8_t> buffer_;
  StageTimes times_;
};

}  // namespace cairn::scan
