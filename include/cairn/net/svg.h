// The group–person picture of the offender network, for the network section of `cairn report`:
// a self-contained SVG (text and shapes only: no scripts, no images, no external resources).
// Groups sit on a circle as labelled discs whose area grows with their messages; only the people
// that matter for triage are drawn one by one (posters of known material, top distributors, then
// the people in the most groups), every other member is counted on their group. Layout is
// deterministic (same case → same bytes). LoadNetworkPicture reads the net_* tables (one thread
// per Case); NetworkSvg is pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/net/network.h"
#include "cairn/store/case.h"

namespace cairn::net {

struct NetworkPictureOptions {
  size_t max_people = 150;      // people drawn one by one
  size_t labelled_people = 15;  // of those, how many carry a name label (the first in rank)
};

// Why a person is drawn (the first that applies).
enum class PictureRole { kKnownMaterial, kDistributor, kBridge };

struct NetworkPicture {
  struct Group {
    int64_t chat_id = 0;
    std::string title;
    uint64_t members = 0, messages = 0, media = 0;
    uint64_t drawn = 0;  // members drawn one by one; members - drawn are counted only
  };
  struct Person {
    std::string person_id, display_name, country;  // country attributed by number ("" none)
    PictureRole role = PictureRole::kBridge;
    std::vector<uint32_t> groups;  // indices into `groups`, ascending
    uint64_t messages = 0, media_posted = 0, known_hits = 0;
  };
  std::vector<Group> groups;   // around the circle from the top, clockwise (title order)
  std::vector<Person> people;  // drawn people, in rank order (known material, distributors, bridges)
  uint64_t people_total = 0;   // everyone in the network
  uint64_t bridges_total = 0;  // people in two groups or more
  std::vector<GroupLink> links;  // groups linked by shared people, media or links
};

// Reads memberships and known-material posts; takes groups, distributors and linked groups from
// `summary` (Summarize of the same case).
Result<NetworkPicture> LoadNetworkPicture(store::Case& c, const Summary& summary,
                                          const NetworkPictureOptions& options = {});

// The SVG document (no XML prolog, so it can be placed inline in HTML).
std::string NetworkSvg(const NetworkPicture& picture, const NetworkPictureOptions& options = {});

}  // namespace cairn::net
