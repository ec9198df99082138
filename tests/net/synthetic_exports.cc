#include "synthetic_exports.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>

namespace cairn::net::testing {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// `count` distinct valid mobile numbers of `region`, attributed back to it: {international, e164,
// national}.
struct Number {
  std::string international, e164, national;
};
std::vector<Number> Numbers(const std::string& region, int count, std::set<std::string>& used) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber example;
  if (!util.GetExampleNumberForType(region, PhoneNumberUtil::MOBILE, &example)) {
    throw std::runtime_error("no example mobile number for " + region);
  }
  std::vector<Number> out;
  const uint64_t base = example.national_number();
  for (uint64_t k = 1; static_cast<int>(out.size()) < count && k < 100000; ++k) {
    PhoneNumber n = example;
    // Vary the last four subscriber digits.
    n.set_national_number(base - base % 10000 + (base % 10000 + k * 37) % 10000);
    if (!util.IsValidNumber(n)) continue;
    std::string r;
    util.GetRegionCodeForNumber(n, &r);
    if (r != region) continue;
    Number num;
    util.Format(n, PhoneNumberUtil::E164, &num.e164);
    util.Format(n, PhoneNumberUtil::INTERNATIONAL, &num.international);
    util.Format(n, PhoneNumberUtil::NATIONAL, &num.national);
    if (!used.insert(num.e164).second) continue;
    out.push_back(std::move(num));
  }
  if (static_cast<int>(out.size()) < count) throw std::runtime_error("not enough numbers for " + region);
  return out;
}

// Minutes after 2021-03-20 09:00 as a civil time.
struct Civil {
  int year;
  unsigned month, day;
  int hour, minute;
  int64_t unix_seconds;  // the same wall time read as UTC
};
Civil At(int64_t minute) {
  using namespace std::chrono;
  const sys_days base = year{2021} / March / 20;
  const auto tp = base + hours{9} + minutes{minute};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const auto tod = tp - day;
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
          static_cast<int>(duration_cast<hours>(tod).count()), static_cast<int>(duration_cast<minutes>(tod).count() % 60),
          duration_cast<seconds>(tp.time_since_epoch()).count()};
}

// Android: "20/03/2021, 09:00"; iOS: "[20/03/2021, 09:00:00]".
std::string Stamp(int64_t minute, bool ios = false) {
  const Civil c = At(minute);
  char buf[64];
  std::snprintf(buf, sizeof buf, ios ? "[%02u/%02u/%04d, %02d:%02d:00]" : "%02u/%02u/%04d, %02d:%02d", c.day, c.month,
                c.year, c.hour, c.minute);
  return buf;
}

std::string JsonQuote(const std::string& s) {
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') q.push_back('\\');
    q.push_back(ch);
  }
  q.push_back('"');
  return q;
}

std::string LinkUrl(const std::string& host, int grp) {
  return "https://" + host + "/folder/Ab" + std::to_string(grp) + "cD#key";
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

SyntheticPlan AcceptancePlan() {
  SyntheticPlan p;
  p.groups = 50;
  p.styles = {ExportStyle::kWhatsAppAndroid, ExportStyle::kWhatsAppIos, ExportStyle::kTelegramJson};
  // 100 regions, long-tailed like a real case: round(900 / rank^0.9), at least 5.
  const char* regions[] = {
      "PK", "IN", "US", "GB", "NG", "PH", "ID", "BR", "MX", "DE", "FR", "CA", "TR", "EG", "BD", "IT", "ES", "RU",
      "AU", "ZA", "KE", "VN", "TH", "MY", "SA", "AE", "IR", "IQ", "AR", "CO", "PE", "CL", "VE", "UA", "PL", "RO",
      "NL", "BE", "SE", "NO", "DK", "FI", "PT", "GR", "CZ", "HU", "AT", "CH", "IE", "NZ", "JP", "KR", "CN", "TW",
      "HK", "SG", "LK", "NP", "AF", "MA", "DZ", "TN", "GH", "CI", "SN", "CM", "ET", "UG", "TZ", "ZM", "ZW", "MZ",
      "AO", "EC", "BO", "PY", "UY", "GT", "HN", "SV", "NI", "CR", "PA", "DO", "JM", "TT", "CU", "JO", "LB", "IL",
      "KW", "QA", "BH", "OM", "KZ", "UZ", "AZ", "GE", "AM", "BY"};
  int rank = 1;
  for (const char* r : regions) {
    const int n = static_cast<int>(std::lround(900.0 / std::pow(static_cast<double>(rank++), 0.9)));
    p.regions.emplace_back(r, std::max(5, n));
  }
  p.local_region = "PK";
  p.distributors = {{7, 40}, {40, 25}, {111, 10}, {222, 6}, {333, 4}};
  p.link_hosts = {"mega.nz", "gofile.io", "mega.nz", "dropbox.com", "mediafire.com"};
  return p;
}

SyntheticCase WriteSyntheticCase(const SyntheticPlan& plan, const std::filesystem::path& dir) {
  SyntheticCase sc;
  std::set<std::string> used;
  for (const auto& [region, count] : plan.regions) {
    for (Number& num : Numbers(region, count, used)) {
      SyntheticPerson person{region, num.international, num.e164, num.international, {}};
      if (region == plan.local_region) person.written = num.national;
      sc.people.push_back(std::move(person));
    }
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
  std::map<int, std::string> host;
  for (size_t i = 0; i < plan.distributors.size(); ++i) {
    host[plan.distributors[i].first] = i < plan.link_hosts.size() ? plan.link_hosts[i] : "mega.nz";
    for (int grp = 0; grp < plan.distributors[i].second; ++grp) join(plan.distributors[i].first, grp);
  }
  std::filesystem::create_directories(dir);
  int media_counter = 0;
  // The Telegram account export, filled group by group.
  std::string telegram_chats;
  std::set<int> telegram_people;
  int64_t telegram_id = 0;
  for (int grp = 0; grp < g; ++grp) {
    const ExportStyle style = plan.styles[static_cast<size_t>(grp) % plan.styles.size()];
    char title[32];
    std::snprintf(title, sizeof title, "Group %02d", grp + 1);
    int64_t minute = 0;
    // What each member posts, in order: texts, then media and a link from distributors.
    struct Post {
      int person;
      std::string text;        // text or link message
      bool media = false;
    };
    std::vector<Post> posts;
    for (int t = 0; t < plan.texts_per_member; ++t) {
      for (int p : sc.members[grp]) posts.push_back({p, "hello number " + std::to_string(t) + " from " + std::to_string(p)});
    }
    for (int p : sc.members[grp]) {
      auto d = dist.find(p);
      const bool distributes = d != dist.end() && grp < d->second;
      const int items = distributes ? plan.media_per_group : (d == dist.end() && p % 10 == 5 && grp == p % g ? 1 : 0);
      for (int i = 0; i < items; ++i) posts.push_back({p, "", true});
      if (distributes) posts.push_back({p, "new folder " + LinkUrl(host[p], grp)});
    }
    sc.messages += posts.size();
    if (style == ExportStyle::kTelegramJson) {
      std::string msgs;
      int64_t id = 0;
      auto add = [&](const std::string& body) {
        const Civil c = At(minute++);
        char date[64];
        std::snprintf(date, sizeof date, "%04d-%02u-%02uT%02d:%02d:00", c.year, c.month, c.day, c.hour, c.minute);
        if (!msgs.empty()) msgs += ",\n";
        msgs += "   {\"id\": " + std::to_string(++id) + ", " + body + ", \"date\": \"" + date +
                "\", \"date_unixtime\": \"" + std::to_string(c.unix_seconds) + "\"}";
      };
      auto who = [&](int p) { return "Member " + std::to_string(p); };
      auto uid = [&](int p) { return std::to_string(100000 + p); };
      // The first member invites the second (targets are named without ids, as Telegram writes them).
      if (sc.members[grp].size() >= 2) {
        const int a = sc.members[grp][0], b = sc.members[grp][1];
        add("\"type\": \"service\", \"actor\": " + JsonQuote(who(a)) + ", \"actor_id\": \"user" + uid(a) +
            "\", \"action\": \"invite_members\", \"members\": [" + JsonQuote(who(b)) + "], \"text\": \"\"");
        ++sc.system_lines;
      }
      for (const Post& post : posts) {
        const int p = post.person;
        telegram_people.insert(p);
        std::string body = "\"type\": \"message\", \"from\": " + JsonQuote(who(p)) + ", \"from_id\": \"user" + uid(p) + "\"";
        if (post.media) {
          const Civil c = At(minute);
          char file[96];
          std::snprintf(file, sizeof file, "photos/photo_%d@%02u-%02u-%04d_%02d-%02d-00.jpg", media_counter++, c.day,
                        c.month, c.year, c.hour, c.minute);
          body += ", \"photo\": \"" + std::string(file) + "\", \"width\": 640, \"height\": 480, \"text\": \"\"";
        } else {
          const size_t at = post.text.find("https://");
          if (at == std::string::npos) {
            body += ", \"text\": " + JsonQuote(post.text);
          } else {
            const std::string url = post.text.substr(at);
            body += ", \"text\": [" + JsonQuote(post.text.substr(0, at)) + ", {\"type\": \"link\", \"text\": " +
                    JsonQuote(url) + "}]";
          }
        }
        add(body);
      }
      if (!telegram_chats.empty()) telegram_chats += ",\n";
      telegram_chats += "  {\"name\": " + JsonQuote(title) + ", \"type\": \"private_supergroup\", \"id\": " +
                        std::to_string(1000000 + grp) + ", \"messages\": [\n" + msgs + "\n  ]}";
      ++telegram_id;
      continue;
    }
    const bool ios = style == ExportStyle::kWhatsAppIos;
    char name[64];
    std::snprintf(name, sizeof name, "WhatsApp Chat with Group %02d.txt", grp + 1);
    std::filesystem::path path = dir / name;
    std::ofstream out(path, std::ios::binary);
    if (ios) {
      out << Stamp(minute++, true) << " " << title << ": \u200eMessages and calls are end-to-end encrypted. No one "
             "outside of this chat, not even WhatsApp, can read or listen to them.\n";
    } else {
      out << Stamp(minute++) << " - Messages and calls are end-to-end encrypted. No one outside of this chat, "
                                "including WhatsApp, can read or listen to them.\n";
    }
    ++sc.system_lines;
    for (const Post& post : posts) {
      const SyntheticPerson& who = sc.people[post.person];
      std::string text = post.text;
      if (post.media) {
        char file[96];
        if (ios) {
          const Civil c = At(minute);
          std::snprintf(file, sizeof file, "\u200e<attached: %08d-PHOTO-%04d-%02u-%02u-%02d-%02d-00.jpg>", media_counter++,
                        c.year, c.month, c.day, c.hour, c.minute);
        } else {
          std::snprintf(file, sizeof file, "IMG-20210320-WA%04d.jpg (file attached)", media_counter++);
        }
        text = file;
      }
      if (ios) {
        out << Stamp(minute++, true) << " " << who.written << ": " << text << "\n";
      } else {
        out << Stamp(minute++) << " - " << who.written << ": " << text << "\n";
      }
    }
    sc.files.push_back(path);
  }
  if (telegram_id > 0) {
    std::string contacts;
    for (int p : telegram_people) {
      if (!contacts.empty()) contacts += ",\n";
      contacts += "  {\"user_id\": " + std::to_string(100000 + p) + ", \"first_name\": \"Member\", \"last_name\": \"" +
                  std::to_string(p) + "\", \"phone_number\": " + JsonQuote(sc.people[p].written) +
                  ", \"date\": \"2021-01-01T00:00:00\", \"date_unixtime\": \"1609459200\"}";
    }
    std::ofstream out(dir / "result.json", std::ios::binary);
    out << "{\n \"about\": \"Here is the data you requested.\",\n \"contacts\": {\"about\": \"contacts\", \"list\": [\n"
        << contacts << "\n ]},\n \"chats\": {\"about\": \"chats\", \"list\": [\n" << telegram_chats << "\n ]}\n}\n";
    sc.files.push_back(dir / "result.json");
  }
  return sc;
}

}  // namespace cairn::net::testing
