// `cairn audit --case DIR`: prints a case's audit log (who ran which command when, with which
// lists and options) and verifies its hash chain. The last row's hash is the chain head: noted
// in a statement or lab book, it lets anyone show later that no row was edited or removed.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cairn/store/case.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

struct AuditArgs {
  std::string case_dir;
  std::string format = "text";
};

int RunAudit(const AuditArgs& a) {
  auto c = store::Case::Open(a.case_dir, /*create=*/false);
  if (!c.ok()) {
    std::fprintf(stderr, "cairn audit: %s\n", c.status().ToString().c_str());
    return 1;
  }
  auto rows = (*c)->ReadAuditLog();
  if (!rows.ok()) {
    std::fprintf(stderr, "cairn audit: %s\n", rows.status().ToString().c_str());
    return 1;
  }
  const Status verdict = (*c)->VerifyAuditLog();
  const std::string head = rows->empty() ? "" : rows->back().hash;
  if (a.format == "jsonl") {
    for (const store::AuditEntry& e : *rows) {
      Json r;
      r["record"] = "audit";
      r["seq"] = e.seq;
      r["time_utc"] = e.time_utc;
      r["actor"] = e.actor;
      r["action"] = e.action;
      // Details are JSON written by the commands; anything else is kept as text.
      Json detail = Json::parse(e.detail, nullptr, /*allow_exceptions=*/false);
      r["detail"] = detail.is_discarded() ? Json(e.detail) : detail;
      r["prev_hash"] = e.prev_hash;
      r["hash"] = e.hash;
      std::printf("%s\n", JsonLine(r).c_str());
    }
    Json v;
    v["record"] = "verdict";
    v["rows"] = rows->size();
    v["chain_intact"] = verdict.ok();
    v["head"] = head;
    if (!verdict.ok()) v["error"] = verdict.ToString();
    std::printf("%s\n", JsonLine(v).c_str());
  } else {
    for (const store::AuditEntry& e : *rows) {
      std::printf("%lld\t%s\t%s\t%s\t%s\n", static_cast<long long>(e.seq), e.time_utc.c_str(),
                  e.actor.c_str(), e.action.c_str(), e.detail.c_str());
    }
    std::printf("%zu rows; chain %s; head %s\n", rows->size(), verdict.ok() ? "intact" : "BROKEN",
                head.empty() ? "(empty)" : head.c_str());
  }
  if (!verdict.ok()) {
    std::fprintf(stderr, "cairn audit: %s\n", verdict.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Print a case's audit log (who ran what, when, with which lists and options) and verify its\n"
      "hash chain. Exit status: 0 chain intact, 1 broken or unreadable, 2 usage error.");
  cmd->add_option("--case", a->case_dir, "Case folder")->required();
  cmd->add_option("--format", a->format, "text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  cmd->callback([a] { throw CommandResult{RunAudit(*a)}; });
}

}  // namespace cairn::cli
