#include "cairn/scan/matcher.h"

#include <algorithm>
#include <map>

namespace cairn::scan {

std::string_view MatchRuleName(MatchRule rule) {
  switch (rule) {
    case MatchRule::kMd5: return "md5";
    case MatchRule::kSha1: return "sha1";
    case MatchRule::kSha256: return "sha256";
    case MatchRule::kPdq: return "pdq";
  }
  return "unknown";
}

std::string_view DihedralName(pdq::Dihedral d) {
  static constexpr std::string_view kNames[] = {"original", "rotate90",  "rotate180",  "rotate270",
                                                "flip-x",   "flip-y",    "flip-plus1", "flip-minus1"};
  return kNames[static_cast<int>(d)];
}

Matcher::Matcher(std::vector<std::shared_ptr<const hashset::CompiledList>> lists,
                 MatchOptions options)
    : lists_(std::move(lists)), options_(options) {}

Result<std::vector<Match>> Matcher::Find(const MatchQuery& q) const {
  std::vector<Match> out;
  std::vector<uint64_t> ids;
  for (const auto& list : lists_) {
    auto add = [&](MatchRule rule, uint64_t id, int distance, int threshold,
                   std::optional<pdq::Dihedral> variant) -> Status {
      CAIRN_ASSIGN_OR_RETURN(hashset::Entry entry, list->EntryAt(id));
      if (entry.kind == hashset::EntryKind::kDelete) return Status();
      if (rule == MatchRule::kPdq && entry.pdq_quality && *entry.pdq_quality < options_.min_quality) {
        return Status();
      }
      out.push_back(Match{list, id, std::move(entry), rule, distance, threshold, variant});
      return Status();
    };
    auto exact = [&](MatchRule rule, const auto& set, const auto& digest) -> Status {
      ids.clear();
      set.Find(digest, ids);
      for (uint64_t id : ids) CAIRN_RETURN_IF_ERROR(add(rule, id, 0, 0, std::nullopt));
      return Status();
    };
    if (q.md5) CAIRN_RETURN_IF_ERROR(exact(MatchRule::kMd5, list->md5(), *q.md5));
    if (q.sha1) CAIRN_RETURN_IF_ERROR(exact(MatchRule::kSha1, list->sha1(), *q.sha1));
    if (q.sha256) CAIRN_RETURN_IF_ERROR(exact(MatchRule::kSha256, list->sha256(), *q.sha256));

    const bool quality_ok = !q.pdq_quality || *q.pdq_quality >= options_.min_quality;
    if (!q.pdq || !quality_ok || list->pdq().size() == 0) continue;
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
      CAIRN_RETURN_IF_ERROR(add(MatchRule::kPdq, id, dq.first, options_.pdq_threshold,
                                static_cast<pdq::Dihedral>(dq.second)));
    }
  }
  return out;
}

}  // namespace cairn::scan
