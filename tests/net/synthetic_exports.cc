#include "synthetic_exports.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>

namespace cairn::net::testing {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// `count` distinct valid mobile numbers of `region`, attributed back to it.
std::vector<std::pair<std::string, std::string>> Numbers(const std::string& region, int count,
                                                         std::set<std::string>& used) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber example;
  if (!util.GetExampleNumberForType(region, PhoneNumberUtil::MOBILE, &example)) {
    throw std::runtime_error("no example mobile number for " + region);
  }
  std::vector<std::pair<std::string, std::string>> out;
  const uint64_t base = example.national_number();
  for (uint64_t k = 1; static_cast<int>(out.size()) < count && k < 100000; ++k) {
    PhoneNumber n = example;
    // Vary the last four subscriber digits.
    n.set_national_number(base - base % 10000 + (base % 10000 + k * 37) % 10000);
    if (!util.IsValidNumber(n)) continue;
    std::string r;
    util.GetRegionCodeForNumber(n, &r);
    if (r != region) continue;
    std::string e164, intl;
    util.Format(n, PhoneNumberUtil::E164, &e164);
    util.Format(n, PhoneNumberUtil::INTERNATIONAL, &intl);
    if (!used.insert(e164).second) continue;
    out.emplace_back(intl, e164);
  }
  if (static_cast<int>(out.size()) < count) throw std::runtime_error("not enough numbers for " + region);
  return out;
}

std::string Stamp(int64_t minute) {
  using namespace std::chrono;
  const sys_days base = year{2021} / March / 20;
  const auto tp = base + hours{9} + minutes{minute};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const auto tod = tp - day;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d, %02d:%02d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                static_cast<int>(duration_cast<hours>(tod).count()),
                static_cast<int>(duration_cast<minutes>(tod).count() % 60));
  return buf;
}

}  // namespace

SyntheticPlan DefaultPlan() {
  SyntheticPlan p;
  const char* regions[] = {"PK", "CA", "US", "IN", "GB", "DE", "FR", "BR", "NG", "PH",
                           "ID", "MX", "EG", "TR", "IT", "ES", "RU", "AU", "ZA", "KE"};
  for (int i = 0; i < 20; ++i) p.regions.emplace_back(regions[i], i == 0 ? 34 : 24 - i);
  p.distributors = {{7, 8}, {40, 5}, {111, 3}};
  return p;
}

SyntheticCase WriteSyntheticCase(const SyntheticPlan& plan, const std::filesystem::path& dir) {
  SyntheticCase sc;
  std::set<std::string> used;
  for (const auto& [region, count] : plan.regions) {
    for (auto& [intl, e164] : Numbers(region, count, used)) sc.people.push_back({region, intl, e164, {}});
  }
  // Interleave regions so that group membership mixes countries.
  std::vector<SyntheticPerson> mixed;
  {
    std::vector<size_t> next(plan.regions.size(), 0);
    std::vector<size_t> start(plan.regions.size(), 0);
    for (size_t r = 1; r < plan.regions.size(); ++r) start[r] = start[r - 1] + static_cast<size_t>(plan.regions[r - 1].second);
    while (mixed.size() < sc.people.size()) {
      for (size_t r = 0; r < plan.regions.size(); ++r) {
        if (next[r] < static_cast<size_t>(plan.regions[r].second)) mixed.push_back(sc.people[start[r] + next[r]++]);
      }
    }
  }
  sc.people = std::move(mixed);
  const int n = static_cast<int>(sc.people.size());
  const int g = plan.groups;
  sc.members.assign(g, {});
  auto join = [&](int p, int grp) {
    auto& gs = sc.people[p].groups;
    if (std::find(gs.begin(), gs.end(), grp) == gs.end()) {
      gs.push_back(grp);
      sc.members[grp].push_back(p);
    }
  };
  for (int p = 0; p < n; ++p) {
    join(p, p % g);
    if (p % 3 == 0) join(p, (p * 7 + 3) % g);
  }
  std::map<int, int> dist(plan.distributors.begin(), plan.distributors.end());
  for (const auto& [p, groups] : plan.distributors) {
    for (int grp = 0; grp < groups; ++grp) join(p, grp);
  }
  std::filesystem::create_directories(dir);
  int media_counter = 0;
  for (int grp = 0; grp < g; ++grp) {
    char name[64];
    std::snprintf(name, sizeof name, "WhatsApp Chat with Group %02d.txt", grp + 1);
    std::filesystem::path path = dir / name;
    std::ofstream out(path, std::ios::binary);
    int64_t minute = 0;
    auto line = [&](const SyntheticPerson& who, const std::string& text) {
      out << Stamp(minute++) << " - " << who.international << ": " << text << "\n";
      ++sc.messages;
    };
    out << Stamp(minute++) << " - Messages and calls are end-to-end encrypted. No one outside of this chat, "
                              "including WhatsApp, can read or listen to them.\n";
    for (int t = 0; t < plan.texts_per_member; ++t) {
      for (int p : sc.members[grp]) line(sc.people[p], "hello number " + std::to_string(t) + " from " + std::to_string(p));
    }
    for (int p : sc.members[grp]) {
      auto d = dist.find(p);
      const bool distributes = d != dist.end() && grp < d->second;
      const int items = distributes ? plan.media_per_group : (d == dist.end() && p % 10 == 5 && grp == p % g ? 1 : 0);
      for (int i = 0; i < items; ++i) {
        char file[64];
        std::snprintf(file, sizeof file, "IMG-20210320-WA%04d.jpg (file attached)", media_counter++);
        line(sc.people[p], file);
      }
      if (distributes) line(sc.people[p], "new folder https://mega.nz/folder/Ab" + std::to_string(grp) + "cD#key");
    }
    sc.files.push_back(path);
  }
  return sc;
}

}  // namespace cairn::net::testing
