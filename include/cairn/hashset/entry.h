// The hash-list data model: one Entry per record of a reference list (VICS, ICSE, NCMEC, NSRL,
// md5sum, PDQ lists, ...), with the list's own category kept as (scheme, raw value) next to the
// canonical triage class it maps to (category.h), and the record's place in its source file.
// Plain values: copyable, no shared state, safe to move between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/digest.h"

namespace cairn::hashset {

// What a match against the entry means for triage. Every source category maps to one of these.
enum class TriageClass : uint8_t {
  kUncategorised = 0,  // no category, or one Cairn cannot map: an examiner must look
  kNonPertinent,       // known and not of interest (VICS 0, NSRL, Autopsy CAT-5)
  kAlert,              // known material of interest (VICS 1-4, CAID A-C, NCMEC A1-B2, ...)
};
std::string_view TriageClassName(TriageClass c);  // "alert", "non-pertinent", "uncategorised"
std::optional<TriageClass> ParseTriageClass(std::string_view name);

// Where a category value comes from. The same raw value means different things per scheme
// (VICS 0 is non-pertinent, Autopsy CAT-0 is uncategorised), so the scheme always travels with it.
enum class CategoryScheme : uint8_t {
  kNone = 0,
  kVicsDefault,
  kVicsUs,
  kVicsUk,
  kVicsCustom,   // a custom VICS profile; the profile name is in Category::profile
  kCaid,         // UK CAID A/B/C
  kNcmec,        // NCMEC hash sharing A1, A2, B1, B2
  kAutopsy,      // Autopsy CAT-0..CAT-5
  kArachnid,     // Arachnid Shield classification
  kIcse,         // INTERPOL ICSE (membership of the database)
  kStopNcii,     // StopNCII hashStatus
  kNsrl,         // NIST NSRL (known software files)
  kHashKeeper,   // HashKeeper .hke notable_flag
  kEncase,       // EnCase .hash set category ("Notable", "Known")
};
std::string_view CategorySchemeName(CategoryScheme s);  // "vics-default", "caid", ...
std::optional<CategoryScheme> ParseCategoryScheme(std::string_view name);

struct Category {
  CategoryScheme scheme = CategoryScheme::kNone;
  std::string profile;  // custom VICS profile name (context URL segment); empty otherwise
  std::string raw;      // the value exactly as the source wrote it ("1", "A1", "CAT-5")
  TriageClass triage = TriageClass::kUncategorised;
  friend bool operator==(const Category&, const Category&) = default;
};

enum class Tristate : uint8_t { kUnknown = 0, kTrue, kFalse };
std::string_view TristateName(Tristate t);  // "unknown", "true", "false"
inline Tristate ToTristate(bool b) { return b ? Tristate::kTrue : Tristate::kFalse; }

// A hash Cairn does not compute (PhotoDNA, ZZ40, LACE, ...), carried as the source gave it.
struct VendorHash {
  std::string name;   // "PhotoDNA"
  std::string value;  // text as in the source (base64 or hex), never decoded or re-encoded
  friend bool operator==(const VendorHash&, const VendorHash&) = default;
};

// Where a record was in its source: 1-based record number, 1-based line of its first byte
// (0 for binary/SQL sources) and its byte offset (0 where not meaningful).
struct Provenance {
  uint64_t record = 0;
  uint64_t line = 0;
  uint64_t offset = 0;
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

// Lists that publish deletions (NCMEC deletedImage/deletedVideo) yield kDelete entries carrying
// the identifier of the withdrawn record and whatever hashes the source gives for it.
enum class EntryKind : uint8_t { kAdd = 0, kDelete };

struct Entry {
  EntryKind kind = EntryKind::kAdd;
  std::optional<Md5> md5;
  std::optional<Sha1> sha1;
  std::optional<Sha256> sha256;
  std::optional<Hash256> pdq;
  std::optional<int> pdq_quality;  // 0..100 where the source gives it
  std::vector<VendorHash> vendor_hashes;
  std::optional<std::string> file_name;
  std::optional<uint64_t> file_size;
  Category category;  // scheme kNone + triage kUncategorised when the source has none
  std::string series;  // series name (VICS Series, ICSE "Series name"); empty = none given
  Tristate victim_identified = Tristate::kUnknown;
  Tristate offender_identified = Tristate::kUnknown;
  Tristate is_distributed = Tristate::kUnknown;
  std::string source_id;  // the record's id in its list (VICS MediaID, NCMEC id, ICSE Image ID)
  std::string tags;
  std::string comments;
  Provenance provenance;

  bool HasAnyHash() const { return md5 || sha1 || sha256 || pdq; }
  // The vendor hash called `name` (case-insensitive), or nullptr.
  const VendorHash* FindVendorHash(std::string_view name) const;
  friend bool operator==(const Entry&, const Entry&) = default;
};

}  // namespace cairn::hashset
