#include "cairn/trail/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/core/text.h"
#include "cairn/trail/export.h"

namespace cairn::trail {
namespace {

}  // namespace

std::string MoneyFlowSvg(const LedgerGraph& g, const TraceResult& r, bool forward,
                         const std::map<std::string, std::string>& flagged, size_t max_accounts) {
  struct Box {
    uint32_t account;
    int hops;
    int64_t amount;
    int row = 0;
  };
  std::vector<Box> boxes;
  std::unordered_map<uint32_t, size_t> index;
  // A start account's own share: the traced money it sent (forward) or received (backward).
  std::unordered_map<uint32_t, int64_t> start_share;
  for (const EdgeFlow& ef : r.subgraph) {
    const Transfer& t = g.edge(ef.edge);
    start_share[forward ? t.from : t.to] += ef.amount;
  }
  for (uint32_t s : r.start) {
    if (index.count(s)) continue;
    index[s] = boxes.size();
    boxes.push_back({s, 0, r.start.size() == 1 ? r.start_amount : start_share[s]});
  }
  std::vector<AccountFlow> flows = r.accounts;
  std::sort(flows.begin(), flows.end(), [](const AccountFlow& a, const AccountFlow& b) {
    return a.traced != b.traced ? a.traced > b.traced : a.account < b.account;
  });
  for (const AccountFlow& f : flows) {
    if (index.size() >= r.start.size() + max_accounts) break;
    if (index.count(f.account)) continue;
    index[f.account] = boxes.size();
    boxes.push_back({f.account, f.min_hops, f.traced});
  }
  int max_hops = 0;
  for (const Box& b : boxes) max_hops = std::max(max_hops, b.hops);
  std::vector<int> rows(static_cast<size_t>(max_hops) + 1, 0);
  for (Box& b : boxes) b.row = rows[static_cast<size_t>(b.hops)]++;
  int max_rows = 1;
  for (int n : rows) max_rows = std::max(max_rows, n);
  constexpr int kColW = 220, kBoxW = 160, kBoxH = 36, kRowH = 52, kPad = 30;
  auto col_of = [&](const Box& b) { return forward ? b.hops : max_hops - b.hops; };
  auto x_of = [&](const Box& b) { return kPad + col_of(b) * kColW; };
  auto y_of = [&](const Box& b) { return kPad + 30 + b.row * kRowH; };
  const int width = kPad * 2 + max_hops * kColW + kBoxW;
  const int height = kPad * 2 + 30 + max_rows * kRowH;
  int64_t max_edge = 1;
  std::map<std::pair<uint32_t, uint32_t>, int64_t> links;
  for (const EdgeFlow& ef : r.subgraph) {
    const Transfer& t = g.edge(ef.edge);
    if (!index.count(t.from) || !index.count(t.to)) continue;
    max_edge = std::max(max_edge, links[{t.from, t.to}] += ef.amount);
  }
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "font-family=\"sans-serif\" font-size=\"11\">\n",
                width, height);
  svg += buf;
  svg += "<text x=\"" + std::to_string(kPad) + "\" y=\"" + std::to_string(kPad) + "\" font-size=\"13\">" +
         (forward ? "Forward" : "Backward") + " trace: " + std::to_string(r.start_amount) + " minor units" +
         (g.currency().empty() ? "" : " " + XmlLabel(g.currency(), 12)) + "; " +
         (r.truncated ? "TRUNCATED (" + XmlLabel(r.truncated_reason, 80) + ")" : std::string("complete")) +
         "</text>\n";
  for (const auto& [key, amount] : links) {
    const Box& a = boxes[index[key.first]];
    const Box& b = boxes[index[key.second]];
    const double w = 1.0 + 11.0 * std::sqrt(static_cast<double>(amount) / static_cast<double>(max_edge));
    const bool a_left = x_of(a) <= x_of(b);
    const int x1 = x_of(a) + (a_left ? kBoxW : 0), y1 = y_of(a) + kBoxH / 2;
    const int x2 = x_of(b) + (a_left ? 0 : kBoxW), y2 = y_of(b) + kBoxH / 2;
    std::snprintf(buf, sizeof buf,
                  "<path d=\"M%d,%d C%d,%d %d,%d %d,%d\" fill=\"none\" stroke=\"#4a7bb7\" "
                  "stroke-opacity=\"0.55\" stroke-width=\"%.1f\"><title>%lld</title></path>\n",
                  x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2, w, static_cast<long long>(amount));
    svg += buf;
  }
  for (const Box& b : boxes) {
    const std::string& name = g.name(b.account);
    const bool flag = flagged.count(name) > 0;
    const std::string label = XmlLabel(name, 23);
    std::snprintf(buf, sizeof buf,
                  "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" "
                  "stroke=\"%s\" stroke-width=\"%d\"/>",
                  x_of(b), y_of(b), kBoxW, kBoxH, b.hops == 0 ? "#fde9c9" : "#eef3fa",
                  flag ? "#c0392b" : "#7f8c8d", flag ? 3 : 1);
    svg += buf;
    svg += "<text x=\"" + std::to_string(x_of(b) + 6) + "\" y=\"" + std::to_string(y_of(b) + 15) +
           "\"><title>" + XmlLabel(name, 200) + (flag ? ": " + XmlLabel(flagged.at(name), 300) : "") + "</title>" +
           label + (flag ? " [flagged]" : "") + "</text>";
    svg += "<text x=\"" + std::to_string(x_of(b) + 6) + "\" y=\"" + std::to_string(y_of(b) + 29) +
           "\">" + std::to_string(b.amount) + (b.hops == 0 ? " start" : " traced") + "</text></g>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace cairn::trail
