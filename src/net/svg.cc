// The group–person picture (include/cairn/net/svg.h): who is drawn, where, and the SVG text.
#include "cairn/net/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "cairn/core/text.h"
#include "cairn/store/database.h"

namespace cairn::net {
namespace {

using store::Statement;

constexpr double kPi = 3.14159265358979323846;

using store::ForEachRow;

// FNV-1a: a fixed spread for people that share the same groups.
uint64_t Spread(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  return h;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", std::abs(v) < 0.05 ? 0.0 : v);
  return buf;
}

const char* RoleColour(PictureRole r) {
  switch (r) {
    case PictureRole::kKnownMaterial: return "#c0392b";
    case PictureRole::kDistributor: return "#e67e22";
    case PictureRole::kBridge: return "#2c7fb8";
  }
  return "#2c7fb8";
}

const char* RoleText(PictureRole r) {
  switch (r) {
    case PictureRole::kKnownMaterial: return "posted known material";
    case PictureRole::kDistributor: return "top distributor";
    case PictureRole::kBridge: return "in several groups";
  }
  return "";
}

}  // namespace

Result<NetworkPicture> LoadNetworkPicture(store::Case& c, const Summary& summary,
                                          const NetworkPictureOptions& options) {
  store::Database& db = c.db();
  NetworkPicture p;
  p.people_total = summary.people;
  p.links = summary.linked_groups;
  // Groups around the circle in title order (then chat id), so a reader finds them.
  std::vector<const GroupSummary*> ordered;
  for (const GroupSummary& g : summary.group_list) ordered.push_back(&g);
  std::stable_sort(ordered.begin(), ordered.end(), [](const GroupSummary* a, const GroupSummary* b) {
    return a->title != b->title ? a->title < b->title : a->chat_id < b->chat_id;
  });
  std::unordered_map<int64_t, uint32_t> group_of;
  for (const GroupSummary* gp : ordered) {
    const GroupSummary& g = *gp;
    group_of[g.chat_id] = static_cast<uint32_t>(p.groups.size());
    p.groups.push_back({g.chat_id, g.title, g.members, g.messages, g.media, 0});
  }
  struct Member {
    std::vector<uint32_t> groups;
    uint64_t messages = 0, media = 0, known_hits = 0;
  };
  std::map<std::string, Member> members;
  CAIRN_RETURN_IF_ERROR(ForEachRow(db, "SELECT person_id, chat_id, messages, media FROM net_memberships",
      [&](const Statement& st) {
        auto it = group_of.find(st.ColumnInt(1));
        if (it == group_of.end()) return;
        Member& m = members[std::string(st.ColumnText(0))];
        m.groups.push_back(it->second);
        m.messages += static_cast<uint64_t>(st.ColumnInt(2));
        m.media += static_cast<uint64_t>(st.ColumnInt(3));
      }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT m.person_id, count(*) FROM net_messages m JOIN net_media x USING(media_id)"
      " WHERE x.known_hits<>'' AND m.person_id IS NOT NULL GROUP BY m.person_id",
      [&](const Statement& st) {
        auto it = members.find(std::string(st.ColumnText(0)));
        if (it != members.end()) it->second.known_hits = static_cast<uint64_t>(st.ColumnInt(1));
      }));
  for (auto& [id, m] : members) {
    std::sort(m.groups.begin(), m.groups.end());
    p.bridges_total += m.groups.size() > 1;
  }

  // Rank: posters of known material, then the summary's distributors, then bridges.
  std::vector<std::pair<std::string, PictureRole>> chosen;
  std::set<std::string> taken;
  auto take = [&](const std::string& id, PictureRole role) {
    if (chosen.size() >= options.max_people || taken.count(id) || !members.count(id)) return;
    taken.insert(id);
    chosen.emplace_back(id, role);
  };
  std::vector<std::pair<const std::string*, const Member*>> ranked;
  for (const auto& [id, m] : members) ranked.emplace_back(&id, &m);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second->known_hits > b.second->known_hits;
  });
  for (const auto& [id, m] : ranked) {
    if (m->known_hits > 0) take(*id, PictureRole::kKnownMaterial);
  }
  for (const Distributor& d : summary.distributors) take(d.person_id, PictureRole::kDistributor);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second->groups.size() != b.second->groups.size()) return a.second->groups.size() > b.second->groups.size();
    return a.second->messages > b.second->messages;
  });
  for (const auto& [id, m] : ranked) {
    if (m->groups.size() > 1) take(*id, PictureRole::kBridge);
  }

  std::unordered_map<std::string, size_t> index;
  for (const auto& [id, role] : chosen) {
    const Member& m = members.at(id);
    index[id] = p.people.size();
    NetworkPicture::Person person;
    person.person_id = id;
    person.role = role;
    person.groups = m.groups;
    person.messages = m.messages;
    person.media_posted = m.media;
    person.known_hits = m.known_hits;
    for (uint32_t g : m.groups) ++p.groups[g].drawn;
    p.people.push_back(std::move(person));
  }
  CAIRN_RETURN_IF_ERROR(ForEachRow(db, "SELECT person_id, display_name, country FROM net_people",
      [&](const Statement& st) {
        auto it = index.find(std::string(st.ColumnText(0)));
        if (it == index.end()) return;
        p.people[it->second].display_name = std::string(st.ColumnText(1));
        p.people[it->second].country = std::string(st.ColumnText(2));
      }));
  return p;
}

std::string NetworkSvg(const NetworkPicture& p, const NetworkPictureOptions& options) {
  constexpr double kWidth = 1300, kTop = 70, kCircle = 1260, kLegend = 70;
  constexpr double kCx = kWidth / 2, kCy = kTop + kCircle / 2, kRadius = 320;
  const size_t n = p.groups.size();
  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(kWidth) + "\" height=\"" +
       Num(kTop + kCircle + kLegend) + "\" viewBox=\"0 0 " + Num(kWidth) + " " + Num(kTop + kCircle + kLegend) +
       "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o += "<title>Group–person network</title>\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  size_t counts[3] = {0, 0, 0};
  for (const auto& person : p.people) ++counts[static_cast<int>(person.role)];
  o += "<text x=\"20\" y=\"26\" font-size=\"14\">" + std::to_string(n) + " groups, " + std::to_string(p.people_total) +
       " people (" + std::to_string(p.bridges_total) + " in two groups or more). Drawn one by one: " +
       std::to_string(p.people.size()) + " (" + std::to_string(counts[0]) + " posted known material, " +
       std::to_string(counts[1]) + " top distributors, " + std::to_string(counts[2]) +
       " in the most groups).</text>\n";
  o += "<text x=\"20\" y=\"46\">Every other member is counted on their group's label. Disc area: messages in the "
       "group; dot size: the person's messages; lines: membership; pale curves: groups sharing people, media or "
       "links.</text>\n";
  if (n == 0) {
    o += "<text x=\"20\" y=\"" + Num(kTop + 30) + "\">No groups.</text>\n</svg>\n";
    return o;
  }

  // Groups on the circle, the first at the top, clockwise.
  const double spacing = 2 * kPi * kRadius / static_cast<double>(n);
  const double rmax = std::clamp(0.42 * spacing, 6.0, 36.0);
  uint64_t max_messages = 1;
  for (const auto& g : p.groups) max_messages = std::max(max_messages, g.messages);
  std::vector<double> gx(n), gy(n), gr(n), ga(n);
  for (size_t i = 0; i < n; ++i) {
    ga[i] = -kPi / 2 + 2 * kPi * static_cast<double>(i) / static_cast<double>(n);
    gx[i] = kCx + kRadius * std::cos(ga[i]);
    gy[i] = kCy + kRadius * std::sin(ga[i]);
    gr[i] = 4 + (rmax - 4) * std::sqrt(static_cast<double>(p.groups[i].messages) / static_cast<double>(max_messages));
  }
  std::unordered_map<int64_t, size_t> by_chat;
  for (size_t i = 0; i < n; ++i) by_chat[p.groups[i].chat_id] = i;

  // Linked groups: the strongest 200 links as pale curves bending towards the centre.
  o += "<g fill=\"none\" stroke=\"#9ecae1\" stroke-opacity=\"0.4\">\n";
  uint64_t max_link = 1;
  for (const GroupLink& l : p.links) max_link = std::max(max_link, l.shared_people + l.shared_media + l.shared_links);
  size_t drawn_links = 0;
  for (const GroupLink& l : p.links) {
    if (drawn_links == 200) break;
    auto a = by_chat.find(l.a), b = by_chat.find(l.b);
    if (a == by_chat.end() || b == by_chat.end()) continue;
    ++drawn_links;
    const uint64_t w = l.shared_people + l.shared_media + l.shared_links;
    const double mx = (gx[a->second] + gx[b->second]) / 2, my = (gy[a->second] + gy[b->second]) / 2;
    o += "<path d=\"M" + Num(gx[a->second]) + "," + Num(gy[a->second]) + " Q" + Num(kCx + (mx - kCx) * 0.4) + "," +
         Num(kCy + (my - kCy) * 0.4) + " " + Num(gx[b->second]) + "," + Num(gy[b->second]) + "\" stroke-width=\"" +
         Num(0.6 + 3.4 * std::sqrt(static_cast<double>(w) / static_cast<double>(max_link))) + "\"><title>" +
         XmlLabel(l.a_title, 200) + " – " + XmlLabel(l.b_title, 200) + ": " + std::to_string(l.shared_people) + " people, " +
         std::to_string(l.shared_media) + " media, " + std::to_string(l.shared_links) + " links shared</title></path>\n";
  }
  o += "</g>\n";

  // People: one group → just inside that group's disc, spread along the rim; several → the
  // mean of their groups pulled towards the centre, spread a little.
  const size_t np = p.people.size();
  std::vector<double> px(np), py(np), pr(np);
  uint64_t max_person = 1;
  for (const auto& person : p.people) max_person = std::max(max_person, person.messages);
  for (size_t i = 0; i < np; ++i) {
    const auto& person = p.people[i];
    const uint64_t h = Spread(person.person_id);
    const double u = static_cast<double>(h % 1000) / 999.0;          // 0..1
    const double v = static_cast<double>((h >> 10) % 1000) / 999.0;  // 0..1
    if (person.groups.size() == 1) {
      const size_t g = person.groups[0];
      const double a = ga[g] + (u - 0.5) * std::min(0.8 * 2 * kPi / static_cast<double>(n), 0.5);
      const double r = kRadius - rmax - 14 - v * 70;
      px[i] = kCx + r * std::cos(a);
      py[i] = kCy + r * std::sin(a);
    } else {
      double x = 0, y = 0;
      for (uint32_t g : person.groups) {
        x += std::cos(ga[g]);
        y += std::sin(ga[g]);
      }
      x /= static_cast<double>(person.groups.size());
      y /= static_cast<double>(person.groups.size());
      const double ja = 2 * kPi * u, jr = 4 + 16 * v;
      px[i] = kCx + 0.78 * kRadius * x + jr * std::cos(ja);
      py[i] = kCy + 0.78 * kRadius * y + jr * std::sin(ja);
    }
    pr[i] = 2.5 + 5.5 * std::sqrt(static_cast<double>(person.messages) / static_cast<double>(max_person));
  }
  o += "<g stroke-width=\"0.6\" stroke-opacity=\"0.35\">\n";
  for (size_t i = 0; i < np; ++i) {
    for (uint32_t g : p.people[i].groups) {
      o += "<line x1=\"" + Num(px[i]) + "\" y1=\"" + Num(py[i]) + "\" x2=\"" + Num(gx[g]) + "\" y2=\"" + Num(gy[g]) +
           "\" stroke=\"" + RoleColour(p.people[i].role) + "\"/>\n";
    }
  }
  o += "</g>\n";

  // Group discs and their labels (radial, outside the circle, readable from the left too).
  o += "<g>\n";
  for (size_t i = 0; i < n; ++i) {
    const auto& g = p.groups[i];
    o += "<circle cx=\"" + Num(gx[i]) + "\" cy=\"" + Num(gy[i]) + "\" r=\"" + Num(gr[i]) +
         "\" fill=\"#34495e\" fill-opacity=\"0.85\"><title>" + XmlLabel(g.title, 200) + ": " + std::to_string(g.members) +
         " members (" + std::to_string(g.drawn) + " drawn, " + std::to_string(g.members - std::min(g.members, g.drawn)) +
         " counted), " + std::to_string(g.messages) + " messages, " + std::to_string(g.media) +
         " media</title></circle>\n";
    const double deg = ga[i] * 180 / kPi;
    const double cs = std::cos(ga[i]), sn = std::sin(ga[i]);
    const bool left = cs < -1e-9;
    const double lr = kRadius + gr[i] + 6;
    const double lx = kCx + lr * cs, ly = kCy + lr * sn;
    const std::string label = XmlLabel(g.title, 24) + " · " + std::to_string(g.members) + " members, " +
                              std::to_string(g.members - std::min(g.members, g.drawn)) + " counted";
    if (n <= 16) {  // few groups: horizontal labels, anchored away from the circle
      const char* anchor = std::abs(cs) < 0.3 ? "middle" : left ? "end" : "start";
      const char* dy = sn > 0.7 ? "0.9em" : sn < -0.7 ? "-0.3em" : "0.35em";
      o += "<text x=\"" + Num(lx) + "\" y=\"" + Num(ly) + "\" dy=\"" + dy + "\" font-size=\"11\" text-anchor=\"" +
           anchor + "\">" + label + "</text>\n";
    } else {  // many: radial labels, turned to read left to right on both sides
      o += "<text x=\"" + Num(lx) + "\" y=\"" + Num(ly) + "\" dy=\"0.35em\" font-size=\"10\" text-anchor=\"" +
           (left ? "end" : "start") + "\" transform=\"rotate(" + Num(left ? deg + 180 : deg) + " " + Num(lx) + " " +
           Num(ly) + ")\">" + label + "</text>\n";
    }
  }
  o += "</g>\n";

  // People dots, then the labels of the first ones in rank.
  o += "<g stroke=\"#ffffff\" stroke-width=\"0.8\">\n";
  for (size_t i = 0; i < np; ++i) {
    const auto& person = p.people[i];
    o += "<circle cx=\"" + Num(px[i]) + "\" cy=\"" + Num(py[i]) + "\" r=\"" + Num(pr[i]) + "\" fill=\"" +
         RoleColour(person.role) + "\"><title>" + XmlLabel(person.display_name, 200) + " (" + XmlLabel(person.person_id, 200) +
         (person.country.empty() ? std::string() : ", " + XmlLabel(person.country, 200) + " attributed by number") + "): " +
         RoleText(person.role) + "; " + std::to_string(person.groups.size()) + " groups, " +
         std::to_string(person.messages) + " messages, " + std::to_string(person.media_posted) + " media, " +
         std::to_string(person.known_hits) + " known-material posts</title></circle>\n";
  }
  o += "</g>\n<g font-size=\"10\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\n";
  for (size_t i = 0; i < np && i < options.labelled_people; ++i) {
    const auto& person = p.people[i];
    o += "<text x=\"" + Num(px[i] + pr[i] + 3) + "\" y=\"" + Num(py[i]) + "\" dy=\"0.35em\" fill=\"" +
         RoleColour(person.role) + "\">" +
         XmlLabel(person.display_name.empty() ? person.person_id : person.display_name, 22) + "</text>\n";
  }
  o += "</g>\n";

  // Legend.
  const double ly = kTop + kCircle + 25;
  o += "<g>\n";
  double x = 20;
  for (PictureRole r : {PictureRole::kKnownMaterial, PictureRole::kDistributor, PictureRole::kBridge}) {
    o += "<circle cx=\"" + Num(x + 6) + "\" cy=\"" + Num(ly) + "\" r=\"6\" fill=\"" + RoleColour(r) + "\"/>";
    o += "<text x=\"" + Num(x + 16) + "\" y=\"" + Num(ly) + "\" dy=\"0.35em\">" + RoleText(r) + "</text>\n";
    x += 200;
  }
  o += "<circle cx=\"" + Num(x + 8) + "\" cy=\"" + Num(ly) + "\" r=\"8\" fill=\"#34495e\" fill-opacity=\"0.85\"/>";
  o += "<text x=\"" + Num(x + 20) + "\" y=\"" + Num(ly) + "\" dy=\"0.35em\">group (label: members, and how many are "
       "only counted)</text>\n";
  o += "<text x=\"20\" y=\"" + Num(ly + 28) + "\">Countries are attributed by phone number, not established. "
       "Positions carry no meaning beyond group membership.</text>\n";
  o += "</g>\n</svg>\n";
  return o;
}

}  // namespace cairn::net
