// The "Network" section of report.html and network.json (include/cairn/report/report.h).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cairn/chat/message.h"
#include "cairn/net/network.h"
#include "cairn/net/svg.h"
#include "cairn/core/text.h"
#include "cairn/report/report.h"
#include "cairn/store/database.h"
#include "section_util.h"

namespace cairn::report {

namespace {

using store::ForEachRow;
using internal::Text;
using Json = nlohmann::ordered_json;

constexpr size_t kLinkedGroupRows = 50;
constexpr size_t kKnownPostRows = 500;

struct KnownPost {
  std::string person_id, display_name, group, time, media_name, md5, hits;
};

// Posts whose media matched a hash list, with the match text net stored at ingest
// ("list@version entry N: rule distance D <= threshold T"). Read-only SQL on net_* tables.
Status LoadKnownPosts(store::Case& c, std::vector<KnownPost>& out, uint64_t& total) {
  CAIRN_RETURN_IF_ERROR(ForEachRow(c.db(),
      "SELECT count(*) FROM net_messages m JOIN net_media x USING(media_id) WHERE x.known_hits<>''",
      [&](store::Statement& q) -> Status {
        total = static_cast<uint64_t>(q.ColumnInt(0));
        return Status::Ok();
      }));
  return ForEachRow(c.db(),
      "SELECT m.person_id, COALESCE(p.display_name, ''), c.title, m.time, m.zone_known, x.name,"
      " COALESCE(x.md5, ''), x.known_hits"
      " FROM net_messages m JOIN net_media x USING(media_id) JOIN net_chats c ON c.chat_id = m.chat_id"
      " LEFT JOIN net_people p ON p.person_id = m.person_id"
      " WHERE x.known_hits<>'' ORDER BY m.time, m.message_id LIMIT " + std::to_string(kKnownPostRows),
      [&](store::Statement& q) -> Status {
        KnownPost k;
        k.person_id = Text(q, 0);
        k.display_name = Text(q, 1);
        k.group = Text(q, 2);
        k.time = chat::FormatTimestamp(chat::Timestamp{q.ColumnInt(3), q.ColumnInt(4) != 0});
        k.media_name = Text(q, 5);
        k.md5 = Text(q, 6);
        k.hits = Text(q, 7);
        out.push_back(std::move(k));
        return Status::Ok();
      });
}

}  // namespace

Result<Section> BuildNetworkSection(store::Case& c, const ReportOptions& options) {
  Section s;
  CAIRN_ASSIGN_OR_RETURN(int64_t version, store::SchemaVersion(c.db(), "net"));
  if (version == 0) {
    s.html = "<h2 id=\"network\">Network</h2>\n<p>No chat exports ingested (cairn net ingest).</p>\n";
    return s;
  }
  net::SummaryOptions so;
  so.top_distributors = 20;
  so.top_platforms = 20;
  so.communities = false;  // Louvain and betweenness: `cairn net summary`
  CAIRN_ASSIGN_OR_RETURN(net::Summary sum, net::Summarize(c, so));
  if (sum.groups == 0) {
    s.html = "<h2 id=\"network\">Network</h2>\n<p>No chat exports ingested (cairn net ingest).</p>\n";
    return s;
  }
  s.present = true;
  net::NetworkPictureOptions po;
  po.max_people = options.network_people;
  CAIRN_ASSIGN_OR_RETURN(net::NetworkPicture picture, net::LoadNetworkPicture(c, sum, po));
  std::vector<KnownPost> known;
  uint64_t known_total = 0;
  CAIRN_RETURN_IF_ERROR(LoadKnownPosts(c, known, known_total));

  std::string h;
  auto n = [](uint64_t v) { return std::to_string(v); };
  h += "<h2 id=\"network\">Network</h2>\n<p>" + n(sum.groups) + " groups, " + n(sum.people) + " people (" +
       n(sum.weak_people) + " known only by a display name), " + n(sum.messages) + " messages, " + n(sum.media) +
       " media messages, " + n(sum.links) + " links. " + n(known_total) +
       " posts of media matching a hash list. Countries are attributed by phone number (" +
       n(sum.people_with_country) + " of " + n(sum.people) + " people).</p>\n";
  h += "<figure class=\"pic\">\n" + net::NetworkSvg(picture, po) +
       "<figcaption>Group–person graph: groups on the circle, people who posted known material (red), top "
       "distributors (orange) and the people in the most groups (blue) drawn one by one (" +
       n(picture.people.size()) + " of " + n(sum.people) +
       "); every other member is counted on their group's label.</figcaption></figure>\n";

  h += "<h3>Countries (attributed by number)</h3>\n<table><tr><th>Country</th><th>Region</th><th>People</th></tr>\n";
  for (const net::CountryCount& cc : sum.countries) {
    h += "<tr><td>" + XmlEscape(cc.country) + "</td><td>" + XmlEscape(cc.region) + "</td><td>" + n(cc.people) +
         "</td></tr>\n";
  }
  h += "<tr><td>no country attributed</td><td></td><td>" + n(sum.people - sum.people_with_country) +
       "</td></tr>\n</table>\n";

  h += "<h3>Groups</h3>\n<table><tr><th>Group</th><th>Platform</th><th>Members</th><th>Messages</th><th>Media</th>"
       "<th>Links</th><th>Active</th><th>Countries (attributed by number)</th></tr>\n";
  for (const net::GroupSummary& g : sum.group_list) {
    std::string countries;
    for (size_t i = 0; i < g.countries.size() && i < 3; ++i) {
      if (i) countries += ", ";
      countries += XmlEscape(g.countries[i].country) + " " + n(g.countries[i].people);
    }
    if (g.countries.size() > 3) countries += ", …";
    h += "<tr><td>" + XmlEscape(g.title) + "</td><td>" + XmlEscape(g.platform) + "</td><td>" + n(g.members) +
         "</td><td>" + n(g.messages) + "</td><td>" + n(g.media) + "</td><td>" + n(g.links) + "</td><td>" +
         (g.first_time.empty() ? std::string() : XmlEscape(g.first_time) + " – " + XmlEscape(g.last_time)) +
         "</td><td>" + countries + "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h3>Top distributors</h3>\n<p>Score = media posted + 2 × first posts + 10 × known-material hits + 5 × "
       "groups reached + links shared.</p>\n<table><tr><th>Person</th><th>Name</th><th>Country</th>"
       "<th>Media posted</th><th>First posts</th><th>Known-material hits</th><th>Groups reached</th>"
       "<th>Links shared</th><th>Score</th></tr>\n";
  for (const net::Distributor& d : sum.distributors) {
    char score[32];
    std::snprintf(score, sizeof score, "%.1f", d.score);
    h += std::string(d.known_hits ? "<tr class=\"hit\">" : "<tr>") + "<td>" + XmlEscape(d.person_id) + "</td><td>" +
         XmlEscape(d.display_name) + "</td><td>" + XmlEscape(d.country) + "</td><td>" + n(d.media_posted) +
         "</td><td>" + n(d.first_posts) + "</td><td>" + n(d.known_hits) + "</td><td>" + n(d.groups_reached) +
         "</td><td>" + n(d.links_shared) + "</td><td>" + score + "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h3>Posts of known material</h3>\n";
  if (known.empty()) {
    h += "<p>No posted media matched a hash list (or none was given to cairn net ingest --lists).</p>\n";
  } else {
    if (known_total > known.size()) {
      h += "<p>The first " + n(known.size()) + " of " + n(known_total) + " by time.</p>\n";
    }
    h += "<table><tr><th>Time</th><th>Person</th><th>Name</th><th>Group</th><th>Attachment</th><th>MD5</th>"
         "<th>Match (list, entry, rule, distance, threshold)</th></tr>\n";
    for (const KnownPost& k : known) {
      h += "<tr><td>" + XmlEscape(k.time) + "</td><td>" + XmlEscape(k.person_id) + "</td><td>" +
           XmlEscape(k.display_name) + "</td><td>" + XmlEscape(k.group) + "</td><td>" + XmlEscape(k.media_name) +
           "</td><td class=\"h\">" + XmlEscape(k.md5) + "</td><td>" + XmlEscape(k.hits) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h3>Linked groups</h3>\n";
  if (sum.linked_groups.empty()) {
    h += "<p>No two groups share people, media or links.</p>\n";
  } else {
    if (sum.linked_groups.size() > kLinkedGroupRows) {
      h += "<p>The " + n(kLinkedGroupRows) + " strongest of " + n(sum.linked_groups.size()) +
           " linked pairs (all in network.json).</p>\n";
    }
    h += "<table><tr><th>Group</th><th>Group</th><th>Shared people</th><th>Shared media</th><th>Shared links</th>"
         "</tr>\n";
    for (size_t i = 0; i < sum.linked_groups.size() && i < kLinkedGroupRows; ++i) {
      const net::GroupLink& l = sum.linked_groups[i];
      h += "<tr><td>" + XmlEscape(l.a_title) + "</td><td>" + XmlEscape(l.b_title) + "</td><td>" +
           n(l.shared_people) + "</td><td>" + n(l.shared_media) + "</td><td>" + n(l.shared_links) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h3>Hosting platforms</h3>\n";
  if (sum.platforms.empty()) {
    h += "<p>No links to known hosting platforms.</p>\n";
  } else {
    h += "<table><tr><th>Platform</th><th>Kind</th><th>Links</th><th>Hosts</th><th>Groups</th><th>People</th></tr>\n";
    for (const net::PlatformCount& p : sum.platforms) {
      h += "<tr><td>" + XmlEscape(p.platform) + "</td><td>" + XmlEscape(p.kind) + "</td><td>" + n(p.links) +
           "</td><td>" + n(p.hosts) + "</td><td>" + n(p.groups) + "</td><td>" + n(p.people) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  s.html = std::move(h);

  // network.json: the `cairn net summary --format json` document (docs/NET.md; communities and
  // brokers left empty) plus the posts of known material.
  Json j = Json::parse(net::SummaryToJson(sum));
  Json posts = Json::array();
  for (const KnownPost& k : known) {
    posts.push_back({{"time", k.time}, {"person_id", k.person_id}, {"display_name", k.display_name},
                     {"group", k.group}, {"attachment", k.media_name}, {"md5", k.md5}, {"match", k.hits}});
  }
  j["known_material_posts_total"] = known_total;
  j["known_material_posts"] = std::move(posts);
  Json drawn = Json::array();
  for (const auto& p : picture.people) drawn.push_back(p.person_id);
  j["picture_people"] = std::move(drawn);
  s.json = j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  return s;
}

}  // namespace cairn::report
