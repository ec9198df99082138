// Matcher: looks a file's digests and PDQ hash up in compiled hash lists and says, for every hit,
// which list (name, version), which entry (id, record number, its own values), which rule (md5,
// sha1, sha256, pdq), the distance and the threshold used. Exact rules: equal digests (distance
// 0, threshold 0). PDQ rule: Hamming distance <= threshold (inclusive, 31 by default) between
// the query — by default each of its 8 dihedral variants, so rotated and mirrored copies match —
// and an entry, with both hashes of quality >= min_quality (50) where the quality is known.
// Deletion records never match. A Matcher is immutable after construction; its methods are
// const and safe to call from many threads.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/hashset/compiled_list.h"
#include "cairn/pdq/pdq.h"

namespace cairn::scan {

struct MatchOptions {
  int pdq_threshold = 31;
  int min_quality = 50;
  bool dihedral = true;  // try the 8 dihedral variants of the query (else the hash as it is)
};

enum class MatchRule { kMd5, kSha1, kSha256, kPdq };
std::string_view MatchRuleName(MatchRule rule);  // "md5", "sha1", "sha256", "pdq"
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
};

// What to look up. Any subset may be present; dihedral holds the 8 variants when known.
struct MatchQuery {
  std::optional<Md5> md5;
  std::optional<Sha1> sha1;
  std::optional<Sha256> sha256;
  std::optional<Hash256> pdq;
  std::optional<int> pdq_quality;  // nullopt: unknown (PDQ given by hand), not filtered
  std::optional<std::array<Hash256, 8>> pdq_dihedral;
};

class Matcher {
 public:
  Matcher(std::vector<std::shared_ptr<const hashset::CompiledList>> lists, MatchOptions options);

  // Every match of `query` in every list: list order, then rule order (md5, sha1, sha256, pdq),
  // then distance, then entry id. Fails only when a list turns out damaged.
  Result<std::vector<Match>> Find(const MatchQuery& query) const;

  const MatchOptions& options() const { return options_; }
  const std::vector<std::shared_ptr<const hashset::CompiledList>>& lists() const { return lists_; }

 private:
  std::vector<std::shared_ptr<const hashset::CompiledList>> lists_;
  MatchOptions options_;
};

}  // namespace cairn::scan
