// The category table: (scheme, raw value) -> triage class. This table is the single place where
// Cairn decides what a list's category means; docs/HASHLISTS.md reproduces it with its sources.
// Rows marked "verify" in the docs rest on secondary sources.
#include "cairn/hashset/category.h"

#include <algorithm>
#include <array>

#include "reader_util.h"

namespace cairn::hashset {
namespace {

using S = CategoryScheme;
using T = TriageClass;

struct Row {
  S scheme;
  std::string_view raw;
  T triage;
};

// clang-format off
constexpr Row kRows[] = {
    // Project VIC VICS Default and US profiles: 0 non-pertinent, 1 child abuse material,
    // 2 child exploitive (non-CAM / age difficult), 3 CGI/animation, 4 comparison images,
    // 5 written by some exporters for "not yet categorised".
    {S::kVicsDefault, "0", T::kNonPertinent}, {S::kVicsDefault, "1", T::kAlert},
    {S::kVicsDefault, "2", T::kAlert},        {S::kVicsDefault, "3", T::kAlert},
    {S::kVicsDefault, "4", T::kAlert},        {S::kVicsDefault, "5", T::kUncategorised},
    {S::kVicsUs, "0", T::kNonPertinent},      {S::kVicsUs, "1", T::kAlert},
    {S::kVicsUs, "2", T::kAlert},             {S::kVicsUs, "3", T::kAlert},
    {S::kVicsUs, "4", T::kAlert},             {S::kVicsUs, "5", T::kUncategorised},
    // VICS UK profile (CAID grading carried as numbers): 0 non-pertinent, 1-3 = Category A-C.
    {S::kVicsUk, "0", T::kNonPertinent},      {S::kVicsUk, "1", T::kAlert},
    {S::kVicsUk, "2", T::kAlert},             {S::kVicsUk, "3", T::kAlert},
    // Custom VICS profiles keep the VICS convention for 0 (non-pertinent) and 1-3 (material of
    // interest); other values are profile-specific and need a caller-supplied rule.
    {S::kVicsCustom, "0", T::kNonPertinent},  {S::kVicsCustom, "1", T::kAlert},
    {S::kVicsCustom, "2", T::kAlert},         {S::kVicsCustom, "3", T::kAlert},
    // UK CAID / sentencing council categories.
    {S::kCaid, "A", T::kAlert}, {S::kCaid, "B", T::kAlert}, {S::kCaid, "C", T::kAlert},
    {S::kCaid, "Category A", T::kAlert}, {S::kCaid, "Category B", T::kAlert},
    {S::kCaid, "Category C", T::kAlert},
    // NCMEC hash sharing classifications (A = prepubescent, B = pubescent; 1 = sex act,
    // 2 = lascivious exhibition).
    {S::kNcmec, "A1", T::kAlert}, {S::kNcmec, "A2", T::kAlert},
    {S::kNcmec, "B1", T::kAlert}, {S::kNcmec, "B2", T::kAlert},
    // Autopsy (Project VIC derived): CAT-0 uncategorised, CAT-1 illegal, CAT-2 non-illegal /
    // age difficult, CAT-3 CGI/animation, CAT-4 comparison, CAT-5 non-pertinent.
    {S::kAutopsy, "CAT-0", T::kUncategorised}, {S::kAutopsy, "CAT-1", T::kAlert},
    {S::kAutopsy, "CAT-2", T::kAlert},         {S::kAutopsy, "CAT-3", T::kAlert},
    {S::kAutopsy, "CAT-4", T::kAlert},         {S::kAutopsy, "CAT-5", T::kNonPertinent},
    // Arachnid Shield classification. "test" is Arachnid's integration-test media, which is
    // meant to trigger a match; "no-known-match" says nothing about the file.
    {S::kArachnid, "csam", T::kAlert}, {S::kArachnid, "harmful-abusive-material", T::kAlert},
    {S::kArachnid, "test", T::kAlert}, {S::kArachnid, "no-known-match", T::kUncategorised},
    // INTERPOL ICSE: the export has no category column; Cairn records membership.
    {S::kIcse, "listed", T::kAlert}, {S::kIcse, "baseline", T::kAlert},
    // StopNCII hashStatus.
    {S::kStopNcii, "Active", T::kAlert},
    // Known-file lists.
    {S::kNsrl, "known", T::kNonPertinent},
    {S::kHashKeeper, "1", T::kAlert}, {S::kHashKeeper, "0", T::kNonPertinent},
    {S::kEncase, "Notable", T::kAlert}, {S::kEncase, "Known", T::kNonPertinent},
};
// clang-format on

std::string Normalise(std::string_view raw) { return internal::ToLower(internal::Trim(raw)); }

const std::vector<CategoryRule>& BuiltinRules() {
  static const std::vector<CategoryRule> rules = [] {
    std::vector<CategoryRule> v;
    for (const Row& r : kRows) v.push_back({r.scheme, std::string(r.raw), r.triage});
    return v;
  }();
  return rules;
}

}  // namespace

std::span<const CategoryRule> BuiltinCategoryRules() { return BuiltinRules(); }

CategoryMap::CategoryMap(std::vector<CategoryRule> overrides) {
  for (const auto& r : BuiltinRules()) rules_.push_back({r.scheme, Normalise(r.raw), r.triage});
  // Overrides go first so that they win in Lookup's first-match search.
  std::vector<CategoryRule> first;
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    first.push_back({it->scheme, Normalise(it->raw), it->triage});
  }
  rules_.insert(rules_.begin(), first.begin(), first.end());
}

std::optional<TriageClass> CategoryMap::Lookup(CategoryScheme scheme, std::string_view raw) const {
  const std::string_view key = internal::Trim(raw);
  if (key.empty()) return std::nullopt;
  for (const auto& r : rules_) {
    if (r.scheme == scheme && internal::EqualsIgnoreCase(r.raw, key)) return r.triage;
  }
  return std::nullopt;
}

std::optional<CategoryRule> CategoryMap::ParseRule(std::string_view text) {
  const size_t colon = text.find(':');
  const size_t eq = text.rfind('=');
  if (colon == std::string_view::npos || eq == std::string_view::npos || eq < colon) return std::nullopt;
  auto scheme = ParseCategoryScheme(internal::Trim(text.substr(0, colon)));
  auto cls = ParseTriageClass(internal::Trim(text.substr(eq + 1)));
  std::string_view raw = internal::Trim(text.substr(colon + 1, eq - colon - 1));
  if (!scheme || !cls || raw.empty()) return std::nullopt;
  return CategoryRule{*scheme, std::string(raw), *cls};
}

}  // namespace cairn::hashset
