// The offender-network store and analytics of `cairn net`: ingests chat exports (WhatsApp
// .txt/.zip, Telegram JSON) into a case (tables net_*, migrations module "net"), resolves senders to
// people (E.164 phone > platform user id > weak "name:<display>@<chat>"), and summarises groups,
// people, countries attributed by number, distributors, hosting platforms and linked groups.
// Functions take the Case by reference; one thread per Case. Formulas and JSON fields: docs/NET.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/chat/message.h"
#include "cairn/core/status.h"
#include "cairn/scan/matcher.h"
#include "cairn/store/case.h"

namespace cairn::net {

// Creates or upgrades the net_* tables.
Status EnsureSchema(store::Case& c);

struct IngestOptions {
  std::string default_region;                   // ISO 3166 for numbers written without '+'
  std::optional<chat::DateOrder> date_order;    // WhatsApp: when the file does not decide
  // Platform recorded for text exports (kSignal for Signal's Markdown-style export, which the
  // WhatsApp grammar reads).
  chat::Platform text_platform = chat::Platform::kWhatsApp;
  // Zip members and files beside a Telegram JSON: MD5/SHA-1/SHA-256 and PDQ (images).
  bool hash_attachments = true;
  // Attachments are matched against these lists (nullptr: none). Posters of matching media are
  // flagged in the shared people registry with the list, rule, distance and threshold.
  std::shared_ptr<const scan::Matcher> matcher;
  uint64_t max_attachment_bytes = uint64_t{256} << 20;  // larger ones are digested, not decoded
};

struct IngestResult {
  std::string path;
  std::string sha256;           // of the export file
  bool already_ingested = false;
  int64_t export_id = 0;
  uint64_t chats = 0;
  uint64_t messages = 0;
  uint64_t people_new = 0;      // people first seen in this export
  uint64_t links = 0;
  uint64_t media = 0;           // media messages
  uint64_t attachments_hashed = 0;  // zip members, files beside a Telegram JSON
  uint64_t attachments_missing = 0;  // media messages naming a file the export does not hold
  uint64_t attachments_omitted = 0;  // media messages whose file the export left out
  uint64_t known_hits = 0;      // attachments matching a list
  std::vector<std::string> notes;  // parser decisions (date order, skipped lines)
};

// Ingests one export in one transaction (all-or-nothing) and appends an audit row "net.ingest".
// The same file (by SHA-256) ingested twice is reported as already_ingested and not repeated.
Result<IngestResult> IngestExport(store::Case& c, const std::filesystem::path& path,
                                  const IngestOptions& options = {});

// Person key of a sender, exposed for tests: "tel:+E164" when `phone` (or a phone-like name) is a
// valid number, else "tg:<user id>" when `user_id` is set, else "name:<name>@<chat>" (weak).
struct PersonKey {
  std::string id;
  std::string e164, region, country;  // country attributed by number; empty when none
  bool weak = false;
};

struct CountryCount {
  std::string region;   // ISO 3166
  std::string country;  // English name
  uint64_t people = 0;
};

struct GroupSummary {
  int64_t chat_id = 0;
  std::string title, platform, source;
  uint64_t members = 0, messages = 0, media = 0, links = 0;
  std::string first_time, last_time;  // active period
  std::vector<CountryCount> countries;
};

struct Distributor {
  std::string person_id, display_name, country;
  uint64_t media_posted = 0, first_posts = 0, known_hits = 0, groups_reached = 0, links_shared = 0;
  double score = 0;
};

struct PlatformCount {
  std::string platform, kind;
  uint64_t links = 0, hosts = 0, groups = 0, people = 0;
};

struct GroupLink {
  int64_t a = 0, b = 0;  // chat ids, a < b
  std::string a_title, b_title;
  uint64_t shared_people = 0, shared_media = 0, shared_links = 0;
};

struct Community {
  int id = 0;
  std::vector<std::string> people;  // sorted
};

// A person's position in the person–group membership graph: degree = groups the person is in;
// betweenness = Brandes' betweenness on that bipartite graph (unweighted, normalised by
// (n-1)(n-2)/2), i.e. how much the person brokers between groups.
struct Broker {
  std::string person_id, display_name;
  uint64_t groups = 0;
  double betweenness = 0;
};

struct Summary {
  uint64_t groups = 0, people = 0, weak_people = 0, messages = 0, media = 0, links = 0;
  uint64_t people_with_country = 0;
  uint64_t memberships = 0;  // person-in-group pairs (the sum of the groups' members)
  // Media messages by what became of their file (net_messages.attachment_status).
  uint64_t attachments_hashed = 0, attachments_missing = 0, attachments_omitted = 0;
  std::vector<GroupSummary> group_list;
  std::vector<CountryCount> countries;  // by people, descending, then by name
  std::vector<Distributor> distributors;  // by score descending
  std::vector<PlatformCount> platforms;   // by links descending
  std::vector<GroupLink> linked_groups;
  std::vector<Community> communities;
  std::vector<Broker> brokers;  // by betweenness descending (top_distributors of them)
};

struct SummaryOptions {
  size_t top_distributors = 20;
  size_t top_platforms = 20;
  bool communities = true;
};

Result<Summary> Summarize(store::Case& c, const SummaryOptions& options = {});
std::string SummaryToJson(const Summary& s);  // stable fields, docs/NET.md
std::string SummaryToText(const Summary& s);

struct PersonReport {
  std::string person_id, display_name, e164, region, country;
  bool weak = false;
  std::vector<std::string> aliases;
  struct Group {
    std::string title;
    int64_t chat_id = 0;
    uint64_t messages = 0;
    std::string first_seen, last_seen, joined, left;
  };
  std::vector<Group> groups;
  uint64_t messages = 0, media_posted = 0, first_posts = 0, links_shared = 0;
  std::vector<std::string> links;  // distinct URLs (at most 100)
};
// `id` is a person id ("tel:+92..."), an E.164 number, or a display name (first exact alias).
Result<PersonReport> GetPerson(store::Case& c, const std::string& id);
std::string PersonToJson(const PersonReport& p);

enum class ExportFormat { kGraphMl, kGexf, kJson, kNeo4jCsv, kSvg };
// kNeo4jCsv writes nodes.csv and edges.csv into the folder `out`; the others write the file `out`
// (or standard output when out is empty or "-"). kSvg draws the group–person graph: groups on a
// circle, each person at the centre of their groups (deterministic), coloured by attributed country.
Status ExportGraph(store::Case& c, ExportFormat format, const std::filesystem::path& out);

}  // namespace cairn::net
