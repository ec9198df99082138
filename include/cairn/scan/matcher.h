// Matcher: looks a file's digests and PDQ hash up in compiled hash lists and says, for every hit,
// which list (name, version), which entry (id, record number, its own values), which rule (md5,
// sha1, sha256, pdq), the distance and the threshold used. Exact rules: equal digests (distance
// 0, threshold 0). PDQ rule: Hamming distance <= threshold (inclusive, 31 by default) between
// the query — by default each of its 8 dihedral variants, so rotated and mirrored copies match —
// and an entry, with both hashes of quality >= min_quality (50) where the quality is known.
// Deletion records never match. vPDQ rule (videos): a reference video is a run of consecutive
// vPDQ frame entries of one list (see FindVideo); the query's frames are looked up in the list's
// PDQ index and each candidate reference video is compared with video::VpdqMatch (distinct
// good-quality frames, frame distance < vpdq.distance, both percentages >= vpdq.min_percent).
// A Matcher is immutable after construction; its methods are const and safe to call from many
// threads.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/hashset/compiled_list.h"
#include "cairn/pdq/pdq.h"
#include "cairn/scan/file_hasher.h"
#include "cairn/video/vpdq.h"

namespace cairn::scan {

struct MatchOptions {
  int pdq_threshold = 31;
  int min_quality = 50;
  bool dihedral = true;  // try the 8 dihedral variants of the query (else the hash as it is)
  // vPDQ rule: frame distance (strict <), min frame quality, min percent (both directions).
  video::VpdqMatchOptions vpdq;
};

enum class MatchRule { kMd5, kSha1, kSha256, kPdq, kVpdq };
std::string_view MatchRuleName(MatchRule rule);  // "md5", "sha1", "sha256", "pdq", "vpdq"
std::string_view DihedralName(pdq::Dihedral d);  // "original", "rotate90", ... "flip-minus1"

struct Match {
  std::shared_ptr<const hashset::CompiledList> list;
  uint64_t entry_id = 0;
  hashset::Entry entry;  // decoded from the list
  MatchRule rule = MatchRule::kMd5;
  int distance = 0;
  int threshold = 0;
  // PDQ only: the query variant that came closest (kOriginal when dihedral matching is off).
  std::optional<pdq::Dihedral> variant;
  // vPDQ only: entry_id/entry are the reference video's first frame entry, reference_last_id
  // its last; distance is the largest nearest-frame distance over the matched query frames
  // (always < threshold = vpdq.distance); vpdq holds both percentages and the thresholds.
  std::optional<video::VpdqMatchResult> vpdq;
  uint64_t reference_last_id = 0;
};

// True when an entry is a frame of a reference video: it has a PDQ hash and its comments start
// with "vPDQ frame " (as `cairn hashset import` writes for vPDQ frame lines); *frame_number
// gets the frame number that follows.
bool IsVpdqFrameEntry(const hashset::Entry& entry, int64_t* frame_number = nullptr);

// What to look up. Any subset may be present; dihedral holds the 8 variants when known.
struct MatchQuery {
  std::optional<Md5> md5;
  std::optional<Sha1> sha1;
  std::optional<Sha256> sha256;
  std::optional<Hash256> pdq;
  std::optional<int> pdq_quality;  // nullopt: unknown (PDQ given by hand), not filtered
  std::optional<std::array<Hash256, 8>> pdq_dihedral;
  // A video's vPDQ frames (a view; must outlive Find): matched with the vPDQ rule.
  std::span<const video::FrameHash> video_frames;
};

// What FileHasher computed about a file, as a query: digests, PDQ with its quality and dihedral
// variants, and video frames, whichever the record holds. The query views record.video_frames,
// so the record must outlive it.
MatchQuery QueryFor(const FileHashRecord& record);

class Matcher {
 public:
  Matcher(std::vector<std::shared_ptr<const hashset::CompiledList>> lists, MatchOptions options);

  // Every match of `query` in every list: list order, then rule order (md5, sha1, sha256, pdq,
  // vpdq), then distance, then entry id. Fails only when a list turns out damaged.
  Result<std::vector<Match>> Find(const MatchQuery& query) const;

  // The vPDQ matches of one video's frames in one list. Reference videos: a maximal run of
  // consecutive entries (by entry id) that are vPDQ frame entries (IsVpdqFrameEntry) with the
  // same source_id, file_name and series and strictly increasing frame numbers; so a list
  // imported from one vPDQ file is one video, and a list of many videos names each (file name
  // or id column). Candidate videos come from a radius query of the list's PDQ index (radius
  // vpdq.distance - 1); each candidate is then compared whole with video::VpdqMatch.
  Status FindVideo(const std::shared_ptr<const hashset::CompiledList>& list,
                   std::span<const video::FrameHash> frames, std::vector<Match>& out) const;

  const MatchOptions& options() const { return options_; }
  const std::vector<std::shared_ptr<const hashset::CompiledList>>& lists() const { return lists_; }

 private:
  Status FindPdq(const std::shared_ptr<const hashset::CompiledList>& list, const MatchQuery& q,
                 std::vector<Match>& out) const;
  Status AddMatch(const std::shared_ptr<const hashset::CompiledList>& list, MatchRule rule,
                  uint64_t id, int distance, int threshold, std::optional<pdq::Dihedral> variant,
                  std::vector<Match>& out) const;

  std::vector<std::shared_ptr<const hashset::CompiledList>> lists_;
  MatchOptions options_;
};

}  // namespace cairn::scan
