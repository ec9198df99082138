#include "cairn/trail/export.h"

#include <cstdio>
#include <vector>

#include "cairn/core/text.h"

namespace cairn::trail {

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "graphml") return ExportFormat::kGraphMl;
  if (name == "gexf") return ExportFormat::kGexf;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  return Status::InvalidArgument("unknown export format '" + std::string(name) +
                                 "' (graphml, gexf, csv, json)");
}

Status WriteExport(const LedgerGraph& g, const std::map<std::string, std::string>& flagged,
                   ExportFormat format, std::ostream& out) {
  const size_t n = g.num_accounts();
  auto is_flagged = [&](uint32_t v) { return flagged.count(g.name(v)) > 0; };
  switch (format) {
    case ExportFormat::kGraphMl: {
      out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
             "  <key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
             "  <key id=\"flagged\" for=\"node\" attr.name=\"flagged\" attr.type=\"boolean\"/>\n"
             "  <key id=\"tx_id\" for=\"edge\" attr.name=\"tx_id\" attr.type=\"long\"/>\n"
             "  <key id=\"amount_minor\" for=\"edge\" attr.name=\"amount_minor\" attr.type=\"long\"/>\n"
             "  <key id=\"time\" for=\"edge\" attr.name=\"time\" attr.type=\"long\"/>\n"
             "  <graph id=\"ledger\" edgedefault=\"directed\">\n";
      for (uint32_t v = 0; v < n; ++v) {
        out << "    <node id=\"a" << v << "\"><data key=\"name\">" << XmlEscape(g.name(v))
            << "</data><data key=\"flagged\">" << (is_flagged(v) ? "true" : "false") << "</data></node>\n";
      }
      for (uint32_t e = 0; e < g.num_transfers(); ++e) {
        const Transfer& t = g.edge(e);
        out << "    <edge id=\"t" << t.tx_id << "\" source=\"a" << t.from << "\" target=\"a" << t.to
            << "\"><data key=\"tx_id\">" << t.tx_id << "</data><data key=\"amount_minor\">" << t.amount
            << "</data><data key=\"time\">" << t.time << "</data></edge>\n";
      }
      out << "  </graph>\n</graphml>\n";
      break;
    }
    case ExportFormat::kGexf: {
      out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
             "  <graph defaultedgetype=\"directed\" mode=\"static\">\n"
             "    <attributes class=\"node\"><attribute id=\"flagged\" title=\"flagged\" type=\"boolean\"/></attributes>\n"
             "    <attributes class=\"edge\"><attribute id=\"tx_id\" title=\"tx_id\" type=\"long\"/>"
             "<attribute id=\"amount_minor\" title=\"amount_minor\" type=\"long\"/>"
             "<attribute id=\"time\" title=\"time\" type=\"long\"/></attributes>\n"
             "    <nodes>\n";
      for (uint32_t v = 0; v < n; ++v) {
        out << "      <node id=\"a" << v << "\" label=\"" << XmlEscape(g.name(v))
            << "\"><attvalues><attvalue for=\"flagged\" value=\"" << (is_flagged(v) ? "true" : "false")
            << "\"/></attvalues></node>\n";
      }
      out << "    </nodes>\n    <edges>\n";
      for (uint32_t e = 0; e < g.num_transfers(); ++e) {
        const Transfer& t = g.edge(e);
        out << "      <edge id=\"t" << t.tx_id << "\" source=\"a" << t.from << "\" target=\"a" << t.to
            << "\" weight=\"" << t.amount << "\"><attvalues><attvalue for=\"tx_id\" value=\"" << t.tx_id
            << "\"/><attvalue for=\"amount_minor\" value=\"" << t.amount
            << "\"/><attvalue for=\"time\" value=\"" << t.time << "\"/></attvalues></edge>\n";
      }
      out << "    </edges>\n  </graph>\n</gexf>\n";
      break;
    }
    case ExportFormat::kCsv: {
      out << "tx_id,from,to,amount_minor,currency,time,time_text,from_flagged,to_flagged\n";
      for (uint32_t e = 0; e < g.num_transfers(); ++e) {
        const Transfer& t = g.edge(e);
        out << t.tx_id << ',' << CsvField(g.name(t.from)) << ',' << CsvField(g.name(t.to)) << ','
            << t.amount << ',' << CsvField(g.currency()) << ',' << t.time << ','
            << FormatTime(t.time, g.time_kind()) << ',' << (is_flagged(t.from) ? "true" : "false")
            << ',' << (is_flagged(t.to) ? "true" : "false") << '\n';
      }
      break;
    }
    case ExportFormat::kJson: {
      out << "{\"currency\":" << JsonQuote(g.currency()) << ",\"time_kind\":\""
          << TimeKindName(g.time_kind()) << "\",\"accounts\":[";
      for (uint32_t v = 0; v < n; ++v) {
        out << (v ? "," : "") << "{\"account\":" << JsonQuote(g.name(v))
            << ",\"flagged\":" << (is_flagged(v) ? "true" : "false") << "}";
      }
      out << "],\"transfers\":[";
      for (uint32_t e = 0; e < g.num_transfers(); ++e) {
        const Transfer& t = g.edge(e);
        out << (e ? "," : "") << "{\"tx_id\":" << t.tx_id << ",\"from\":" << JsonQuote(g.name(t.from))
            << ",\"to\":" << JsonQuote(g.name(t.to)) << ",\"amount_minor\":" << t.amount
            << ",\"time\":" << t.time << "}";
      }
      out << "]}\n";
      break;
    }
  }
  if (!out) return Status::IoError("export: write failed");
  return Status::Ok();
}

}  // namespace cairn::trail
