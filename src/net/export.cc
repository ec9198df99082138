// `cairn net export`: the network graph (people, groups, media, hosts; member_of, posted,
// shared_link edges) as GraphML, GEXF, JSON or Neo4j admin-import CSV.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cairn/core/text.h"
#include "cairn/net/network.h"
#include "cairn/net/svg.h"
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
  auto q = [&](std::string_view sql, auto&& row) { return store::ForEachRow(db, sql, row); };
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
    case ExportFormat::kSvg: {  // the picture of `cairn report`'s network section
      SummaryOptions so;
      so.communities = false;
      CAIRN_ASSIGN_OR_RETURN(Summary summary, Summarize(c, so));
      CAIRN_ASSIGN_OR_RETURN(NetworkPicture picture, LoadNetworkPicture(c, summary));
      return WriteFile(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + NetworkSvg(picture));
    }
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
