// Maps a list's category (scheme, raw value) to Cairn's triage class. The built-in rows are one
// data table in src/hashset/category.cc, documented with their sources in docs/HASHLISTS.md;
// callers may add or override rows (e.g. for a custom VICS profile). Immutable after
// construction, so one CategoryMap can be shared by any number of threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/hashset/entry.h"

namespace cairn::hashset {

struct CategoryRule {
  CategoryScheme scheme;
  std::string raw;  // compared after trimming, case-insensitively
  TriageClass triage;
};

// The built-in table, in the order it is documented.
std::span<const CategoryRule> BuiltinCategoryRules();

class CategoryMap {
 public:
  // The built-in rules, then `overrides` (a later row for the same (scheme, raw) wins).
  explicit CategoryMap(std::vector<CategoryRule> overrides = {});

  // The class for (scheme, raw), or nullopt when no row matches (the caller then treats the
  // entry as uncategorised and reports the pair). An empty raw value is "no category".
  std::optional<TriageClass> Lookup(CategoryScheme scheme, std::string_view raw) const;

  // Parses "scheme:raw=class" (e.g. "vics-custom:7=alert").
  static std::optional<CategoryRule> ParseRule(std::string_view text);

 private:
  std::vector<CategoryRule> rules_;  // normalised raw values
};

}  // namespace cairn::hashset
