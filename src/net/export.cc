// `cairn net export`: the network graph (people, groups, media, hosts; member_of, posted,
// shared_link edges) as GraphML, GEXF, JSON or Neo4j admin-import CSV.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cairn/core/text.h"
#include "cairn/net/network.h"
#include "cairn/store/database.h"
#include "net_internal.h"

namespace cairn::net {
namespace {

using store::Statement;

struct Node {
  std::string id, type, label, country;
};
struct Edge {
  std::string source, target, type;
  int64_t weight = 0;
  std::string first, last;
};

Status Load(store::Database& db, std::vector<Node>& nodes, std::vector<Edge>& edges) {
  auto q = [&](std::string_view sql, auto&& row) -> Status {
    CAIRN_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool has, st.Step());
      if (!has) break;
      row(st);
    }
    return Status::Ok();
  };
  auto t = [](const Statement& st, int c) { return std::string(st.ColumnText(c)); };
  auto time = [](const Statement& st, int c, int z) {
    return st.ColumnIsNull(c) ? std::string() : FormatStoredTime(st.ColumnInt(c), st.ColumnInt(z) != 0);
  };
  CAIRN_RETURN_IF_ERROR(q("SELECT person_id, display_name, country FROM net_people ORDER BY person_id",
      [&](const Statement& st) { nodes.push_back({"p:" + t(st, 0), "person", t(st, 1), t(st, 2)}); }));
  CAIRN_RETURN_IF_ERROR(q("SELECT chat_id, title FROM net_chats ORDER BY chat_id",
      [&](const Statement& st) { nodes.push_back({"g:" + t(st, 0), "group", t(st, 1), ""}); }));
  CAIRN_RETURN_IF_ERROR(q("SELECT media_id, media_key, name FROM net_media ORDER BY media_id",
      [&](const Statement& st) { nodes.push_back({"m:" + t(st, 0), "media", t(st, 2), ""}); }));
  CAIRN_RETURN_IF_ERROR(q("SELECT DISTINCT host, platform FROM net_links ORDER BY host",
      [&](const Statement& st) {
        nodes.push_back({"h:" + t(st, 0), "host", t(st, 1).empty() ? t(st, 0) : t(st, 0) + " (" + t(st, 1) + ")", ""});
      }));
  CAIRN_RETURN_IF_ERROR(q("SELECT person_id, chat_id, messages, first_seen, last_seen, zone_known FROM net_memberships"
                          " ORDER BY chat_id, person_id",
      [&](const Statement& st) {
        edges.push_back({"p:" + t(st, 0), "g:" + t(st, 1), "member_of", st.ColumnInt(2), time(st, 3, 5), time(st, 4, 5)});
      }));
  CAIRN_RETURN_IF_ERROR(q("SELECT person_id, media_id, count(*), min(time), max(time), max(zone_known) FROM net_messages"
                          " WHERE media_id IS NOT NULL AND person_id IS NOT NULL GROUP BY person_id, media_id"
                          " ORDER BY media_id, person_id",
      [&](const Statement& st) {
        edges.push_back({"p:" + t(st, 0), "m:" + t(st, 1), "posted", st.ColumnInt(2), time(st, 3, 5), time(st, 4, 5)});
      }));
  CAIRN_RETURN_IF_ERROR(q("SELECT DISTINCT media_id, chat_id FROM net_messages WHERE media_id IS NOT NULL"
                          " ORDER BY media_id, chat_id",
      [&](const Statement& st) { edges.push_back({"m:" + t(st, 0), "g:" + t(st, 1), "posted_in", 1, "", ""}); }));
  CAIRN_RETURN_IF_ERROR(q("SELECT l.person_id, l.host, count(*), min(l.time), max(l.time), max(m.zone_known)"
                          " FROM net_links l JOIN net_messages m USING(message_id)"
                          " WHERE l.person_id IS NOT NULL GROUP BY l.person_id, l.host ORDER BY l.host, l.person_id",
      [&](const Statement& st) {
        edges.push_back({"p:" + t(st, 0), "h:" + t(st, 1), "shared_link", st.ColumnInt(2), time(st, 3, 5), time(st, 4, 5)});
      }));
  return Status::Ok();
}

std::string GraphMl(const std::vector<Node>& nodes, const std::vector<Edge>& edges) {
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                  "  <key id=\"type\" for=\"all\" attr.name=\"type\" attr.type=\"string\"/>\n"
                  "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
                  "  <key id=\"country\" for=\"node\" attr.name=\"country\" attr.type=\"string\"/>\n"
                  "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"long\"/>\n"
                  "  <key id=\"first\" for=\"edge\" attr.name=\"first\" attr.type=\"string\"/>\n"
                  "  <key id=\"last\" for=\"edge\" attr.name=\"last\" attr.type=\"string\"/>\n"
                  "  <graph id=\"net\" edgedefault=\"directed\">\n";
  for (const Node& n : nodes) {
    o += "    <node id=\"" + XmlEscape(n.id) + "\"><data key=\"type\">" + n.type + "</data><data key=\"label\">" +
         XmlEscape(n.label) + "</data>";
    if (!n.country.empty()) o += "<data key=\"country\">" + XmlEscape(n.country) + "</data>";
    o += "</node>\n";
  }
  for (const Edge& e : edges) {
    o += "    <edge source=\"" + XmlEscape(e.source) + "\" target=\"" + XmlEscape(e.target) + "\"><data key=\"type\">" + e.type +
         "</data><data key=\"weight\">" + std::to_string(e.weight) + "</data>";
    if (!e.first.empty()) o += "<data key=\"first\">" + e.first + "</data><data key=\"last\">" + e.last + "</data>";
    o += "</edge>\n";
  }
  return o + "  </graph>\n</graphml>\n";
}

std::string Gexf(const std::vector<Node>& nodes, const std::vector<Edge>& edges) {
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
                  "  <graph defaultedgetype=\"directed\">\n"
                  "    <attributes class=\"node\"><attribute id=\"0\" title=\"type\" type=\"string\"/>"
                  "<attribute id=\"1\" title=\"country\" type=\"string\"/></attributes>\n"
                  "    <attributes class=\"edge\"><attribute id=\"0\" title=\"type\" type=\"string\"/>"
                  "<attribute id=\"1\" title=\"first\" type=\"string\"/><attribute id=\"2\" title=\"last\" type=\"string\"/>"
                  "</attributes>\n    <nodes>\n";
  for (const Node& n : nodes) {
    o += "      <node id=\"" + XmlEscape(n.id) + "\" label=\"" + XmlEscape(n.label) + "\"><attvalues><attvalue for=\"0\" value=\"" +
         n.type + "\"/><attvalue for=\"1\" value=\"" + XmlEscape(n.country) + "\"/></attvalues></node>\n";
  }
  o += "    </nodes>\n    <edges>\n";
  size_t i = 0;
  for (const Edge& e : edges) {
    o += "      <edge id=\"" + std::to_string(i++) + "\" source=\"" + XmlEscape(e.source) + "\" target=\"" + XmlEscape(e.target) +
         "\" weight=\"" + std::to_string(e.weight) + "\"><attvalues><attvalue for=\"0\" value=\"" + e.type +
         "\"/><attvalue for=\"1\" value=\"" + e.first + "\"/><attvalue for=\"2\" value=\"" + e.last +
         "\"/></attvalues></edge>\n";
  }
  return o + "    </edges>\n  </graph>\n</gexf>\n";
}

std::string JsonGraph(const std::vector<Node>& nodes, const std::vector<Edge>& edges) {
  nlohmann::ordered_json j;
  j["nodes"] = nlohmann::ordered_json::array();
  for (const Node& n : nodes) j["nodes"].push_back({{"id", n.id}, {"type", n.type}, {"label", n.label}, {"country", n.country}});
  j["edges"] = nlohmann::ordered_json::array();
  for (const Edge& e : edges) {
    j["edges"].push_back({{"source", e.source}, {"target", e.target}, {"type", e.type}, {"weight", e.weight},
                          {"first", e.first}, {"last", e.last}});
  }
  return j.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// Groups on a circle; a person at the mean of their groups' positions, pulled towards the centre
// a little and spread by a fixed hash of the id; colour by attributed country (grey: none).
std::string Svg(const std::vector<Node>& nodes, const std::vector<Edge>& edges) {
  const double size = 1200, centre = size / 2, radius = size * 0.42;
  std::map<std::string, std::pair<double, double>> pos;
  std::vector<const Node*> groups;
  for (const Node& n : nodes) {
    if (n.type == "group") groups.push_back(&n);
  }
  const double pi = 3.14159265358979323846;
  for (size_t i = 0; i < groups.size(); ++i) {
    const double a = 2 * pi * static_cast<double>(i) / static_cast<double>(std::max<size_t>(groups.size(), 1));
    pos[groups[i]->id] = {centre + radius * std::cos(a), centre + radius * std::sin(a)};
  }
  std::map<std::string, std::vector<std::string>> member_of;
  std::map<std::string, int64_t> weight;
  for (const Edge& e : edges) {
    if (e.type == "member_of") member_of[e.source].push_back(e.target);
  }
  auto hash = [](std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    return h;
  };
  std::string people_svg, edge_svg;
  char buf[256];
  for (const Node& n : nodes) {
    if (n.type != "person") continue;
    auto it = member_of.find(n.id);
    if (it == member_of.end()) continue;
    double x = 0, y = 0;
    for (const std::string& g : it->second) {
      x += pos[g].first;
      y += pos[g].second;
    }
    x /= static_cast<double>(it->second.size());
    y /= static_cast<double>(it->second.size());
    const uint64_t h = hash(n.id);
    const double pull = it->second.size() > 1 ? 0.75 : 0.85 - static_cast<double>(h % 1000) / 4000.0;
    const double jitter_a = 2 * pi * static_cast<double>((h >> 10) % 3600) / 3600.0;
    const double jitter_r = 6 + static_cast<double>((h >> 22) % 40);
    x = centre + (x - centre) * pull + jitter_r * std::cos(jitter_a);
    y = centre + (y - centre) * pull + jitter_r * std::sin(jitter_a);
    pos[n.id] = {x, y};
    for (const std::string& g : it->second) {
      std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, y, pos[g].first,
                    pos[g].second);
      edge_svg += buf;
    }
    const uint64_t ch = n.country.empty() ? 0 : hash(n.country);
    const std::string fill = n.country.empty() ? "#999999" : "hsl(" + std::to_string(ch % 360) + ",65%,45%)";
    std::snprintf(buf, sizeof buf, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"", x, y,
                  it->second.size() > 1 ? 4.0 : 2.5);
    people_svg += buf + fill + "\"><title>" + XmlEscape(n.label) + " " + XmlEscape(n.id.substr(2)) +
                  (n.country.empty() ? "" : " (" + XmlEscape(n.country) + ", attributed by number)") + "</title></circle>\n";
  }
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" "
                  "height=\"1200\" viewBox=\"0 0 1200 1200\" font-family=\"sans-serif\">\n"
                  "<rect width=\"1200\" height=\"1200\" fill=\"white\"/>\n"
                  "<g stroke=\"#bbbbbb\" stroke-width=\"0.4\" stroke-opacity=\"0.6\">\n" + edge_svg + "</g>\n<g>\n" +
                  people_svg + "</g>\n<g>\n";
  for (const Node* g : groups) {
    const auto [x, y] = pos[g->id];
    std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#222222\"/>", x - 7, y - 7);
    o += buf;
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\">", x,
                  y + (y > centre ? 22 : -12));
    o += buf + XmlEscape(g->label) + "</text>\n";
  }
  return o + "</g>\n</svg>\n";
}

Status WriteFile(const std::filesystem::path& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return Status::Ok();
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return Status::IoError(out.string() + ": cannot write");
  return Status::Ok();
}

}  // namespace

Status ExportGraph(store::Case& c, ExportFormat format, const std::filesystem::path& out) {
  CAIRN_RETURN_IF_ERROR(EnsureSchema(c));
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  CAIRN_RETURN_IF_ERROR(Load(c.db(), nodes, edges));
  switch (format) {
    case ExportFormat::kGraphMl: return WriteFile(out, GraphMl(nodes, edges));
    case ExportFormat::kGexf: return WriteFile(out, Gexf(nodes, edges));
    case ExportFormat::kJson: return WriteFile(out, JsonGraph(nodes, edges));
    case ExportFormat::kSvg: return WriteFile(out, Svg(nodes, edges));
    case ExportFormat::kNeo4jCsv: {
      if (out.empty() || out == "-") return Status::InvalidArgument("neo4j-csv needs -o FOLDER");
      std::error_code ec;
      std::filesystem::create_directories(out, ec);
      if (ec) return Status::IoError(out.string() + ": " + ec.message());
      std::string n = "id:ID,:LABEL,label,country\n";
      for (const Node& x : nodes) {
        std::string label = x.type == "person" ? "Person" : x.type == "group" ? "Group" : x.type == "media" ? "Media" : "Host";
        n += CsvField(x.id) + "," + label + "," + CsvField(x.label) + "," + CsvField(x.country) + "\n";
      }
      std::string e = ":START_ID,:END_ID,:TYPE,weight:long,first,last\n";
      for (const Edge& x : edges) {
        std::string type = x.type;
        for (char& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        e += CsvField(x.source) + "," + CsvField(x.target) + "," + type + "," + std::to_string(x.weight) + "," + x.first + "," +
             x.last + "\n";
      }
      CAIRN_RETURN_IF_ERROR(WriteFile(out / "nodes.csv", n));
      return WriteFile(out / "edges.csv", e);
    }
  }
  return Status::InvalidArgument("unknown export format");
}

}  // namespace cairn::net
