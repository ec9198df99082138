#include "cairn/hashset/entry.h"

#include <array>
#include <utility>

#include "reader_util.h"

namespace cairn::hashset {
namespace {

constexpr std::array<std::pair<CategoryScheme, std::string_view>, 14> kSchemeNames = {{
    {CategoryScheme::kNone, "none"},
    {CategoryScheme::kVicsDefault, "vics-default"},
    {CategoryScheme::kVicsUs, "vics-us"},
    {CategoryScheme::kVicsUk, "vics-uk"},
    {CategoryScheme::kVicsCustom, "vics-custom"},
    {CategoryScheme::kCaid, "caid"},
    {CategoryScheme::kNcmec, "ncmec"},
    {CategoryScheme::kAutopsy, "autopsy"},
    {CategoryScheme::kArachnid, "arachnid"},
    {CategoryScheme::kIcse, "icse"},
    {CategoryScheme::kStopNcii, "stopncii"},
    {CategoryScheme::kNsrl, "nsrl"},
    {CategoryScheme::kHashKeeper, "hashkeeper"},
    {CategoryScheme::kEncase, "encase"},
}};

}  // namespace

std::string_view TriageClassName(TriageClass c) {
  switch (c) {
    case TriageClass::kAlert: return "alert";
    case TriageClass::kNonPertinent: return "non-pertinent";
    case TriageClass::kUncategorised: return "uncategorised";
  }
  return "uncategorised";
}

std::optional<TriageClass> ParseTriageClass(std::string_view name) {
  for (TriageClass c : {TriageClass::kAlert, TriageClass::kNonPertinent, TriageClass::kUncategorised}) {
    if (internal::EqualsIgnoreCase(name, TriageClassName(c))) return c;
  }
  if (internal::EqualsIgnoreCase(name, "uncategorized")) return TriageClass::kUncategorised;
  return std::nullopt;
}

std::string_view CategorySchemeName(CategoryScheme s) {
  for (const auto& [scheme, name] : kSchemeNames) {
    if (scheme == s) return name;
  }
  return "none";
}

std::optional<CategoryScheme> ParseCategoryScheme(std::string_view name) {
  for (const auto& [scheme, n] : kSchemeNames) {
    if (internal::EqualsIgnoreCase(name, n)) return scheme;
  }
  return std::nullopt;
}

std::string_view TristateName(Tristate t) {
  switch (t) {
    case Tristate::kTrue: return "true";
    case Tristate::kFalse: return "false";
    case Tristate::kUnknown: return "unknown";
  }
  return "unknown";
}

const VendorHash* Entry::FindVendorHash(std::string_view name) const {
  for (const auto& v : vendor_hashes) {
    if (internal::EqualsIgnoreCase(v.name, name)) return &v;
  }
  return nullptr;
}

}  // namespace cairn::hashset
