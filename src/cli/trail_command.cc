// `cairn trail`: follow the money. Subcommands ingest, link, trace, patterns, export; each prints
// JSON lines (default) or text. Record fields are documented in docs/TRAIL.md.
#include "trail_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/store/case.h"
#include "cairn/trail/export.h"
#include "cairn/trail/graph.h"
#include "cairn/trail/ledger.h"
#include "cairn/trail/links.h"
#include "cairn/trail/patterns.h"
#include "cairn/trail/svg.h"
#include "cairn/trail/trace.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

using trail::LedgerGraph;

void Emit(const Json& j) {
  const std::string line = JsonLine(j);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

// One `bad_row` record: a row of a ledger file that was reported and skipped.
void EmitBadRow(const std::filesystem::path& file, const trail::BadRow& b) {
  Json j;
  j["record"] = "bad_row";
  AddPath(j, "path", file);
  j["line"] = b.line;
  j["message"] = b.message;
  Emit(j);
}

int Fail(const Status& s) {
  std::fprintf(stderr, "cairn trail: %s\n", s.ToString().c_str());
  return 1;
}

Result<std::unique_ptr<store::Case>> OpenCase(const std::string& dir, bool create) {
  return store::Case::Open(dir, create);
}

// "+05:30" / "-0300" / "Z" / "UTC" → minutes east of UTC.
Result<int> ParseOffset(const std::string& text) {
  if (text.empty() || text == "Z" || text == "UTC" || text == "utc") return 0;
  trail::TimeKind kind;
  auto t = trail::ParseTime("1970-01-01T00:00" + text, 0, &kind);
  if (!t.ok()) return Status::InvalidArgument("bad --tz '" + text + "' (use Z or ±HH:MM)");
  return static_cast<int>(-*t / 60);
}

Json TimeJson(int64_t t, trail::TimeKind kind) {
  return kind == trail::TimeKind::kUtcSeconds ? Json(trail::FormatTime(t, kind)) : Json(t);
}

// ---------------------------------------------------------------- ingest
struct IngestArgs {
  std::string case_dir;
  std::vector<std::string> files;
  std::string preset = "none";
  std::string map;
  std::string sep;
  std::string currency;
  std::string tz = "Z";
  std::string account;
  int scale = 2;
  bool no_header = false;
  std::string format = "jsonl";
};

int RunIngest(const IngestArgs& a) {
  trail::IngestOptions o;
  auto preset = trail::ParsePreset(a.preset);
  if (!preset.ok()) return Fail(preset.status());
  o.preset = *preset;
  if (!a.map.empty()) {
    auto m = trail::ColumnMap::Parse(a.map);
    if (!m.ok()) return Fail(m.status());
    o.map = *m;
  }
  if (a.sep == "\\t" || a.sep == "tab") {
    o.separator = '\t';
  } else if (a.sep.size() == 1) {
    o.separator = a.sep[0];
  } else if (!a.sep.empty()) {
    return Fail(Status::InvalidArgument("--sep must be one character or 'tab'"));
  }
  o.default_currency = a.currency;
  if (o.default_currency.empty() && (o.preset == trail::Preset::kAmlsim || o.preset == trail::Preset::kAmlsimV2 ||
                                     o.preset == trail::Preset::kAmlsimOutputs)) {
    o.default_currency = "USD";
  }
  auto off = ParseOffset(a.tz);
  if (!off.ok()) return Fail(off.status());
  o.default_offset_minutes = *off;
  o.statement_account = a.account;
  o.amount_scale = a.scale;
  o.has_header = !a.no_header;
  auto c = OpenCase(a.case_dir, true);
  if (!c.ok()) return Fail(c.status());
  int exit_code = 0;
  for (const std::string& f : a.files) {
    auto r = trail::IngestFile(**c, f, o);
    if (!r.ok()) {
      exit_code = 1;
      std::fprintf(stderr, "cairn trail ingest: %s: %s\n", f.c_str(), r.status().ToString().c_str());
      if (a.format == "jsonl") {
        Json j;
        j["record"] = "error";
        AddPath(j, "path", f);
        j["error"] = r.status().ToString();
        Emit(j);
      }
      continue;
    }
    if (a.format == "jsonl") {
      Json j;
      j["record"] = "ingest";
      AddPath(j, "path", f);
      j["file_id"] = r->file_id;
      j["sha256"] = r->sha256;
      j["already_ingested"] = r->already_ingested;
      j["rows"] = r->rows;
      j["duplicates"] = r->duplicates;
      j["possible_duplicates"] = r->possible_duplicates;
      j["bad_rows"] = r->bad_rows.size();
      j["time_kind"] = std::string(trail::TimeKindName(r->time_kind));
      Emit(j);
      for (const trail::BadRow& b : r->bad_rows) EmitBadRow(f, b);
    } else {
      if (r->already_ingested) {
        std::printf("%s: already ingested (file %lld), nothing done\n", f.c_str(), static_cast<long long>(r->file_id));
        continue;
      }
      std::printf("%s: %llu rows, %llu duplicates, %llu possible duplicates, %zu bad rows, times %s\n",
                  f.c_str(), static_cast<unsigned long long>(r->rows),
                  static_cast<unsigned long long>(r->duplicates),
                  static_cast<unsigned long long>(r->possible_duplicates),
                  r->bad_rows.size(), std::string(trail::TimeKindName(r->time_kind)).c_str());
      for (const trail::BadRow& b : r->bad_rows) std::printf("  line %llu: %s\n", static_cast<unsigned long long>(b.line), b.message.c_str());
    }
  }
  return exit_code;
}

// ---------------------------------------------------------------- link
struct LinkArgs {
  std::string case_dir;
  std::vector<std::string> files;
  std::string people;
  bool no_auto = false;
  std::string format = "jsonl";
};

void EmitLinks(const trail::LinkReport& r, const std::string& format, const std::string& path) {
  for (const trail::Link& l : r.added) {
    if (format == "jsonl") {
      Json j;
      j["record"] = "link";
      j["account"] = l.account;
      j["person"] = l.person_id;
      j["reason"] = l.reason;
      j["confidence"] = l.confidence;
      j["source"] = l.source;
      Emit(j);
    } else {
      std::printf("%s -> %s (%s, %.2f)\n", l.account.c_str(), l.person_id.c_str(), l.reason.c_str(), l.confidence);
    }
  }
  for (const trail::BadRow& b : r.bad_rows) {
    if (format == "jsonl") {
      EmitBadRow(path, b);
    } else {
      std::printf("%s: line %llu: %s\n", path.c_str(), static_cast<unsigned long long>(b.line), b.message.c_str());
    }
  }
}

int RunLink(const LinkArgs& a) {
  auto c = OpenCase(a.case_dir, true);
  if (!c.ok()) return Fail(c.status());
  if (!a.people.empty()) {
    auto r = trail::ImportPeople(**c, a.people);
    if (!r.ok()) return Fail(r.status());
    EmitLinks(*r, a.format, a.people);
  }
  for (const std::string& f : a.files) {
    auto r = trail::LinkFromFile(**c, f);
    if (!r.ok()) return Fail(r.status());
    EmitLinks(*r, a.format, f);
  }
  if (!a.no_auto) {
    auto r = trail::AutoLink(**c);
    if (!r.ok()) return Fail(r.status());
    EmitLinks(*r, a.format, "auto");
  }
  return 0;
}

// ---------------------------------------------------------------- trace
struct TraceArgs {
  std::string case_dir;
  std::string from;
  bool forward = false;
  bool backward = false;
  int hops = 3;
  std::string since, until, min_amount, currency, tz = "Z";
  int scale = 2;
  size_t max_paths = 20;
  size_t max_pieces = trail::TraceOptions{}.max_pieces;
  size_t max_expansions = trail::TraceOptions{}.max_expansions;
  bool reachable = false;
  std::string svg;
  std::string format = "jsonl";
};

Json TransferJson(const LedgerGraph& g, uint32_t e) {
  const trail::Transfer& t = g.edge(e);
  Json j;
  j["tx_id"] = t.tx_id;
  j["from"] = g.name(t.from);
  j["to"] = g.name(t.to);
  j["amount_minor"] = t.amount;
  j["time"] = TimeJson(t.time, g.time_kind());
  return j;
}

int RunTrace(const TraceArgs& a) {
  if (a.forward == a.backward) return Fail(Status::InvalidArgument("give exactly one of --forward, --backward"));
  auto c = OpenCase(a.case_dir, false);
  if (!c.ok()) return Fail(c.status());
  auto g = LedgerGraph::Load(**c, a.currency);
  if (!g.ok()) return Fail(g.status());
  auto flagged = trail::FlaggedAccounts(**c);
  if (!flagged.ok()) return Fail(flagged.status());
  auto start = trail::ResolveAccounts(**c, *g, a.from);
  if (!start.ok()) return Fail(start.status());
  trail::TraceOptions o;
  o.direction = a.forward ? trail::Direction::kForward : trail::Direction::kBackward;
  o.max_hops = a.hops;
  o.max_paths = a.max_paths;
  o.max_pieces = a.max_pieces;
  o.max_expansions = a.max_expansions;
  auto off = ParseOffset(a.tz);
  if (!off.ok()) return Fail(off.status());
  trail::TimeKind kind;
  if (!a.since.empty()) {
    auto t = trail::ParseTime(a.since, *off, &kind);
    if (!t.ok()) return Fail(t.status().WithContext("--since"));
    o.since = *t;
  }
  if (!a.until.empty()) {
    auto t = trail::ParseTime(a.until, *off, &kind);
    if (!t.ok()) return Fail(t.status().WithContext("--until"));
    o.until = *t;
  }
  if (!a.min_amount.empty()) {
    auto m = trail::ParseAmount(a.min_amount, a.scale);
    if (!m.ok()) return Fail(m.status().WithContext("--min-amount"));
    o.min_amount = *m;
  }
  auto r = trail::Trace(*g, *start, o);
  if (!r.ok()) return Fail(r.status());
  if (!a.svg.empty()) {
    std::ofstream out(a.svg, std::ios::binary);
    out << trail::MoneyFlowSvg(*g, *r, a.forward, *flagged);
    out.close();
    if (!out) return Fail(Status::IoError(a.svg + ": cannot write the SVG"));
  }
  auto flag_of = [&](uint32_t v) -> Json {
    auto it = flagged->find(g->name(v));
    return it == flagged->end() ? Json(nullptr) : Json(it->second);
  };
  const bool fwd = a.forward;
  if (a.format == "jsonl") {
    Json s;
    s["record"] = "trace";
    s["direction"] = fwd ? "forward" : "backward";
    Json names = Json::array();
    for (uint32_t v : r->start) names.push_back(g->name(v));
    s["start"] = names;
    s["hops"] = a.hops;
    s["since"] = o.since ? TimeJson(*o.since, g->time_kind()) : Json(nullptr);
    s["until"] = o.until ? TimeJson(*o.until, g->time_kind()) : Json(nullptr);
    s["min_amount_minor"] = o.min_amount;
    s["currency"] = g->currency();
    s["start_amount_minor"] = r->start_amount;
    s["accounts"] = r->accounts.size();
    s["reachable"] = r->reachable.size();
    s["paths"] = r->paths.size();
    s["edges"] = r->subgraph.size();
    s["truncated"] = r->truncated;
    s["truncated_reason"] = r->truncated ? Json(r->truncated_reason) : Json(nullptr);
    s["max_pieces"] = o.max_pieces;
    s["max_expansions"] = o.max_expansions;
    Emit(s);
    size_t rank = 0;
    for (const trail::AccountFlow& f : r->accounts) {
      Json j;
      j["record"] = "account";
      j["rank"] = ++rank;
      j["account"] = g->name(f.account);
      j["flagged"] = flag_of(f.account);
      j["min_hops"] = f.min_hops;
      j["traced_minor"] = f.traced;
      j["terminal_minor"] = f.terminal;
      j[fwd ? "retained_minor" : "originated_minor"] = f.retained;
      j["beyond_hops_minor"] = f.beyond_hops;
      j["unfollowed_minor"] = f.unfollowed;
      j["returned_minor"] = f.returned;
      j["cut_minor"] = f.cut;
      j["share"] = r->start_amount > 0 ? static_cast<double>(f.terminal) / static_cast<double>(r->start_amount) : 0.0;
      Emit(j);
    }
    rank = 0;
    for (const trail::TracedPath& p : r->paths) {
      Json j;
      j["record"] = "path";
      j["rank"] = ++rank;
      j["account"] = g->name(p.account);
      j["amount_minor"] = p.amount;
      j["hops"] = p.edges.size();
      Json tr = Json::array();
      for (uint32_t e : p.edges) tr.push_back(TransferJson(*g, e));
      j["transfers"] = tr;
      Emit(j);
    }
    for (const trail::EdgeFlow& ef : r->subgraph) {
      Json j = TransferJson(*g, ef.edge);
      j["traced_minor"] = ef.amount;
      Json k;
      k["record"] = "edge";
      k.update(j);
      Emit(k);
    }
    if (a.reachable) {
      for (const trail::ReachedAccount& ra : r->reachable) {
        Json j;
        j["record"] = "reachable";
        j["account"] = g->name(ra.account);
        j["min_hops"] = ra.min_hops;
        j[fwd ? "earliest_arrival" : "latest_departure"] = TimeJson(ra.best_time, g->time_kind());
        Emit(j);
      }
    }
  } else {
    std::printf("%s trace from %s, %d hops: %lld minor units (%s) %s; %zu accounts reachable%s\n",
                fwd ? "forward" : "backward", a.from.c_str(), a.hops,
                static_cast<long long>(r->start_amount), g->currency().c_str(),
                fwd ? "left the start" : "arrived at the target", r->reachable.size(),
                r->truncated ? (" (TRUNCATED: " + r->truncated_reason + ")").c_str() : "");
    for (const trail::AccountFlow& f : r->accounts) {
      if (f.terminal == 0) continue;
      auto fl = flagged->find(g->name(f.account));
      std::printf("  %-24s %12lld %s (%lld %s) hops>=%d%s\n", g->name(f.account).c_str(),
                  static_cast<long long>(f.terminal), fwd ? "ends here" : "from here",
                  static_cast<long long>(f.retained), fwd ? "retained" : "originated", f.min_hops,
                  fl == flagged->end() ? "" : "  [FLAGGED]");
    }
    for (const trail::TracedPath& p : r->paths) {
      std::printf("  path %lld:", static_cast<long long>(p.amount));
      for (uint32_t e : p.edges) {
        const trail::Transfer& t = g->edge(e);
        std::printf(" %s -[%lld @%s]->", g->name(t.from).c_str(), static_cast<long long>(t.amount),
                    trail::FormatTime(t.time, g->time_kind()).c_str());
      }
      std::printf(" %s\n", g->name(fwd ? g->edge(p.edges.back()).to : g->edge(p.edges.back()).to).c_str());
    }
  }
  return 0;
}

// ---------------------------------------------------------------- patterns
struct PatternArgs {
  std::string case_dir;
  std::string currency;
  trail::PatternOptions o;
  std::string cycle_rules = "both";
  std::string format = "jsonl";
  bool no_save = false;
};

int RunPatterns(PatternArgs& a) {
  a.o.cycle_time_respecting = a.cycle_rules == "both" || a.cycle_rules == "time";
  a.o.cycle_in_window = a.cycle_rules == "both" || a.cycle_rules == "window";
  auto c = OpenCase(a.case_dir, false);
  if (!c.ok()) return Fail(c.status());
  auto g = LedgerGraph::Load(**c, a.currency);
  if (!g.ok()) return Fail(g.status());
  auto flagged = trail::FlaggedAccounts(**c);
  if (!flagged.ok()) return Fail(flagged.status());
  trail::PatternReport r = trail::FindPatterns(*g, a.o);
  if (!a.no_save) {
    Status s = trail::SavePatterns(**c, *g, r);
    if (!s.ok()) return Fail(s);
  }
  std::map<std::string, size_t> by_kind;
  for (const trail::Pattern& p : r.patterns) ++by_kind[std::string(trail::PatternKindName(p.kind))];
  if (a.format == "jsonl") {
    Json s;
    s["record"] = "patterns";
    s["count"] = r.patterns.size();
    Json k = Json::object();
    for (const auto& [name, n] : by_kind) k[name] = n;
    s["by_kind"] = k;
    s["flagged_accounts"] = flagged->size();
    s["truncated"] = r.truncated;
    s["truncated_reason"] = r.truncated ? Json(r.truncated_reason) : Json(nullptr);
    Emit(s);
    for (const auto& [name, reason] : *flagged) {
      Json j;
      j["record"] = "flagged_account";
      j["account"] = name;
      j["reason"] = reason;
      Emit(j);
    }
    for (const trail::Pattern& p : r.patterns) {
      Json j;
      j["record"] = "pattern";
      j["kind"] = std::string(trail::PatternKindName(p.kind));
      Json acc = Json::array(), fl = Json::array(), tx = Json::array();
      for (uint32_t v : p.accounts) {
        acc.push_back(g->name(v));
        if (flagged->count(g->name(v))) fl.push_back(g->name(v));
      }
      for (uint32_t e : p.edges) tx.push_back(g->edge(e).tx_id);
      j["accounts"] = acc;
      j["flagged_accounts"] = fl;
      j["tx_ids"] = tx;
      j["total_minor"] = p.total;
      j["first_time"] = TimeJson(p.first_time, g->time_kind());
      j["last_time"] = TimeJson(p.last_time, g->time_kind());
      j["detail"] = p.detail;
      j["rule"] = p.rule;
      j["parameters"] = p.parameters;
      Emit(j);
    }
  } else {
    std::printf("%zu patterns%s\n", r.patterns.size(), r.truncated ? (" (TRUNCATED: " + r.truncated_reason + ")").c_str() : "");
    for (const auto& [name, n] : by_kind) std::printf("  %s: %zu\n", name.c_str(), n);
    for (const trail::Pattern& p : r.patterns) {
      std::string accounts;
      bool any_flag = false;
      for (uint32_t v : p.accounts) {
        accounts += (accounts.empty() ? "" : " ") + g->name(v);
        any_flag = any_flag || flagged->count(g->name(v));
      }
      std::printf("%-8s %s: %s [%s: %s]%s\n", std::string(trail::PatternKindName(p.kind)).c_str(), accounts.c_str(),
                  p.detail.c_str(), p.rule.c_str(), p.parameters.c_str(), any_flag ? "  [FLAGGED]" : "");
    }
  }
  return 0;
}

// ---------------------------------------------------------------- export
struct ExportArgs {
  std::string case_dir;
  std::string format = "graphml";
  std::string output;
  std::string currency;
};

int RunExport(const ExportArgs& a) {
  auto fmt = trail::ParseExportFormat(a.format);
  if (!fmt.ok()) return Fail(fmt.status());
  auto c = OpenCase(a.case_dir, false);
  if (!c.ok()) return Fail(c.status());
  auto g = LedgerGraph::Load(**c, a.currency);
  if (!g.ok()) return Fail(g.status());
  auto flagged = trail::FlaggedAccounts(**c);
  if (!flagged.ok()) return Fail(flagged.status());
  if (a.output.empty() || a.output == "-") {
    Status s = trail::WriteExport(*g, *flagged, *fmt, std::cout);
    std::cout.flush();
    return s.ok() ? 0 : Fail(s);
  }
  std::ofstream out(a.output, std::ios::binary);
  if (!out) return Fail(Status::IoError(a.output + ": cannot create"));
  Status s = trail::WriteExport(*g, *flagged, *fmt, out);
  out.close();
  if (!s.ok() || !out) return Fail(s.ok() ? Status::IoError(a.output + ": write failed") : s.WithContext(a.output));
  return 0;
}

void AddFormat(CLI::App* cmd, std::string* format) {
  cmd->add_option("--format", *format, "Output: jsonl (default) or text")
      ->check(CLI::IsMember({"jsonl", "text"}))
      ->capture_default_str();
}

}  // namespace

void RegisterTrailCommands(CLI::App& app) {
  CLI::App* trail = app.add_subcommand(
      "trail",
      "Follow the money: ingest ledgers, link accounts to people, trace forward/backward with FIFO\n"
      "attribution, find fan-in/fan-out/cycle/payout patterns, export the graph. See docs/TRAIL.md.");
  trail->require_subcommand(1);

  auto ia = std::make_shared<IngestArgs>();
  CLI::App* ingest = trail->add_subcommand("ingest", "Ingest CSV/TSV ledgers into the case (one transaction per file)");
  ingest->add_option("--case", ia->case_dir, "Case folder (created when missing)")->required();
  ingest->add_option("files", ia->files, "Ledger files")->required();
  ingest->add_option("--preset", ia->preset, "Column preset")
      ->check(CLI::IsMember({"none", "amlsim", "amlsim-v2", "amlsim-outputs", "bank"}))->capture_default_str();
  ingest->add_option("--map", ia->map, "Column map: from=..,to=..,amount=..,time=..,currency=..,id=..,reference=..");
  ingest->add_option("--sep", ia->sep, "Field separator (one character or 'tab'; default: guessed)");
  ingest->add_option("--currency", ia->currency, "Currency when the file has no currency column");
  ingest->add_option("--tz", ia->tz, "Zone of times written without one: Z or ±HH:MM")->capture_default_str();
  ingest->add_option("--account", ia->account, "Bank preset: the statement holder's account");
  ingest->add_option("--scale", ia->scale, "Decimal places of the currency (minor units)")->capture_default_str();
  ingest->add_flag("--no-header", ia->no_header, "The file has no header line (map by column number)");
  AddFormat(ingest, &ia->format);
  ingest->callback([ia] { throw CommandResult{RunIngest(*ia)}; });

  auto la = std::make_shared<LinkArgs>();
  CLI::App* link = trail->add_subcommand("link", "Link accounts to people (mapping files, people registry, automatic links)");
  link->add_option("--case", la->case_dir, "Case folder")->required();
  link->add_option("files", la->files, "Mapping files: account,person[,reason]");
  link->add_option("--people", la->people, "People file: person,display_name,phone_e164,email,flagged,flag_reason");
  link->add_flag("--no-auto", la->no_auto, "Do not add automatic links (VPA/phone/e-mail)");
  AddFormat(link, &la->format);
  link->callback([la] { throw CommandResult{RunLink(*la)}; });

  auto ta = std::make_shared<TraceArgs>();
  CLI::App* trace = trail->add_subcommand("trace", "Trace money forward from or backward to an account or person");
  trace->add_option("--case", ta->case_dir, "Case folder")->required();
  trace->add_option("--from", ta->from, "Account name or person id (tel:+..., email:..., id:...)")->required();
  trace->add_flag("--forward", ta->forward, "Where did the money go");
  trace->add_flag("--backward", ta->backward, "Where did the money come from");
  trace->add_option("--hops", ta->hops, "Maximum transfers in a chain")->capture_default_str();
  trace->add_option("--since", ta->since, "Follow transfers at or after this time (integer step or date)");
  trace->add_option("--until", ta->until, "Follow transfers at or before this time");
  trace->add_option("--min-amount", ta->min_amount, "Follow transfers of at least this amount (major units, e.g. 10.50)");
  trace->add_option("--currency", ta->currency, "Currency to trace when the ledger has several");
  trace->add_option("--tz", ta->tz, "Zone of --since/--until without one")->capture_default_str();
  trace->add_option("--scale", ta->scale, "Decimal places of the currency")->capture_default_str();
  trace->add_option("--max-paths", ta->max_paths, "Explaining paths to report")->capture_default_str();
  trace->add_option("--max-pieces", ta->max_pieces, "Cap on traced transfer fragments")->capture_default_str();
  trace->add_option("--max-expansions", ta->max_expansions, "Cap on reachability work")->capture_default_str();
  trace->add_flag("--reachable", ta->reachable, "Also list every time-respecting reachable account");
  trace->add_option("--svg", ta->svg, "Also write a flow diagram (SVG) to this file");
  AddFormat(trace, &ta->format);
  trace->callback([ta] { throw CommandResult{RunTrace(*ta)}; });

  auto pa = std::make_shared<PatternArgs>();
  CLI::App* patterns = trail->add_subcommand("patterns", "Find fan-in, fan-out, cycles and per-view payouts; mark flagged accounts");
  patterns->add_option("--case", pa->case_dir, "Case folder")->required();
  patterns->add_option("--currency", pa->currency, "Currency when the ledger has several");
  patterns->add_option("--amount-min", pa->o.amount_min, "Fan/cycle transfers: minimum minor units")->capture_default_str();
  patterns->add_option("--amount-max", pa->o.amount_max, "Fan/cycle transfers: maximum minor units (0 = none)")->capture_default_str();
  patterns->add_option("--fan-min-degree", pa->o.fan_min_degree, "Distinct counterparties for a fan")->capture_default_str();
  patterns->add_option("--fan-window", pa->o.fan_window, "Fan time window (steps or seconds; 0 = whole ledger)")->capture_default_str();
  patterns->add_option("--fan-min-repeats", pa->o.fan_min_repeats, "Transfers a counterparty needs in the window to count")->capture_default_str();
  patterns->add_option("--cycle-rule", pa->cycle_rules, "Cycle rules: time (time-respecting), window (any order within a window) or both")
      ->check(CLI::IsMember({"time", "window", "both"}))->capture_default_str();
  patterns->add_option("--cycle-max-length", pa->o.cycle_max_length, "Longest cycle (transfers)")->capture_default_str();
  patterns->add_option("--cycle-max-drift", pa->o.cycle_max_drift, "Time rule: allowed hop-to-hop amount change (fraction)")->capture_default_str();
  patterns->add_option("--cycle-max-span", pa->o.cycle_max_span, "Time rule: longest cycle duration (0 = none)")->capture_default_str();
  patterns->add_option("--cycle-window", pa->o.cycle_window, "Window rule: span of the cycle's transfers (0 = whole ledger)")->capture_default_str();
  patterns->add_option("--cycle-window-drift", pa->o.cycle_window_drift, "Window rule: allowed hop-to-hop amount change (fraction)")->capture_default_str();
  patterns->add_option("--payout-min-count", pa->o.payout_min_count, "Credits from one payer")->capture_default_str();
  patterns->add_option("--payout-max-amount", pa->o.payout_max_amount, "Largest payout credit (minor units)")->capture_default_str();
  patterns->add_option("--payout-max-gap-cv", pa->o.payout_max_gap_cv, "Regularity: max stddev/mean of gaps")->capture_default_str();
  patterns->add_flag("--no-save", pa->no_save, "Do not replace the case's saved patterns");
  AddFormat(patterns, &pa->format);
  patterns->callback([pa] { throw CommandResult{RunPatterns(*pa)}; });

  auto ea = std::make_shared<ExportArgs>();
  CLI::App* exp = trail->add_subcommand("export", "Export the ledger graph");
  exp->add_option("--case", ea->case_dir, "Case folder")->required();
  exp->add_option("--format", ea->format, "graphml, gexf, csv or json")
      ->check(CLI::IsMember({"graphml", "gexf", "csv", "json"}))->capture_default_str();
  exp->add_option("--output,-o", ea->output, "Output file (default: standard output)");
  exp->add_option("--currency", ea->currency, "Currency when the ledger has several");
  exp->callback([ea] { throw CommandResult{RunExport(*ea)}; });
}

}  // namespace cairn::cli
