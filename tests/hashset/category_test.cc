#include "cairn/hashset/category.h"

#include <gtest/gtest.h>

namespace cairn::hashset {
namespace {

TEST(CategoryMapTest, VicsZeroAndAutopsyZeroDiffer) {
  CategoryMap map;
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsDefault, "0"), TriageClass::kNonPertinent);
  EXPECT_EQ(map.Lookup(CategoryScheme::kAutopsy, "CAT-0"), TriageClass::kUncategorised);
  EXPECT_EQ(map.Lookup(CategoryScheme::kAutopsy, "cat-5"), TriageClass::kNonPertinent);
  EXPECT_EQ(map.Lookup(CategoryScheme::kAutopsy, "CAT-1"), TriageClass::kAlert);
}

TEST(CategoryMapTest, EverySchemeOfTheBriefHasRows) {
  CategoryMap map;
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsUs, " 1 "), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsUk, "0"), TriageClass::kNonPertinent);
  EXPECT_EQ(map.Lookup(CategoryScheme::kCaid, "b"), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kNcmec, "A1"), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kNcmec, "B2"), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kArachnid, "csam"), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kArachnid, "no-known-match"), TriageClass::kUncategorised);
  EXPECT_EQ(map.Lookup(CategoryScheme::kIcse, "listed"), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kNsrl, "known"), TriageClass::kNonPertinent);
}

TEST(CategoryMapTest, UnknownPairsAreNotMapped) {
  CategoryMap map;
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsCustom, "7"), std::nullopt);
  EXPECT_EQ(map.Lookup(CategoryScheme::kNcmec, "Z9"), std::nullopt);
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsDefault, ""), std::nullopt);
  // The same raw value in a scheme that has no such row.
  EXPECT_EQ(map.Lookup(CategoryScheme::kCaid, "1"), std::nullopt);
}

TEST(CategoryMapTest, OverridesWin) {
  auto rule = CategoryMap::ParseRule("vics-custom:7=alert");
  ASSERT_TRUE(rule);
  auto rule2 = CategoryMap::ParseRule("vics-default:4=non-pertinent");
  ASSERT_TRUE(rule2);
  CategoryMap map({*rule, *rule2});
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsCustom, "7"), TriageClass::kAlert);
  EXPECT_EQ(map.Lookup(CategoryScheme::kVicsDefault, "4"), TriageClass::kNonPertinent);
  EXPECT_FALSE(CategoryMap::ParseRule("nonsense"));
  EXPECT_FALSE(CategoryMap::ParseRule("vics-custom:7=maybe"));
}

TEST(CategoryMapTest, NamesRoundTrip) {
  for (const auto& r : BuiltinCategoryRules()) {
    EXPECT_EQ(ParseCategoryScheme(CategorySchemeName(r.scheme)), r.scheme);
    EXPECT_EQ(ParseTriageClass(TriageClassName(r.triage)), r.triage);
  }
}

}  // namespace
}  // namespace cairn::hashset
