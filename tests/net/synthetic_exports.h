// A generator of synthetic chat exports with planted facts (people per country, group membership,
// top distributors, hosting platforms), for the net tests and bench/net: WhatsApp Android and iOS
// .txt exports and a Telegram Desktop account export (result.json with contacts). Numbers come
// from libphonenumber's example mobile number per region with varied subscriber digits, each
// validated and attributed back to its region. Deterministic; no randomness from the environment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cairn::net::testing {

// How a group is exported. Telegram groups all go into one account export "result.json" whose
// contacts list gives every member's phone number (senders are "Member <n>", from_id user<id>).
enum class ExportStyle { kWhatsAppAndroid, kWhatsAppIos, kTelegramJson };

struct SyntheticPlan {
  int groups = 12;
  // Group g is exported as styles[g % styles.size()].
  std::vector<ExportStyle> styles = {ExportStyle::kWhatsAppAndroid};
  // People of this region are written in national format, without '+' (ingest needs
  // --default-region <local_region> to attribute them). Empty: everyone is written with '+'.
  std::string local_region;
  // Distributor i links to link_hosts[i] (default mega.nz), one link per group it posts in.
  std::vector<std::string> link_hosts;
  // Regions and how many people each has (sum = people).
  std::vector<std::pair<std::string, int>> regions;
  // Planted distributors: person index → number of groups they post media in (media_per_group
  // items each, with one link per group to mega.nz).
  std::vector<std::pair<int, int>> distributors;
  int media_per_group = 5;
  // Text messages per member per group (the bulk of the volume).
  int texts_per_member = 1;
};

struct SyntheticPerson {
  std::string region;
  std::string international;  // "+92 300 1234567"
  std::string e164;           // "+923001234567"
  std::string written;        // as the exports write it (international, or national for local_region)
  std::vector<int> groups;    // group indices
};

struct SyntheticCase {
  std::vector<SyntheticPerson> people;
  // One .txt per WhatsApp group (in group order), then result.json when a group is Telegram.
  std::vector<std::filesystem::path> files;
  std::vector<std::vector<int>> members;     // per group: person indices
  uint64_t messages = 0;                     // lines that are messages (not system)
  uint64_t system_lines = 0;                 // encryption notices, Telegram service messages
};

// The default plan: 20 regions, 300 people (34, 23, 22, ..., 5), 12 groups, 3 distributors.
SyntheticPlan DefaultPlan();

// The acceptance case: 50 groups (Android, iOS, Telegram in turn), 100 regions with a long-tailed
// number of people each (5,000+ in all, Pakistan first, written without '+'), 5 distributors
// linking to MEGA, Gofile, MEGA, Dropbox and MediaFire.
SyntheticPlan AcceptancePlan();

// Writes one "WhatsApp Chat with Group NN.txt" per WhatsApp group into `dir` (and result.json).
SyntheticCase WriteSyntheticCase(const SyntheticPlan& plan, const std::filesystem::path& dir);

}  // namespace cairn::net::testing
