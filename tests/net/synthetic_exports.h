// A generator of synthetic WhatsApp group exports with planted facts (people per country, group
// membership, top distributors), for the net tests and bench/net. Numbers come from
// libphonenumber's example mobile number per region with varied subscriber digits, each validated
// and attributed back to its region. Deterministic; no randomness from the environment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cairn::net::testing {

struct SyntheticPlan {
  int groups = 12;
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
  std::vector<int> groups;    // group indices
};

struct SyntheticCase {
  std::vector<SyntheticPerson> people;
  std::vector<std::filesystem::path> files;  // one .txt per group
  std::vector<std::vector<int>> members;     // per group: person indices
  uint64_t messages = 0;                     // lines that are messages (not system)
};

// The default plan: 20 regions, 300 people (34, 23, 22, ..., 5), 12 groups, 3 distributors.
SyntheticPlan DefaultPlan();

// Writes one "WhatsApp Chat with Group NN.txt" per group into `dir`.
SyntheticCase WriteSyntheticCase(const SyntheticPlan& plan, const std::filesystem::path& dir);

}  // namespace cairn::net::testing
