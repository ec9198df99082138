// `cairn net summary` and `cairn net person`: SQL over the net_* tables, plus Louvain communities.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/chat/message.h"
#include "cairn/net/network.h"
#include "cairn/store/database.h"
#include "net_internal.h"

namespace cairn::net {

std::string FormatStoredTime(int64_t seconds, bool zone_known) {
  return chat::FormatTimestamp(chat::Timestamp{seconds, zone_known});
}

namespace {

using store::Statement;
using Json = nlohmann::ordered_json;

using store::ForEachRow;

std::string Text(const Statement& st, int col) { return std::string(st.ColumnText(col)); }
uint64_t U(const Statement& st, int col) { return static_cast<uint64_t>(st.ColumnInt(col)); }

}  // namespace

// Louvain modularity optimisation (Blondel et al. 2008, "Fast unfolding of communities in large
// networks"): local moving of nodes in a fixed order (deterministic, no random seed needed),
// then aggregation, repeated while modularity improves.
std::vector<int> Louvain(int n, const std::vector<std::map<int, double>>& adjacency) {
  std::vector<int> membership(n);
  std::iota(membership.begin(), membership.end(), 0);
  std::vector<std::map<int, double>> adj = adjacency;
  int level_n = n;
  for (int level = 0; level < 20; ++level) {
    std::vector<double> k(level_n, 0.0);
    double m2 = 0;
    for (int i = 0; i < level_n; ++i) {
      for (auto& [j, w] : adj[i]) k[i] += w;
      m2 += k[i];
    }
    if (m2 == 0) break;
    std::vector<int> comm(level_n);
    std::iota(comm.begin(), comm.end(), 0);
    std::vector<double> tot = k;
    bool moved_any = false;
    for (int pass = 0; pass < 50; ++pass) {
      bool moved = false;
      for (int i = 0; i < level_n; ++i) {
        std::map<int, double> links;
        double self = 0;
        for (auto& [j, w] : adj[i]) {
          if (j == i) self += w;
          else links[comm[j]] += w;
        }
        (void)self;
        const int old = comm[i];
        tot[old] -= k[i];
        int best = old;
        double best_gain = links.count(old) ? links[old] - tot[old] * k[i] / m2 : 0.0;
        for (auto& [c, w] : links) {
          double gain = w - tot[c] * k[i] / m2;
          if (gain > best_gain + 1e-12) {
            best_gain = gain;
            best = c;
          }
        }
        tot[best] += k[i];
        if (best != old) {
          comm[i] = best;
          moved = true;
          moved_any = true;
        }
      }
      if (!moved) break;
    }
    if (!moved_any) break;
    // Renumber communities in order of first appearance and aggregate.
    std::map<int, int> renum;
    for (int i = 0; i < level_n; ++i) renum.emplace(comm[i], static_cast<int>(renum.size()));
    std::vector<int> order(level_n, -1);
    {
      int next = 0;
      std::map<int, int> seen;
      for (int i = 0; i < level_n; ++i) {
        auto [it, inserted] = seen.emplace(comm[i], next);
        if (inserted) ++next;
        order[i] = it->second;
      }
    }
    const int new_n = static_cast<int>(renum.size());
    std::vector<std::map<int, double>> next(new_n);
    for (int i = 0; i < level_n; ++i) {
      for (auto& [j, w] : adj[i]) next[order[i]][order[j]] += w;
    }
    for (int& m : membership) m = order[m];
    adj = std::move(next);
    level_n = new_n;
  }
  return membership;
}

Result<Summary> Summarize(store::Case& c, const SummaryOptions& options) {
  CAIRN_RETURN_IF_ERROR(EnsureSchema(c));
  store::Database& db = c.db();
  Summary s;
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT (SELECT count(*) FROM net_chats), (SELECT count(*) FROM net_people),"
      " (SELECT count(*) FROM net_people WHERE weak=1), (SELECT count(*) FROM net_messages),"
      " (SELECT count(*) FROM net_messages WHERE kind='media'), (SELECT count(*) FROM net_links),"
      " (SELECT count(*) FROM net_people WHERE country<>''), (SELECT count(*) FROM net_memberships)",
      [&](const Statement& st) {
        s.memberships = U(st, 7);
        s.groups = U(st, 0);
        s.people = U(st, 1);
        s.weak_people = U(st, 2);
        s.messages = U(st, 3);
        s.media = U(st, 4);
        s.links = U(st, 5);
        s.people_with_country = U(st, 6);
      }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT attachment_status, count(*) FROM net_messages WHERE kind='media' GROUP BY attachment_status",
      [&](const Statement& st) {
        const std::string status = Text(st, 0);
        if (status == "hashed") s.attachments_hashed = U(st, 1);
        if (status == "missing") s.attachments_missing = U(st, 1);
        if (status == "omitted") s.attachments_omitted = U(st, 1);
      }));
  // Groups.
  std::map<int64_t, size_t> group_index;
  // Message counts and active period of every chat in one pass over the messages.
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "WITH mc AS (SELECT chat_id, sum(kind<>'system') AS messages, sum(kind='media') AS media,"
      " min(time) AS first, max(time) AS last, max(zone_known) AS zone FROM net_messages GROUP BY chat_id)"
      " SELECT c.chat_id, c.title, c.platform, c.source,"
      " (SELECT count(*) FROM net_memberships m WHERE m.chat_id=c.chat_id),"
      " coalesce(mc.messages, 0), coalesce(mc.media, 0),"
      " (SELECT count(*) FROM net_links l WHERE l.chat_id=c.chat_id),"
      " mc.first, mc.last, coalesce(mc.zone, 0)"
      " FROM net_chats c LEFT JOIN mc USING(chat_id) ORDER BY c.chat_id",
      [&](const Statement& st) {
        GroupSummary g;
        g.chat_id = st.ColumnInt(0);
        g.title = Text(st, 1);
        g.platform = Text(st, 2);
        g.source = Text(st, 3);
        g.members = U(st, 4);
        g.messages = U(st, 5);
        g.media = U(st, 6);
        g.links = U(st, 7);
        if (!st.ColumnIsNull(8)) {
          g.first_time = FormatStoredTime(st.ColumnInt(8), st.ColumnInt(10) != 0);
          g.last_time = FormatStoredTime(st.ColumnInt(9), st.ColumnInt(10) != 0);
        }
        group_index[g.chat_id] = s.group_list.size();
        s.group_list.push_back(std::move(g));
      }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT m.chat_id, p.region, p.country, count(*) FROM net_memberships m JOIN net_people p USING(person_id)"
      " WHERE p.country<>'' GROUP BY m.chat_id, p.region ORDER BY m.chat_id, count(*) DESC, p.country",
      [&](const Statement& st) {
        auto it = group_index.find(st.ColumnInt(0));
        if (it == group_index.end()) return;
        s.group_list[it->second].countries.push_back({Text(st, 1), Text(st, 2), U(st, 3)});
      }));
  // Countries attributed by number.
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT region, country, count(*) FROM net_people WHERE country<>'' GROUP BY region"
      " ORDER BY count(*) DESC, country",
      [&](const Statement& st) { s.countries.push_back({Text(st, 0), Text(st, 1), U(st, 2)}); }));
  // Distributors.
  std::map<std::string, Distributor> dist;
  auto d = [&](const Statement& st) -> Distributor& {
    Distributor& x = dist[Text(st, 0)];
    x.person_id = Text(st, 0);
    return x;
  };
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT person_id, count(*), count(DISTINCT chat_id) FROM net_messages WHERE kind='media' AND person_id IS NOT NULL"
      " GROUP BY person_id",
      [&](const Statement& st) { d(st).media_posted = U(st, 1); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT first_person, count(*) FROM net_media WHERE first_person IS NOT NULL GROUP BY first_person",
      [&](const Statement& st) { d(st).first_posts = U(st, 1); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT m.person_id, count(*) FROM net_messages m JOIN net_media x USING(media_id)"
      " WHERE x.known_hits<>'' AND m.person_id IS NOT NULL GROUP BY m.person_id",
      [&](const Statement& st) { d(st).known_hits = U(st, 1); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT person_id, count(*) FROM net_links WHERE person_id IS NOT NULL GROUP BY person_id",
      [&](const Statement& st) { d(st).links_shared = U(st, 1); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT person_id, count(DISTINCT chat_id) FROM ("
      " SELECT person_id, chat_id FROM net_messages WHERE kind='media' AND person_id IS NOT NULL"
      " UNION SELECT person_id, chat_id FROM net_links WHERE person_id IS NOT NULL) GROUP BY person_id",
      [&](const Statement& st) { d(st).groups_reached = U(st, 1); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db, "SELECT person_id, display_name, country FROM net_people",
      [&](const Statement& st) {
        auto it = dist.find(Text(st, 0));
        if (it == dist.end()) return;
        it->second.display_name = Text(st, 1);
        it->second.country = Text(st, 2);
      }));
  for (auto& [id, x] : dist) {
    x.score = static_cast<double>(x.media_posted) + 2.0 * static_cast<double>(x.first_posts) +
              10.0 * static_cast<double>(x.known_hits) + 5.0 * static_cast<double>(x.groups_reached) +
              static_cast<double>(x.links_shared);
    s.distributors.push_back(x);
  }
  std::stable_sort(s.distributors.begin(), s.distributors.end(), [](const Distributor& a, const Distributor& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.person_id < b.person_id;
  });
  if (s.distributors.size() > options.top_distributors) s.distributors.resize(options.top_distributors);
  // Hosting platforms.
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT platform, platform_kind, count(*), count(DISTINCT host), count(DISTINCT chat_id), count(DISTINCT person_id)"
      " FROM net_links WHERE platform<>'' GROUP BY platform ORDER BY count(*) DESC, platform",
      [&](const Statement& st) {
        s.platforms.push_back({Text(st, 0), Text(st, 1), U(st, 2), U(st, 3), U(st, 4), U(st, 5)});
      }));
  if (s.platforms.size() > options.top_platforms) s.platforms.resize(options.top_platforms);
  // Linked groups.
  std::map<std::pair<int64_t, int64_t>, GroupLink> links;
  auto link = [&](const Statement& st) -> GroupLink& {
    GroupLink& g = links[{st.ColumnInt(0), st.ColumnInt(1)}];
    g.a = st.ColumnInt(0);
    g.b = st.ColumnInt(1);
    return g;
  };
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "SELECT a.chat_id, b.chat_id, count(*) FROM net_memberships a JOIN net_memberships b"
      " ON a.person_id=b.person_id AND a.chat_id<b.chat_id GROUP BY a.chat_id, b.chat_id",
      [&](const Statement& st) { link(st).shared_people = U(st, 2); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "WITH mc AS (SELECT DISTINCT media_id, chat_id FROM net_messages WHERE media_id IS NOT NULL)"
      " SELECT a.chat_id, b.chat_id, count(*) FROM mc a JOIN mc b ON a.media_id=b.media_id AND a.chat_id<b.chat_id"
      " GROUP BY a.chat_id, b.chat_id",
      [&](const Statement& st) { link(st).shared_media = U(st, 2); }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
      "WITH lc AS (SELECT DISTINCT url, chat_id FROM net_links)"
      " SELECT a.chat_id, b.chat_id, count(*) FROM lc a JOIN lc b ON a.url=b.url AND a.chat_id<b.chat_id"
      " GROUP BY a.chat_id, b.chat_id",
      [&](const Statement& st) { link(st).shared_links = U(st, 2); }));
  for (auto& [k, g] : links) {
    auto ia = group_index.find(g.a), ib = group_index.find(g.b);
    if (ia != group_index.end()) g.a_title = s.group_list[ia->second].title;
    if (ib != group_index.end()) g.b_title = s.group_list[ib->second].title;
    s.linked_groups.push_back(g);
  }
  std::stable_sort(s.linked_groups.begin(), s.linked_groups.end(), [](const GroupLink& x, const GroupLink& y) {
    auto wx = x.shared_people + x.shared_media + x.shared_links, wy = y.shared_people + y.shared_media + y.shared_links;
    if (wx != wy) return wx > wy;
    return std::pair(x.a, x.b) < std::pair(y.a, y.b);
  });
  if (options.communities) {
    // Person–person co-membership graph: weight = number of groups shared.
    std::map<std::string, int> index;
    std::vector<std::string> names;
    std::map<int64_t, std::vector<int>> by_chat;
    CAIRN_RETURN_IF_ERROR(ForEachRow(db, "SELECT chat_id, person_id FROM net_memberships ORDER BY person_id, chat_id",
        [&](const Statement& st) {
          std::string p = Text(st, 1);
          auto [it, inserted] = index.emplace(p, static_cast<int>(names.size()));
          if (inserted) names.push_back(p);
          by_chat[st.ColumnInt(0)].push_back(it->second);
        }));
    // Clique expansion is quadratic in group size; a group of n members adds weight 1/(n-1) per pair
    // via a group node instead: project through bipartite person–group edges.
    const int np = static_cast<int>(names.size());
    std::vector<std::map<int, double>> adj(np + by_chat.size());
    int gi = np;
    for (auto& [chat, members] : by_chat) {
      for (int p : members) {
        adj[p][gi] += 1.0;
        adj[gi][p] += 1.0;
      }
      ++gi;
    }
    std::vector<int> comm = Louvain(static_cast<int>(adj.size()), adj);
    std::map<int, std::vector<std::string>> groups;
    for (int i = 0; i < np; ++i) groups[comm[i]].push_back(names[i]);
    for (auto& [cid, people] : groups) {
      std::sort(people.begin(), people.end());
      s.communities.push_back({0, std::move(people)});
    }
    std::stable_sort(s.communities.begin(), s.communities.end(), [](const Community& a, const Community& b) {
      if (a.people.size() != b.people.size()) return a.people.size() > b.people.size();
      return a.people < b.people;
    });
    for (size_t i = 0; i < s.communities.size(); ++i) s.communities[i].id = static_cast<int>(i + 1);
    // Brandes (2001), "A faster algorithm for betweenness centrality": BFS from every node.
    const int total = static_cast<int>(adj.size());
    std::vector<std::vector<int>> nb(total);
    for (int i = 0; i < total; ++i) {
      for (auto& [j, w] : adj[i]) nb[i].push_back(j);
    }
    std::vector<double> bc(total, 0.0), delta(total);
    std::vector<int64_t> sigma(total);
    std::vector<int> dist(total), stack;
    std::vector<std::vector<int>> pred(total);
    std::vector<int> queue;
    for (int src = 0; src < total; ++src) {
      std::fill(sigma.begin(), sigma.end(), 0);
      std::fill(dist.begin(), dist.end(), -1);
      std::fill(delta.begin(), delta.end(), 0.0);
      for (auto& p : pred) p.clear();
      stack.clear();
      queue.assign(1, src);
      sigma[src] = 1;
      dist[src] = 0;
      for (size_t qi = 0; qi < queue.size(); ++qi) {
        const int v = queue[qi];
        stack.push_back(v);
        for (int w : nb[v]) {
          if (dist[w] < 0) {
            dist[w] = dist[v] + 1;
            queue.push_back(w);
          }
          if (dist[w] == dist[v] + 1) {
            sigma[w] += sigma[v];
            pred[w].push_back(v);
          }
        }
      }
      for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
        const int w = *it;
        for (int v : pred[w]) delta[v] += static_cast<double>(sigma[v]) / static_cast<double>(sigma[w]) * (1.0 + delta[w]);
        if (w != src) bc[w] += delta[w];
      }
    }
    const double norm = total > 2 ? static_cast<double>(total - 1) * static_cast<double>(total - 2) : 1.0;
    std::map<std::string, std::string> names_of;
    CAIRN_RETURN_IF_ERROR(ForEachRow(db, "SELECT person_id, display_name FROM net_people",
        [&](const Statement& st) { names_of[Text(st, 0)] = Text(st, 1); }));
    for (int i = 0; i < np; ++i) {
      // Undirected: each pair counted twice above, so bc/2 over (n-1)(n-2)/2 = bc / norm.
      s.brokers.push_back({names[i], names_of[names[i]], static_cast<uint64_t>(nb[i].size()), bc[i] / norm});
    }
    std::stable_sort(s.brokers.begin(), s.brokers.end(), [](const Broker& a, const Broker& b) {
      if (a.betweenness != b.betweenness) return a.betweenness > b.betweenness;
      return a.person_id < b.person_id;
    });
    if (s.brokers.size() > options.top_distributors) s.brokers.resize(options.top_distributors);
  }
  return s;
}

std::string SummaryToJson(const Summary& s) {
  Json j;
  j["groups"] = s.groups;
  j["people"] = s.people;
  j["weak_people"] = s.weak_people;
  j["people_with_country"] = s.people_with_country;
  j["messages"] = s.messages;
  j["media_messages"] = s.media;
  j["links"] = s.links;
  j["memberships"] = s.memberships;
  j["attachments"] = {{"hashed", s.attachments_hashed}, {"missing", s.attachments_missing},
                      {"omitted", s.attachments_omitted}};
  j["country_basis"] = "attributed by number";
  Json countries = Json::array();
  for (const CountryCount& c : s.countries) countries.push_back({{"region", c.region}, {"country", c.country}, {"people", c.people}});
  j["countries"] = countries;
  Json groups = Json::array();
  for (const GroupSummary& g : s.group_list) {
    Json gc = Json::array();
    for (const CountryCount& c : g.countries) gc.push_back({{"region", c.region}, {"country", c.country}, {"people", c.people}});
    groups.push_back({{"chat_id", g.chat_id}, {"title", g.title}, {"platform", g.platform}, {"source", g.source},
                      {"members", g.members}, {"messages", g.messages}, {"media", g.media}, {"links", g.links},
                      {"first_time", g.first_time}, {"last_time", g.last_time}, {"countries", gc}});
  }
  j["group_list"] = groups;
  j["distributor_score"] = "media_posted + 2*first_posts + 10*known_hits + 5*groups_reached + links_shared";
  Json dist = Json::array();
  for (const Distributor& d : s.distributors) {
    dist.push_back({{"person_id", d.person_id}, {"display_name", d.display_name}, {"country", d.country},
                    {"media_posted", d.media_posted}, {"first_posts", d.first_posts}, {"known_hits", d.known_hits},
                    {"groups_reached", d.groups_reached}, {"links_shared", d.links_shared}, {"score", d.score}});
  }
  j["distributors"] = dist;
  Json plats = Json::array();
  for (const PlatformCount& p : s.platforms) {
    plats.push_back({{"platform", p.platform}, {"kind", p.kind}, {"links", p.links}, {"hosts", p.hosts},
                     {"groups", p.groups}, {"people", p.people}});
  }
  j["platforms"] = plats;
  Json lg = Json::array();
  for (const GroupLink& g : s.linked_groups) {
    lg.push_back({{"a", g.a}, {"b", g.b}, {"a_title", g.a_title}, {"b_title", g.b_title},
                  {"shared_people", g.shared_people}, {"shared_media", g.shared_media}, {"shared_links", g.shared_links}});
  }
  j["linked_groups"] = lg;
  Json comms = Json::array();
  for (const Community& c : s.communities) comms.push_back({{"id", c.id}, {"size", c.people.size()}, {"people", c.people}});
  j["communities"] = comms;
  Json brokers = Json::array();
  for (const Broker& b : s.brokers) {
    brokers.push_back({{"person_id", b.person_id}, {"display_name", b.display_name}, {"groups", b.groups},
                       {"betweenness", b.betweenness}});
  }
  j["brokers"] = brokers;
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string SummaryToText(const Summary& s) {
  std::string out;
  auto line = [&](const std::string& l) { out += l + "\n"; };
  line("groups " + std::to_string(s.groups) + ", people " + std::to_string(s.people) + " (" +
       std::to_string(s.weak_people) + " known only by name), memberships " + std::to_string(s.memberships) +
       ", messages " + std::to_string(s.messages) + ", media " + std::to_string(s.media) + " (files: " +
       std::to_string(s.attachments_hashed) + " hashed, " + std::to_string(s.attachments_missing) + " missing, " +
       std::to_string(s.attachments_omitted) + " omitted by the export), links " + std::to_string(s.links));
  std::string countries;
  for (const CountryCount& c : s.countries) {
    if (!countries.empty()) countries += ", ";
    countries += c.country + " " + std::to_string(c.people);
  }
  line("countries (attributed by number): " + (countries.empty() ? std::string("none") : countries));
  line("");
  line("groups:");
  for (const GroupSummary& g : s.group_list) {
    line("  [" + std::to_string(g.chat_id) + "] " + g.title + " (" + g.platform + "): " + std::to_string(g.members) +
         " members, " + std::to_string(g.messages) + " messages, " + std::to_string(g.media) + " media, " +
         std::to_string(g.links) + " links, " + (g.first_time.empty() ? "no dates" : g.first_time + " .. " + g.last_time));
  }
  line("");
  line("top distributors (score = media_posted + 2*first_posts + 10*known_hits + 5*groups_reached + links_shared):");
  for (const Distributor& d : s.distributors) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "  %8.1f  %s (%s%s%s): media %llu, first %llu, hits %llu, groups %llu, links %llu",
                  d.score, d.person_id.c_str(), d.display_name.c_str(), d.country.empty() ? "" : ", ",
                  d.country.c_str(), static_cast<unsigned long long>(d.media_posted),
                  static_cast<unsigned long long>(d.first_posts), static_cast<unsigned long long>(d.known_hits),
                  static_cast<unsigned long long>(d.groups_reached), static_cast<unsigned long long>(d.links_shared));
    line(buf);
  }
  line("");
  line("hosting platforms:");
  for (const PlatformCount& p : s.platforms) {
    line("  " + p.platform + " (" + p.kind + "): " + std::to_string(p.links) + " links, " + std::to_string(p.groups) +
         " groups, " + std::to_string(p.people) + " people");
  }
  line("");
  line("linked groups:");
  for (const GroupLink& g : s.linked_groups) {
    line("  " + g.a_title + " <-> " + g.b_title + ": " + std::to_string(g.shared_people) + " people, " +
         std::to_string(g.shared_media) + " media, " + std::to_string(g.shared_links) + " links");
  }
  if (!s.communities.empty()) {
    line("");
    line("communities (Louvain on person–group membership): " + std::to_string(s.communities.size()));
    for (size_t i = 0; i < s.communities.size() && i < 10; ++i) {
      line("  #" + std::to_string(s.communities[i].id) + ": " + std::to_string(s.communities[i].people.size()) + " people");
    }
  }
  if (!s.brokers.empty()) {
    line("");
    line("brokers (betweenness on the person–group graph):");
    for (const Broker& b : s.brokers) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.4f", b.betweenness);
      line("  " + std::string(buf) + "  " + b.person_id + " (" + b.display_name + "): " + std::to_string(b.groups) + " groups");
    }
  }
  return out;
}

Result<PersonReport> GetPerson(store::Case& c, const std::string& id) {
  CAIRN_RETURN_IF_ERROR(EnsureSchema(c));
  store::Database& db = c.db();
  std::string pid;
  for (const char* sql : {"SELECT person_id FROM net_people WHERE person_id=?",
                          "SELECT person_id FROM net_people WHERE e164=?",
                          "SELECT person_id FROM net_people WHERE platform_id=?",
                          "SELECT person_id FROM net_aliases WHERE alias=? ORDER BY person_id"}) {
    CAIRN_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(st.BindText(1, id));
    CAIRN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      pid = Text(st, 0);
      break;
    }
  }
  if (pid.empty()) return Status::NotFound(c.dir().string() + ": no person '" + id + "' in the network tables");
  PersonReport p;
  auto bound = [&](std::string_view sql, auto&& row) -> Status {
    CAIRN_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(st.BindText(1, pid));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool has, st.Step());
      if (!has) break;
      row(st);
    }
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(bound("SELECT person_id, display_name, e164, region, country, weak FROM net_people WHERE person_id=?",
      [&](const Statement& st) {
        p.person_id = Text(st, 0);
        p.display_name = Text(st, 1);
        p.e164 = Text(st, 2);
        p.region = Text(st, 3);
        p.country = Text(st, 4);
        p.weak = st.ColumnInt(5) != 0;
      }));
  CAIRN_RETURN_IF_ERROR(bound("SELECT DISTINCT alias FROM net_aliases WHERE person_id=? ORDER BY alias",
      [&](const Statement& st) { p.aliases.push_back(Text(st, 0)); }));
  CAIRN_RETURN_IF_ERROR(bound(
      "SELECT c.title, c.chat_id, m.messages, m.first_seen, m.last_seen, m.joined, m.left_at, m.zone_known"
      " FROM net_memberships m JOIN net_chats c USING(chat_id) WHERE m.person_id=? ORDER BY c.chat_id",
      [&](const Statement& st) {
        PersonReport::Group g;
        g.title = Text(st, 0);
        g.chat_id = st.ColumnInt(1);
        g.messages = U(st, 2);
        const bool z = st.ColumnInt(7) != 0;
        if (!st.ColumnIsNull(3)) g.first_seen = FormatStoredTime(st.ColumnInt(3), z);
        if (!st.ColumnIsNull(4)) g.last_seen = FormatStoredTime(st.ColumnInt(4), z);
        if (!st.ColumnIsNull(5)) g.joined = FormatStoredTime(st.ColumnInt(5), z);
        if (!st.ColumnIsNull(6)) g.left = FormatStoredTime(st.ColumnInt(6), z);
        p.messages += g.messages;
        p.groups.push_back(std::move(g));
      }));
  CAIRN_RETURN_IF_ERROR(bound("SELECT count(*) FROM net_messages WHERE person_id=? AND kind='media'",
      [&](const Statement& st) { p.media_posted = U(st, 0); }));
  CAIRN_RETURN_IF_ERROR(bound("SELECT count(*) FROM net_media WHERE first_person=?",
      [&](const Statement& st) { p.first_posts = U(st, 0); }));
  CAIRN_RETURN_IF_ERROR(bound("SELECT count(*) FROM net_links WHERE person_id=?",
      [&](const Statement& st) { p.links_shared = U(st, 0); }));
  CAIRN_RETURN_IF_ERROR(bound("SELECT DISTINCT url FROM net_links WHERE person_id=? ORDER BY url LIMIT 100",
      [&](const Statement& st) { p.links.push_back(Text(st, 0)); }));
  return p;
}

std::string PersonToJson(const PersonReport& p) {
  Json j;
  j["person_id"] = p.person_id;
  j["display_name"] = p.display_name;
  j["weak"] = p.weak;
  j["e164"] = p.e164;
  j["region"] = p.region;
  j["country"] = p.country;
  j["country_basis"] = "attributed by number";
  j["aliases"] = p.aliases;
  Json groups = Json::array();
  for (const auto& g : p.groups) {
    groups.push_back({{"chat_id", g.chat_id}, {"title", g.title}, {"messages", g.messages}, {"first_seen", g.first_seen},
                      {"last_seen", g.last_seen}, {"joined", g.joined}, {"left", g.left}});
  }
  j["groups"] = groups;
  j["messages"] = p.messages;
  j["media_posted"] = p.media_posted;
  j["first_posts"] = p.first_posts;
  j["links_shared"] = p.links_shared;
  j["links"] = p.links;
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cairn::net
