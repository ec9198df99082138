// The "Money" section of report.html and money.json (include/cairn/report/report.h). Reads the
// ledger through the trail API only (LedgerGraph::Load, ListLinks, FlaggedAccounts, FindPatterns,
// Trace, MoneyFlowSvg).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cairn/core/text.h"
#include "cairn/report/report.h"
#include "cairn/store/database.h"
#include "cairn/trail/graph.h"
#include "cairn/trail/links.h"
#include "cairn/trail/patterns.h"
#include "cairn/trail/svg.h"
#include "cairn/trail/trace.h"

namespace cairn::report {

namespace {

using Json = nlohmann::ordered_json;
using trail::LedgerGraph;

constexpr size_t kLinkRows = 200;
constexpr size_t kPatternRows = 50;
constexpr size_t kFlowRows = 15;
constexpr size_t kTraceAccounts = 20;

// Direct transfers between one of the `basis` accounts and one counterparty, summed.
struct Flow {
  uint32_t account = 0, counterparty = 0;
  uint64_t transfers = 0;
  int64_t total = 0, first = 0, last = 0;
};

std::vector<Flow> DirectFlows(const LedgerGraph& g, const std::set<uint32_t>& basis, bool out) {
  std::map<std::pair<uint32_t, uint32_t>, Flow> by_pair;
  for (uint32_t v : basis) {
    for (uint32_t e : out ? g.out(v) : g.in(v)) {
      const trail::Transfer& t = g.edge(e);
      const uint32_t other = out ? t.to : t.from;
      Flow& f = by_pair[{v, other}];
      if (f.transfers == 0) {
        f.account = v;
        f.counterparty = other;
        f.first = t.time;
      }
      ++f.transfers;
      f.total += t.amount;
      f.first = std::min(f.first, t.time);
      f.last = std::max(f.last, t.time);
    }
  }
  std::vector<Flow> flows;
  for (auto& [k, f] : by_pair) flows.push_back(f);
  std::stable_sort(flows.begin(), flows.end(), [](const Flow& a, const Flow& b) { return a.total > b.total; });
  return flows;
}

std::string Absent() {
  return "<h2 id=\"money\">Money</h2>\n<p>No ledger ingested (cairn trail ingest).</p>\n";
}

}  // namespace

Result<Section> BuildMoneySection(store::Case& c, const ReportOptions& options) {
  Section s;
  CAIRN_ASSIGN_OR_RETURN(int64_t version, store::SchemaVersion(c.db(), "trail"));
  if (version == 0) {
    s.html = Absent();
    return s;
  }
  Result<LedgerGraph> loaded = LedgerGraph::Load(c, options.currency);
  if (!loaded.ok()) {
    if (loaded.status().code() != StatusCode::kInvalidArgument) return loaded.status();
    // Several currencies and none chosen: say so instead of mixing amounts.
    s.present = true;
    s.html = "<h2 id=\"money\">Money</h2>\n<p>" + XmlEscape(loaded.status().message()) +
             " — run cairn report with --currency.</p>\n";
    Json j;
    j["currency"] = nullptr;
    j["error"] = loaded.status().message();
    s.json = j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    return s;
  }
  const LedgerGraph& g = *loaded;
  if (g.num_accounts() == 0) {
    s.html = Absent();
    return s;
  }
  s.present = true;
  CAIRN_ASSIGN_OR_RETURN(std::vector<trail::Link> links, trail::ListLinks(c));
  CAIRN_ASSIGN_OR_RETURN(auto flagged, trail::FlaggedAccounts(c));
  const trail::PatternReport patterns = trail::FindPatterns(g, trail::PatternOptions{});

  std::set<uint32_t> flagged_ids, linked_ids;
  for (const auto& [name, reason] : flagged) {
    if (auto a = g.FindAccount(name)) flagged_ids.insert(*a);
  }
  for (const trail::Link& l : links) {
    if (auto a = g.FindAccount(l.account)) linked_ids.insert(*a);
  }
  const bool by_flagged = !flagged_ids.empty();
  const std::set<uint32_t>& basis = by_flagged ? flagged_ids : linked_ids;
  const std::string basis_name = by_flagged ? "flagged" : basis.empty() ? "none" : "linked";

  auto n = [](uint64_t v) { return std::to_string(v); };
  auto i64 = [](int64_t v) { return std::to_string(v); };
  auto time = [&](int64_t t) { return trail::FormatTime(t, g.time_kind()); };
  auto name = [&](uint32_t a) { return XmlEscape(g.name(a)); };
  const std::string unit = g.currency().empty() ? "minor units" : "minor units of " + XmlEscape(g.currency());

  std::string h;
  h += "<h2 id=\"money\">Money</h2>\n<p>" + n(g.num_accounts()) + " accounts, " + n(g.num_transfers()) +
       " transfers (duplicates by transaction id excluded)" +
       (g.currency().empty() ? std::string() : ", currency " + XmlEscape(g.currency())) + "; times " +
       std::string(trail::TimeKindName(g.time_kind()) == "utc_seconds" ? "in UTC" : "as ledger steps") +
       "; amounts in " + unit + ". " + n(links.size()) + " account–person links, " + n(flagged.size()) +
       " accounts linked to people flagged for known-material hits.</p>\n";

  h += "<h3>Linked persons</h3>\n";
  if (links.empty()) {
    h += "<p>No account is linked to a person (cairn trail link).</p>\n";
  } else {
    if (links.size() > kLinkRows) h += "<p>The first " + n(kLinkRows) + " of " + n(links.size()) + " (all in money.json).</p>\n";
    h += "<table><tr><th>Account</th><th>Person</th><th>Reason</th><th>Confidence</th><th>Source</th></tr>\n";
    for (size_t i = 0; i < links.size() && i < kLinkRows; ++i) {
      const trail::Link& l = links[i];
      char conf[16];
      std::snprintf(conf, sizeof conf, "%.2f", l.confidence);
      h += std::string(flagged.count(l.account) ? "<tr class=\"hit\">" : "<tr>") + "<td>" + XmlEscape(l.account) +
           "</td><td>" + XmlEscape(l.person_id) + "</td><td>" + XmlEscape(l.reason) + "</td><td>" + conf +
           "</td><td>" + XmlEscape(l.source) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h3>Flagged accounts</h3>\n";
  if (flagged.empty()) {
    h += "<p>No account is linked to a person with known-material hits.</p>\n";
  } else {
    h += "<table><tr><th>Account</th><th>Person and reason</th></tr>\n";
    for (const auto& [acct, reason] : flagged) {
      h += "<tr class=\"hit\"><td>" + XmlEscape(acct) + "</td><td>" + XmlEscape(reason) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  // Patterns: those touching the flagged (or linked) accounts first.
  std::map<std::string, size_t> by_kind;
  for (const trail::Pattern& p : patterns.patterns) ++by_kind[std::string(trail::PatternKindName(p.kind))];
  std::vector<const trail::Pattern*> listed;
  auto touches = [&](const trail::Pattern& p, const std::set<uint32_t>& set) {
    return std::any_of(p.accounts.begin(), p.accounts.end(), [&](uint32_t a) { return set.count(a) > 0; });
  };
  for (const auto* set : {&flagged_ids, &linked_ids}) {
    for (const trail::Pattern& p : patterns.patterns) {
      if (listed.size() < kPatternRows && touches(p, *set) &&
          std::find(listed.begin(), listed.end(), &p) == listed.end()) {
        listed.push_back(&p);
      }
    }
  }
  const size_t touching = listed.size();
  for (const trail::Pattern& p : patterns.patterns) {
    if (listed.size() >= kPatternRows) break;
    if (std::find(listed.begin(), listed.end(), &p) == listed.end()) listed.push_back(&p);
  }
  h += "<h3>Patterns</h3>\n<p>Found with the default thresholds of cairn trail patterns (docs/TRAIL.md): ";
  if (patterns.patterns.empty()) {
    h += "none";
  } else {
    bool first = true;
    for (const auto& [kind, count] : by_kind) {
      h += std::string(first ? "" : ", ") + XmlEscape(kind) + " " + n(count);
      first = false;
    }
  }
  h += patterns.truncated ? " (search stopped: " + XmlEscape(patterns.truncated_reason) + ")" : std::string();
  h += ".";
  if (!listed.empty()) {
    h += " Listed: " + n(touching) + " touching flagged or linked accounts first, then others, at most " +
         n(kPatternRows) + ".</p>\n<table><tr><th>Kind</th><th>Accounts</th><th>Transfers</th><th>Total</th>"
         "<th>First</th><th>Last</th><th>Detail</th></tr>\n";
    for (const trail::Pattern* p : listed) {
      std::string accts;
      for (size_t i = 0; i < p->accounts.size() && i < 12; ++i) accts += (i ? ", " : "") + name(p->accounts[i]);
      if (p->accounts.size() > 12) accts += ", … (" + n(p->accounts.size()) + ")";
      h += std::string(touches(*p, flagged_ids) ? "<tr class=\"hit\">" : "<tr>") + "<td>" +
           XmlEscape(trail::PatternKindName(p->kind)) + "</td><td>" + accts + "</td><td>" + n(p->edges.size()) +
           "</td><td>" + i64(p->total) + "</td><td>" + XmlEscape(time(p->first_time)) + "</td><td>" +
           XmlEscape(time(p->last_time)) + "</td><td>" + XmlEscape(p->detail) + "</td></tr>\n";
    }
    h += "</table>\n";
  } else {
    h += "</p>\n";
  }

  // Flows out of and into the basis accounts: the direct counterparties, and a FIFO trace each way.
  Json flows_json;
  const std::vector<uint32_t> start(basis.begin(), basis.end());
  for (const bool out : {true, false}) {
    const std::string title = out ? "Flows out of " : "Flows into ";
    h += "<h3>" + title + (by_flagged ? "flagged accounts" : "linked accounts") + "</h3>\n";
    Json side;
    if (basis.empty()) {
      h += "<p>No account is linked to a person, so no flows are drawn.</p>\n";
      flows_json[out ? "out" : "in"] = nullptr;
      continue;
    }
    if (!by_flagged && out) {
      h += "<p>No account is linked to a person with known-material hits; the flows around the linked "
           "accounts are shown instead.</p>\n";
    }
    trail::TraceOptions to;
    to.direction = out ? trail::Direction::kForward : trail::Direction::kBackward;
    to.max_hops = options.trace_hops;
    to.reachability = false;
    CAIRN_ASSIGN_OR_RETURN(trail::TraceResult tr, trail::Trace(g, start, to));
    h += "<p>FIFO trace (" + n(static_cast<uint64_t>(options.trace_hops)) + " hops, Clayton's rule): " +
         i64(tr.start_amount) + " " + unit + (out ? " left" : " arrived at") + " these accounts" +
         (tr.truncated ? "; stopped early: " + XmlEscape(tr.truncated_reason) : std::string()) + ".</p>\n";
    h += "<figure class=\"pic\">\n" + trail::MoneyFlowSvg(g, tr, out, flagged, 30) +
         "<figcaption>" + std::string(out ? "Where the money went" : "Where the money came from") +
         " (line width: traced amount; red outline: flagged account).</figcaption></figure>\n";
    const std::vector<Flow> flows = DirectFlows(g, basis, out);
    Json direct = Json::array();
    if (!flows.empty()) {
      h += "<table><tr><th>Account</th><th>" + std::string(out ? "Paid to" : "Paid by") +
           "</th><th>Transfers</th><th>Total</th><th>First</th><th>Last</th></tr>\n";
    }
    for (size_t i = 0; i < flows.size(); ++i) {
      const Flow& f = flows[i];
      if (i < kFlowRows) {
        h += std::string(flagged_ids.count(f.counterparty) ? "<tr class=\"hit\">" : "<tr>") + "<td>" +
             name(f.account) + "</td><td>" + name(f.counterparty) + "</td><td>" + n(f.transfers) + "</td><td>" +
             i64(f.total) + "</td><td>" + XmlEscape(time(f.first)) + "</td><td>" + XmlEscape(time(f.last)) +
             "</td></tr>\n";
      }
      if (i < 100) {
        direct.push_back({{"account", g.name(f.account)}, {"counterparty", g.name(f.counterparty)},
                          {"transfers", f.transfers}, {"total_minor", f.total}, {"first_time", time(f.first)},
                          {"last_time", time(f.last)}});
      }
    }
    if (!flows.empty()) h += "</table>\n";
    side["direct"] = std::move(direct);
    side["direct_pairs"] = flows.size();
    Json traced = Json::array();
    for (size_t i = 0; i < tr.accounts.size() && i < kTraceAccounts; ++i) {
      const trail::AccountFlow& a = tr.accounts[i];
      traced.push_back({{"account", g.name(a.account)}, {"min_hops", a.min_hops}, {"traced_minor", a.traced},
                        {"terminal_minor", a.terminal}, {"retained_minor", a.retained}});
    }
    side["trace"] = {{"direction", out ? "forward" : "backward"}, {"hops", options.trace_hops},
                     {"start_amount_minor", tr.start_amount}, {"truncated", tr.truncated},
                     {"truncated_reason", tr.truncated ? Json(tr.truncated_reason) : Json(nullptr)},
                     {"accounts", std::move(traced)}};
    flows_json[out ? "out" : "in"] = std::move(side);
  }
  s.html = std::move(h);

  Json j;
  j["currency"] = g.currency();
  j["time_kind"] = std::string(trail::TimeKindName(g.time_kind()));
  j["amount_unit"] = "minor";
  j["accounts"] = g.num_accounts();
  j["transfers"] = g.num_transfers();
  Json jl = Json::array();
  for (const trail::Link& l : links) {
    jl.push_back({{"account", l.account}, {"person_id", l.person_id}, {"reason", l.reason},
                  {"confidence", l.confidence}, {"source", l.source}});
  }
  j["links"] = std::move(jl);
  Json jf = Json::array();
  for (const auto& [acct, reason] : flagged) jf.push_back({{"account", acct}, {"reason", reason}});
  j["flagged_accounts"] = std::move(jf);
  Json jp;
  jp["thresholds"] = "cairn trail patterns defaults";
  Json kinds = Json::object();
  for (const auto& [kind, count] : by_kind) kinds[kind] = count;
  jp["by_kind"] = std::move(kinds);
  jp["truncated"] = patterns.truncated;
  Json jlisted = Json::array();
  for (const trail::Pattern* p : listed) {
    Json accts = Json::array(), txs = Json::array();
    for (uint32_t a : p->accounts) accts.push_back(g.name(a));
    for (uint32_t e : p->edges) txs.push_back(g.edge(e).tx_id);
    jlisted.push_back({{"kind", std::string(trail::PatternKindName(p->kind))}, {"accounts", std::move(accts)},
                       {"tx_ids", std::move(txs)}, {"total_minor", p->total}, {"first_time", time(p->first_time)},
                       {"last_time", time(p->last_time)}, {"detail", p->detail},
                       {"touches_flagged", touches(*p, flagged_ids)}});
  }
  jp["listed"] = std::move(jlisted);
  j["patterns"] = std::move(jp);
  j["flows_basis"] = basis_name;
  j["flows"] = std::move(flows_json);
  s.json = j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  return s;
}

}  // namespace cairn::report
