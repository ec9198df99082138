#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "cairn/trail/export.h"
#include "cairn/trail/graph.h"

namespace cairn::trail {
namespace {

LedgerGraph Small() {
  return LedgerGraph::Build({"A<&>", "B,\"x\"", "C"},
                            {{0, 1, 1050, 1483228800, 7}, {1, 2, 500, 1483228900, 8}},
                            TimeKind::kUtcSeconds, "EUR");
}

TEST(Export, JsonIsValidAndComplete) {
  std::ostringstream out;
  ASSERT_TRUE(WriteExport(Small(), {{"C", "hits"}}, ExportFormat::kJson, out).ok());
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["currency"], "EUR");
  EXPECT_EQ(j["time_kind"], "utc_seconds");
  ASSERT_EQ(j["accounts"].size(), 3u);
  EXPECT_EQ(j["accounts"][0]["account"], "A<&>");
  EXPECT_EQ(j["accounts"][2]["flagged"], true);
  ASSERT_EQ(j["transfers"].size(), 2u);
  EXPECT_EQ(j["transfers"][0]["tx_id"], 7);
  EXPECT_EQ(j["transfers"][0]["amount_minor"], 1050);
  EXPECT_EQ(j["transfers"][1]["from"], "B,\"x\"");
}

TEST(Export, CsvQuotesAndTimes) {
  std::ostringstream out;
  ASSERT_TRUE(WriteExport(Small(), {}, ExportFormat::kCsv, out).ok());
  EXPECT_EQ(out.str(),
            "tx_id,from,to,amount_minor,currency,time,time_text,from_flagged,to_flagged\n"
            "7,A<&>,\"B,\"\"x\"\"\",1050,EUR,1483228800,2017-01-01T00:00:00Z,false,false\n"
            "8,\"B,\"\"x\"\"\",C,500,EUR,1483228900,2017-01-01T00:01:40Z,false,false\n");
}

TEST(Export, XmlFormatsEscapeNames) {
  for (ExportFormat f : {ExportFormat::kGraphMl, ExportFormat::kGexf}) {
    std::ostringstream out;
    ASSERT_TRUE(WriteExport(Small(), {}, f, out).ok());
    const std::string s = out.str();
    EXPECT_NE(s.find("A&lt;&amp;&gt;"), std::string::npos);
    EXPECT_EQ(s.find("A<&>"), std::string::npos);
    EXPECT_NE(s.find("source=\"a0\" target=\"a1\""), std::string::npos);
  }
  EXPECT_FALSE(ParseExportFormat("dot").ok());
  EXPECT_EQ(*ParseExportFormat("gexf"), ExportFormat::kGexf);
}

}  // namespace
}  // namespace cairn::trail

#include "cairn/trail/svg.h"
#include "cairn/trail/trace.h"

namespace cairn::trail {
namespace {

TEST(MoneyFlowSvg, DrawsTracedAccountsAndMarksFlagged) {
  LedgerGraph g = Small();
  std::vector<uint32_t> start = {0};
  auto r = Trace(g, start, TraceOptions{});
  ASSERT_TRUE(r.ok());
  const std::string svg = MoneyFlowSvg(g, *r, true, {{"C", "hits"}});
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  size_t rects = 0;
  for (size_t p = svg.find("<rect"); p != std::string::npos; p = svg.find("<rect", p + 1)) ++rects;
  EXPECT_EQ(rects, 3u);
  EXPECT_NE(svg.find("A&lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(svg.find("C [flagged]"), std::string::npos);
  EXPECT_NE(svg.find("<path"), std::string::npos);
}

}  // namespace
}  // namespace cairn::trail
