// `cairn net`: chat exports → the offender network in the case. Subcommands ingest, summary,
// person, export. Tables, identity rules, JSON fields and the ranking formula: docs/NET.md.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cairn/chat/message.h"
#include "cairn/hashset/library.h"
#include "cairn/scan/matcher.h"
#include "cairn/net/network.h"
#include "cairn/store/case.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "cairn net: %s\n", s.ToString().c_str());
  return 1;
}

void Print(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  if (s.empty() || s.back() != '\n') std::fputc('\n', stdout);
}

struct IngestArgs {
  std::string case_dir;
  std::string default_region;
  std::string date_order;
  std::string lists_text;
  std::string home;
  std::string platform = "whatsapp";
  int threshold = 31;
  std::vector<std::string> files;
  std::string format = "jsonl";
};

int RunIngest(const IngestArgs& a) {
  net::IngestOptions o;
  o.default_region = a.default_region;
  o.text_platform = a.platform == "signal" ? chat::Platform::kSignal : chat::Platform::kWhatsApp;
  if (!a.date_order.empty()) {
    auto d = chat::ParseDateOrder(a.date_order);
    if (!d) return Fail(Status::InvalidArgument("bad --date-order '" + a.date_order + "' (dmy, mdy, ymd, ydm)"));
    o.date_order = *d;
  }
  if (!a.lists_text.empty()) {
    auto lib = hashset::Library::Open(a.home.empty() ? hashset::Library::DefaultHome() : std::filesystem::path(a.home));
    if (!lib.ok()) return Fail(lib.status());
    std::vector<std::shared_ptr<const hashset::CompiledList>> lists;
    for (const std::string& spec : SplitCommaList(a.lists_text)) {
      auto list = (*lib)->OpenList(spec);
      if (!list.ok()) return Fail(list.status());
      lists.push_back(*list);
    }
    scan::MatchOptions mo;
    mo.pdq_threshold = a.threshold;
    o.matcher = std::make_shared<scan::Matcher>(std::move(lists), mo);
  }
  auto c = store::Case::Open(a.case_dir, true);
  if (!c.ok()) return Fail(c.status());
  int exit_code = 0;
  for (const std::string& f : a.files) {
    auto r = net::IngestExport(**c, f, o);
    if (!r.ok()) {
      exit_code = 1;
      std::fprintf(stderr, "cairn net ingest: %s: %s\n", f.c_str(), r.status().ToString().c_str());
      if (a.format == "jsonl") {
        Json j;
        j["record"] = "error";
        AddPath(j, "path", f);
        j["error"] = r.status().ToString();
        Print(JsonLine(j));
      }
      continue;
    }
    if (a.format == "jsonl") {
      Json j;
      j["record"] = "ingest";
      AddPath(j, "path", f);
      j["sha256"] = r->sha256;
      j["already_ingested"] = r->already_ingested;
      j["export_id"] = r->export_id;
      j["chats"] = r->chats;
      j["messages"] = r->messages;
      j["people_new"] = r->people_new;
      j["media"] = r->media;
      j["links"] = r->links;
      j["attachments_hashed"] = r->attachments_hashed;
      j["attachments_missing"] = r->attachments_missing;
      j["attachments_omitted"] = r->attachments_omitted;
      j["known_hits"] = r->known_hits;
      j["notes"] = r->notes;
      Print(JsonLine(j));
    } else if (r->already_ingested) {
      std::printf("%s: already ingested (export %lld), nothing done\n", f.c_str(), static_cast<long long>(r->export_id));
    } else {
      std::printf("%s: %llu chats, %llu messages, %llu new people, %llu media, %llu links, %llu attachments hashed"
                  " (%llu missing, %llu omitted by the export), %llu known\n",
                  f.c_str(), static_cast<unsigned long long>(r->chats), static_cast<unsigned long long>(r->messages),
                  static_cast<unsigned long long>(r->people_new), static_cast<unsigned long long>(r->media),
                  static_cast<unsigned long long>(r->links), static_cast<unsigned long long>(r->attachments_hashed),
                  static_cast<unsigned long long>(r->attachments_missing),
                  static_cast<unsigned long long>(r->attachments_omitted), static_cast<unsigned long long>(r->known_hits));
      for (const std::string& n : r->notes) std::printf("  %s\n", n.c_str());
    }
  }
  return exit_code;
}

struct SummaryArgs {
  std::string case_dir;
  std::string format = "text";
  size_t top = 20;
};

int RunSummary(const SummaryArgs& a) {
  auto c = store::Case::Open(a.case_dir, false);
  if (!c.ok()) return Fail(c.status());
  net::SummaryOptions o;
  o.top_distributors = a.top;
  o.top_platforms = a.top;
  auto s = net::Summarize(**c, o);
  if (!s.ok()) return Fail(s.status());
  Print(a.format == "json" ? net::SummaryToJson(*s) : net::SummaryToText(*s));
  return 0;
}

struct PersonArgs {
  std::string case_dir;
  std::string id;
};

int RunPerson(const PersonArgs& a) {
  auto c = store::Case::Open(a.case_dir, false);
  if (!c.ok()) return Fail(c.status());
  auto p = net::GetPerson(**c, a.id);
  if (!p.ok()) return Fail(p.status());
  Print(net::PersonToJson(*p));
  return 0;
}

struct ExportArgs {
  std::string case_dir;
  std::string format = "graphml";
  std::string output;
};

int RunExport(const ExportArgs& a) {
  auto c = store::Case::Open(a.case_dir, false);
  if (!c.ok()) return Fail(c.status());
  net::ExportFormat f = a.format == "gexf"       ? net::ExportFormat::kGexf
                        : a.format == "json"      ? net::ExportFormat::kJson
                        : a.format == "neo4j-csv" ? net::ExportFormat::kNeo4jCsv
                        : a.format == "svg"       ? net::ExportFormat::kSvg
                                                  : net::ExportFormat::kGraphMl;
  Status s = net::ExportGraph(**c, f, a.output);
  if (!s.ok()) return Fail(s);
  return 0;
}

}  // namespace

void RegisterNetCommand(CLI::App& app) {
  CLI::App* net = app.add_subcommand("net", "Map the network from chat exports (WhatsApp, Telegram)");
  net->require_subcommand(1);

  auto ia = std::make_shared<IngestArgs>();
  CLI::App* ingest = net->add_subcommand("ingest", "Ingest WhatsApp .txt/.zip and Telegram JSON exports into the case");
  ingest->add_option("--case", ia->case_dir, "Case folder")->required();
  ingest->add_option("--default-region", ia->default_region, "ISO 3166 region for numbers written without '+'");
  ingest->add_option("--date-order", ia->date_order, "dmy, mdy, ymd or ydm when a WhatsApp file is ambiguous")
      ->check(CLI::IsMember({"dmy", "mdy", "ymd", "ydm"}, CLI::ignore_case));
  ingest->add_option("--platform", ia->platform, "Text exports are from: whatsapp or signal")
      ->check(CLI::IsMember({"whatsapp", "signal"}))->capture_default_str();
  ingest->add_option("--lists,-l", ia->lists_text, "Hash lists (name or name@version, comma-separated) to match attachments against");
  ingest->add_option("--home", ia->home, "Library folder (default $CAIRN_HOME, else ~/.local/share/cairn)");
  ingest->add_option("--threshold", ia->threshold, "PDQ match threshold (Hamming distance, inclusive)")->capture_default_str();
  ingest->add_option("--format", ia->format, "jsonl or text")->check(CLI::IsMember({"jsonl", "text"}))->capture_default_str();
  ingest->add_option("exports", ia->files, "Export files")->required()->check(CLI::ExistingFile);
  ingest->callback([ia] { throw CommandResult{RunIngest(*ia)}; });

  auto sa = std::make_shared<SummaryArgs>();
  CLI::App* summary = net->add_subcommand("summary", "Groups, people, countries by number, distributors, platforms");
  summary->add_option("--case", sa->case_dir, "Case folder")->required();
  summary->add_option("--format", sa->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  summary->add_option("--top", sa->top, "Distributors and platforms listed")->capture_default_str();
  summary->callback([sa] { throw CommandResult{RunSummary(*sa)}; });

  auto pa = std::make_shared<PersonArgs>();
  CLI::App* person = net->add_subcommand("person", "One person: groups, aliases, messages, media, links, country");
  person->add_option("--case", pa->case_dir, "Case folder")->required();
  person->add_option("id", pa->id, "Person id (tel:+…), E.164 number, platform id or display name")->required();
  person->callback([pa] { throw CommandResult{RunPerson(*pa)}; });

  auto ea = std::make_shared<ExportArgs>();
  CLI::App* exp = net->add_subcommand("export", "Export the network graph");
  exp->add_option("--case", ea->case_dir, "Case folder")->required();
  exp->add_option("--format", ea->format, "graphml, gexf, json, neo4j-csv or svg (picture of the group–person graph)")
      ->check(CLI::IsMember({"graphml", "gexf", "json", "neo4j-csv", "svg"}))->capture_default_str();
  exp->add_option("--output,-o", ea->output, "Output file (neo4j-csv: folder); default standard output");
  exp->callback([ea] { throw CommandResult{RunExport(*ea)}; });
}

}  // namespace cairn::cli
