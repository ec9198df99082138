#include "cairn/scan/matcher.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <string_view>

namespace cairn::scan {

std::string_view MatchRuleName(MatchRule rule) {
  switch (rule) {
    case MatchRule::kMd5: return "md5";
    case MatchRule::kSha1: return "sha1";
    case MatchRule::kSha256: return "sha256";
    case MatchRule::kPdq: return "pdq";
    case MatchRule::kVpdq: return "vpdq";
  }
  return "unknown";
}

std::string_view DihedralName(pdq::Dihedral d) {
  static constexpr std::string_view kNames[] = {"original", "rotate90",  "rotate180",  "rotate270",
                                                "flip-x",   "flip-y",    "flip-plus1", "flip-minus1"};
  return kNames[static_cast<int>(d)];
}

bool IsVpdqFrameEntry(const hashset::Entry& entry, int64_t* frame_number) {
  constexpr std::string_view kPrefix = "vPDQ frame ";
  if (entry.kind != hashset::EntryKind::kAdd || !entry.pdq) return false;
  const std::string_view c = entry.comments;
  if (!c.starts_with(kPrefix)) return false;
  const char* begin = c.data() + kPrefix.size();
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(begin, c.data() + c.size(), n);
  if (ec != std::errc() || end == begin) return false;
  if (frame_number != nullptr) *frame_number = n;
  return true;
}

namespace {

// A reference video longer than this many frame entries is cut here (about 55 hours at 1 fps).
constexpr uint64_t kMaxReferenceFrames = 200000;

struct FrameEntry {
  bool is_frame = false;
  int64_t frame_number = 0;
  hashset::Entry entry;
};

struct ReferenceVideo {
  uint64_t first = 0, last = 0;  // entry ids, inclusive
  std::vector<video::FrameHash> frames;  // frames[i] is entry first + i
};

bool SameVideo(const hashset::Entry& a, const hashset::Entry& b) {
  return a.source_id == b.source_id && a.file_name == b.file_name && a.series == b.series;
}

}  // namespace

Status Matcher::FindVideo(const std::shared_ptr<const hashset::CompiledList>& list,
                          std::span<const video::FrameHash> frames, std::vector<Match>& out) const {
  const video::VpdqMatchOptions& vo = options_.vpdq;
  if (frames.empty() || list->pdq().size() == 0 || vo.distance <= 0) return Status::Ok();
  std::vector<Hash256> queries;
  for (const video::FrameHash& f : frames) {
    if (f.quality >= vo.min_quality) queries.push_back(f.pdq);
  }
  std::sort(queries.begin(), queries.end());
  queries.erase(std::unique(queries.begin(), queries.end()), queries.end());
  if (queries.empty()) return Status::Ok();
  std::vector<index::Neighbor> found;
  CAIRN_RETURN_IF_ERROR(list->pdq().RangeSearch(queries, vo.distance - 1, found));
  if (found.empty()) return Status::Ok();

  std::map<uint64_t, FrameEntry> cache;
  auto get = [&](uint64_t id) -> Result<const FrameEntry*> {
    auto it = cache.find(id);
    if (it == cache.end()) {
      FrameEntry fe;
      CAIRN_ASSIGN_OR_RETURN(fe.entry, list->EntryAt(id));
      fe.is_frame = IsVpdqFrameEntry(fe.entry, &fe.frame_number);
      it = cache.emplace(id, std::move(fe)).first;
    }
    return &it->second;
  };
  std::vector<ReferenceVideo> videos;
  auto video_of = [&](uint64_t id) -> ReferenceVideo* {
    for (ReferenceVideo& v : videos) {
      if (id >= v.first && id <= v.last) return &v;
    }
    return nullptr;
  };
  for (const index::Neighbor& n : found) {
    if (video_of(n.id) != nullptr) continue;
    CAIRN_ASSIGN_OR_RETURN(const FrameEntry* anchor, get(n.id));
    if (!anchor->is_frame) continue;
    ReferenceVideo v;
    v.first = v.last = n.id;
    int64_t first_fn = anchor->frame_number, last_fn = anchor->frame_number;
    while (v.first > 0 && v.last - v.first + 1 < kMaxReferenceFrames) {
      CAIRN_ASSIGN_OR_RETURN(const FrameEntry* prev, get(v.first - 1));
      if (!prev->is_frame || !SameVideo(prev->entry, anchor->entry) || prev->frame_number >= first_fn) break;
      --v.first;
      first_fn = prev->frame_number;
    }
    while (v.last + 1 < list->entry_count() && v.last - v.first + 1 < kMaxReferenceFrames) {
      CAIRN_ASSIGN_OR_RETURN(const FrameEntry* next, get(v.last + 1));
      if (!next->is_frame || !SameVideo(next->entry, anchor->entry) || next->frame_number <= last_fn) break;
      ++v.last;
      last_fn = next->frame_number;
    }
    for (uint64_t id = v.first; id <= v.last; ++id) {
      CAIRN_ASSIGN_OR_RETURN(const FrameEntry* fe, get(id));
      video::FrameHash f;
      f.frame_number = fe->frame_number;
      // A frame entry without a quality is taken as good (lists that only give hashes).
      f.quality = fe->entry.pdq_quality.value_or(100);
      f.pdq = *fe->entry.pdq;
      v.frames.push_back(f);
    }
    videos.push_back(std::move(v));
  }

  const size_t list_start = out.size();
  for (const ReferenceVideo& v : videos) {
    const video::VpdqMatchResult r = video::VpdqMatch(frames, v.frames, vo);
    if (!r.match) continue;
    // The nearest good reference frame of each query hash that has one; the worst of those.
    std::vector<int> nearest(queries.size(), std::numeric_limits<int>::max());
    for (const index::Neighbor& n : found) {
      if (n.id < v.first || n.id > v.last) continue;
      if (v.frames[n.id - v.first].quality < vo.min_quality) continue;
      nearest[n.query] = std::min(nearest[n.query], n.distance);
    }
    int worst = 0;
    for (int d : nearest) {
      if (d != std::numeric_limits<int>::max()) worst = std::max(worst, d);
    }
    CAIRN_ASSIGN_OR_RETURN(const FrameEntry* head, get(v.first));
    Match m{list, v.first, head->entry, MatchRule::kVpdq, worst, vo.distance, std::nullopt, r, v.last};
    out.push_back(std::move(m));
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(list_start), out.end(),
            [](const Match& a, const Match& b) {
              return std::tie(a.distance, a.entry_id) < std::tie(b.distance, b.entry_id);
            });
  return Status::Ok();
}

MatchQuery QueryFor(const FileHashRecord& record) {
  MatchQuery q;
  if (record.digests) {
    q.md5 = record.digests->md5;
    q.sha1 = record.digests->sha1;
    q.sha256 = record.digests->sha256;
  }
  if (record.pdq) {
    q.pdq = record.pdq->hash;
    q.pdq_quality = record.pdq->quality;
    q.pdq_dihedral = record.pdq_dihedral;
  }
  if (record.video_frames) q.video_frames = *record.video_frames;
  return q;
}

Matcher::Matcher(std::vector<std::shared_ptr<const hashset::CompiledList>> lists,
                 MatchOptions options)
    : lists_(std::move(lists)), options_(options) {}

Status Matcher::AddMatch(const std::shared_ptr<const hashset::CompiledList>& list, MatchRule rule,
                         uint64_t id, int distance, int threshold,
                         std::optional<pdq::Dihedral> variant, std::vector<Match>& out) const {
  CAIRN_ASSIGN_OR_RETURN(hashset::Entry entry, list->EntryAt(id));
  if (entry.kind == hashset::EntryKind::kDelete) return Status();
  if (rule == MatchRule::kPdq && entry.pdq_quality && *entry.pdq_quality < options_.min_quality) {
    return Status();
  }
  out.push_back(Match{list, id, std::move(entry), rule, distance, threshold, variant, std::nullopt, 0});
  return Status();
}

Result<std::vector<Match>> Matcher::Find(const MatchQuery& q) const {
  std::vector<Match> out;
  std::vector<uint64_t> ids;
  for (const auto& list : lists_) {
    auto exact = [&](MatchRule rule, const auto& set, const auto& digest) -> Status {
      ids.clear();
      set.Find(digest, ids);
      for (uint64_t id : ids) CAIRN_RETURN_IF_ERROR(AddMatch(list, rule, id, 0, 0, std::nullopt, out));
      return Status();
    };
    if (q.md5) CAIRN_RETURN_IF_ERROR(exact(MatchRule::kMd5, list->md5(), *q.md5));
    if (q.sha1) CAIRN_RETURN_IF_ERROR(exact(MatchRule::kSha1, list->sha1(), *q.sha1));
    if (q.sha256) CAIRN_RETURN_IF_ERROR(exact(MatchRule::kSha256, list->sha256(), *q.sha256));

    const bool quality_ok = !q.pdq_quality || *q.pdq_quality >= options_.min_quality;
    if (q.pdq && quality_ok && list->pdq().size() != 0) {
      CAIRN_RETURN_IF_ERROR(FindPdq(list, q, out));
    }
    if (!q.video_frames.empty()) CAIRN_RETURN_IF_ERROR(FindVideo(list, q.video_frames, out));
  }
  return out;
}

Status Matcher::FindPdq(const std::shared_ptr<const hashset::CompiledList>& list, const MatchQuery& q,
                        std::vector<Match>& out) const {
  std::vector<Hash256> queries;
  if (options_.dihedral && q.pdq_dihedral) {
    queries.assign(q.pdq_dihedral->begin(), q.pdq_dihedral->end());
  } else {
    queries.push_back(*q.pdq);
  }
  std::vector<index::Neighbor> found;
  CAIRN_RETURN_IF_ERROR(list->pdq().RangeSearch(queries, options_.pdq_threshold, found));
  // One match per entry: the closest variant (the first in dihedral order on ties).
  std::map<uint64_t, std::pair<int, uint32_t>> best;
  for (const index::Neighbor& n : found) {
    auto [it, inserted] = best.try_emplace(n.id, n.distance, n.query);
    if (!inserted && std::make_pair(n.distance, n.query) < it->second) {
      it->second = {n.distance, n.query};
    }
  }
  std::vector<std::pair<std::pair<int, uint32_t>, uint64_t>> ordered;
  for (const auto& [id, dq] : best) ordered.push_back({dq, id});
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.first, a.second) < std::tie(b.first.first, b.second);
  });
  for (const auto& [dq, id] : ordered) {
    CAIRN_RETURN_IF_ERROR(AddMatch(list, MatchRule::kPdq, id, dq.first, options_.pdq_threshold,
                                   static_cast<pdq::Dihedral>(dq.second), out));
  }
  return Status::Ok();
}

}  // namespace cairn::scan
