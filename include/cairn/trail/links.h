// Account ↔ person links. Explicit links come from a mapping file (account,person[,reason]);
// automatic links join the ledger to the case's `people` registry: a UPI VPA that embeds a phone
// number (9876543210@upi ↔ tel:+919876543210), an account named by a phone number, and a phone
// or e-mail appearing in a transaction reference. Each link has a reason and a confidence.
// Person ids: "tel:+<E.164>", "email:<lower-case address>", "id:<name>" (docs/STORE.md).
// Functions take the Case by reference; one thread per Case.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/trail/ledger.h"

namespace cairn::store {
class Case;
}

namespace cairn::trail {

class LedgerGraph;

struct Link {
  std::string account;
  std::string person_id;
  std::string reason;     // "mapping file", "upi_vpa_phone", "account_is_phone",
                          // "reference_phone", "reference_email", or the file's reason column
  double confidence = 0;  // 1.0 explicit; 0.9 VPA; 0.8 account is a phone; 0.6 reference
  std::string source;     // the mapping file, or "auto"
};

// "+91 98765-43210" → "tel:+919876543210"; "A@B.org" → "email:a@b.org"; "tel:..."/"email:..."/
// "id:..." kept; anything else → "id:<text>".
std::string NormalizePersonId(std::string_view text);

struct LinkReport {
  std::vector<Link> added;
  std::vector<BadRow> bad_rows;
};

// Reads account,person[,reason] lines (an optional header naming "account" is skipped) and stores
// the links in one transaction; people and accounts that do not exist yet are created.
Result<LinkReport> LinkFromFile(store::Case& c, const std::filesystem::path& path);

// Finds the automatic links against the people registry and stores the new ones.
Result<LinkReport> AutoLink(store::Case& c);

// Reads a people file: person,display_name,phone_e164,email,flagged(0/1/true/false),flag_reason
// (header optional; later columns optional) into the case's people registry, one transaction.
// This stands in for `cairn net` until it writes the registry itself.
Result<LinkReport> ImportPeople(store::Case& c, const std::filesystem::path& path);

// All links, ordered by account then person.
Result<std::vector<Link>> ListLinks(store::Case& c);

// Account name → reason, for accounts linked to a flagged person (known-material hits).
Result<std::map<std::string, std::string>> FlaggedAccounts(store::Case& c);

// Resolves --from/--to text: an account name in the graph, else a person id (normalized) whose
// linked accounts are in the graph. kNotFound names the text.
Result<std::vector<uint32_t>> ResolveAccounts(store::Case& c, const LedgerGraph& graph,
                                              std::string_view text);

}  // namespace cairn::trail
