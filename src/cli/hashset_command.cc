// `cairn hashset import|list|show|export|verify|remove`: the hash-list library.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cairn/hashset/export.h"
#include "cairn/hashset/library.h"
#include "commands.h"
#include "json_output.h"

namespace cairn::cli {
namespace {

struct HashsetArgs {
  std::string home;
  std::string format = "text";
  // import
  std::string file, name, version, source_format, map, separator, default_category;
  // show / export / verify / remove
  std::string list;
  std::string to = "vics";
  std::string output;
};

Result<std::unique_ptr<hashset::Library>> OpenLibrary(const HashsetArgs& a) {
  return hashset::Library::Open(a.home.empty() ? hashset::Library::DefaultHome()
                                               : std::filesystem::path(a.home));
}

int Fail(const Status& s, std::string_view what) {
  std::fprintf(stderr, "cairn hashset %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               s.ToString().c_str());
  return 1;
}

Json RowJson(const hashset::CatalogRow& r) {
  Json j;
  j["name"] = r.name;
  j["version"] = r.version;
  j["format"] = r.info.format;
  j["format_detail"] = r.info.format_detail;
  j["entries"] = r.counts.entries;
  j["md5"] = r.counts.md5;
  j["sha1"] = r.counts.sha1;
  j["sha256"] = r.counts.sha256;
  j["pdq"] = r.counts.pdq;
  j["source_name"] = r.info.source_name;
  j["source_sha256"] = r.info.source_sha256;
  j["source_size"] = r.info.source_size;
  j["file"] = r.file;
  j["file_size"] = r.counts.file_size;
  j["file_sha256"] = r.counts.file_sha256;
  j["imported_utc"] = r.imported_utc;
  j["summary"] = r.info.import_summary;
  return j;
}

void PrintRow(const hashset::CatalogRow& r, bool jsonl) {
  if (jsonl) {
    std::printf("%s\n", JsonLine(RowJson(r)).c_str());
    return;
  }
  std::printf("%s@%s  %s  %llu entries (md5 %llu, sha1 %llu, sha256 %llu, pdq %llu)  imported %s\n",
              r.name.c_str(), r.version.c_str(), r.info.format.c_str(),
              static_cast<unsigned long long>(r.counts.entries),
              static_cast<unsigned long long>(r.counts.md5),
              static_cast<unsigned long long>(r.counts.sha1),
              static_cast<unsigned long long>(r.counts.sha256),
              static_cast<unsigned long long>(r.counts.pdq), r.imported_utc.c_str());
}

int RunImport(const HashsetArgs& a) {
  hashset::ImportOptions options;
  if (!a.source_format.empty()) {
    options.format = hashset::ParseFormat(a.source_format);
    if (!options.format) {
      return Fail(Status::InvalidArgument("unknown format '" + a.source_format + "'"), "import");
    }
  }
  if (!a.map.empty()) {
    Result<hashset::ColumnMap> map = hashset::ParseColumnMap(a.map);
    if (!map.ok()) return Fail(map.status().WithContext("--map"), "import");
    options.columns = *map;
    if (!options.format) options.format = hashset::Format::kGenericCsv;
  }
  if (!a.separator.empty()) options.separator = a.separator == "tab" ? '\t' : a.separator[0];
  if (!a.default_category.empty()) {
    // "scheme:raw=class" as for category overrides: "vics-default:1=alert" (TEST-FIXTURE lists).
    std::optional<hashset::CategoryRule> rule = hashset::CategoryMap::ParseRule(a.default_category);
    if (!rule) {
      return Fail(Status::InvalidArgument("--default-category wants scheme:raw=class, e.g. "
                                          "vics-default:1=alert"),
                  "import");
    }
    options.default_category = {rule->scheme, "", rule->raw, rule->triage};
  }
  CAIRN_ASSIGN_OR_RETURN_CLI(auto lib, OpenLibrary(a), "import");
  Result<hashset::CatalogRow> row = lib->Import(a.file, a.name, a.version, options);
  if (!row.ok()) return Fail(row.status().WithContext(a.file), "import");
  PrintRow(*row, a.format == "jsonl");
  if (a.format != "jsonl") std::printf("  %s\n", row->info.import_summary.c_str());
  return 0;
}

int RunList(const HashsetArgs& a) {
  CAIRN_ASSIGN_OR_RETURN_CLI(auto lib, OpenLibrary(a), "list");
  Result<std::vector<hashset::CatalogRow>> rows = lib->List();
  if (!rows.ok()) return Fail(rows.status(), "list");
  for (const auto& r : *rows) PrintRow(r, a.format == "jsonl");
  return 0;
}

int RunShow(const HashsetArgs& a) {
  CAIRN_ASSIGN_OR_RETURN_CLI(auto lib, OpenLibrary(a), "show");
  const size_t at = a.list.find('@');
  Result<hashset::CatalogRow> row =
      lib->Find(a.list.substr(0, at), at == std::string::npos ? "" : a.list.substr(at + 1));
  if (!row.ok()) return Fail(row.status(), "show");
  Json j = RowJson(*row);
  j["report"] = Json::parse(row->report_json, nullptr, false);
  std::printf("%s\n", a.format == "jsonl" ? JsonLine(j).c_str() : j.dump(2).c_str());
  return 0;
}

int RunExport(const HashsetArgs& a) {
  std::optional<hashset::ExportFormat> fmt = hashset::ParseExportFormat(a.to);
  if (!fmt) return Fail(Status::InvalidArgument("unknown export format '" + a.to + "'"), "export");
  CAIRN_ASSIGN_OR_RETURN_CLI(auto lib, OpenLibrary(a), "export");
  Result<std::shared_ptr<const hashset::CompiledList>> list = lib->OpenList(a.list);
  if (!list.ok()) return Fail(list.status(), "export");
  std::ofstream file;
  if (!a.output.empty()) {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(Status::IoError(a.output + ": cannot create"), "export");
  }
  std::ostream& out = a.output.empty() ? std::cout : file;
  std::unique_ptr<hashset::EntryWriter> writer = hashset::MakeWriter(*fmt, out);
  for (uint64_t id = 0; id < (*list)->entry_count(); ++id) {
    Result<hashset::Entry> e = (*list)->EntryAt(id);
    if (!e.ok()) return Fail(e.status(), "export");
    Status st = writer->Write(*e);
    if (!st.ok()) return Fail(st, "export");
  }
  Status st = writer->Finish();
  if (!st.ok()) return Fail(st, "export");
  std::fprintf(stderr, "cairn hashset export: %llu written, %llu the format cannot carry\n",
               static_cast<unsigned long long>(writer->stats().written),
               static_cast<unsigned long long>(writer->stats().left_out));
  return 0;
}

int RunVerify(const HashsetArgs& a) {
  CAIRN_ASSIGN_OR_RETURN_CLI(auto lib, OpenLibrary(a), "verify");
  Result<std::shared_ptr<const hashset::CompiledList>> list = lib->OpenList(a.list);
  if (!list.ok()) return Fail(list.status(), "verify");
  Status st = (*list)->VerifyChecksum();
  if (st.ok()) st = (*list)->md5().Verify();
  if (st.ok()) st = (*list)->sha1().Verify();
  if (st.ok()) st = (*list)->sha256().Verify();
  if (!st.ok()) return Fail(st, "verify");
  std::printf("%s: ok (%llu entries, checksum and index order verified)\n",
              (*list)->path().c_str(), static_cast<unsigned long long>((*list)->entry_count()));
  return 0;
}

int RunRemove(const HashsetArgs& a) {
  const size_t at = a.list.find('@');
  if (at == std::string::npos) {
    return Fail(Status::InvalidArgument("name the version to remove: NAME@VERSION"), "remove");
  }
  CAIRN_ASSIGN_OR_RETURN_CLI(auto lib, OpenLibrary(a), "remove");
  Status st = lib->Remove(a.list.substr(0, at), a.list.substr(at + 1));
  if (!st.ok()) return Fail(st, "remove");
  return 0;
}

}  // namespace

void RegisterHashsetCommand(CLI::App& app) {
  auto a = std::make_shared<HashsetArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hashset", "The hash-list library: import lists (VICS, ICSE, NCMEC, NSRL, md5sum, PDQ, "
                 "CSV, ...), list, show, export, verify and remove them.");
  cmd->require_subcommand(1);
  cmd->add_option("--home", a->home, "Library folder (default $CAIRN_HOME, else ~/.local/share/cairn)");
  auto format_option = [&](CLI::App* sub) {
    sub->add_option("--format", a->format, "Output: text or jsonl")
        ->check(CLI::IsMember({"text", "jsonl"}))
        ->capture_default_str();
  };

  CLI::App* imp = cmd->add_subcommand("import", "Compile a hash list into the library");
  imp->add_option("file", a->file, "The list file")->required();
  imp->add_option("--name", a->name, "List name (letters, digits, . _ - +)")->required();
  imp->add_option("--version", a->version, "List version; versions are immutable")->required();
  imp->add_option("--source-format", a->source_format,
                  "Force the input format (vics, icse, ncmec, nsrl-v3, nsrl-v2, hashkeeper, "
                  "encase, hashsum, pdq, pytx, stopncii, arachnid, csv); default: detected");
  imp->add_option("--map", a->map, "Column map for CSV, e.g. md5=MD5,category=Cat,sep=;");
  imp->add_option("--sep", a->separator, "CSV separator (one character or 'tab')");
  imp->add_option("--default-category", a->default_category,
                  "Category for entries without one, as scheme:raw=class");
  format_option(imp);
  imp->callback([a] { throw CommandResult{RunImport(*a)}; });

  CLI::App* list = cmd->add_subcommand("list", "The lists in the library");
  format_option(list);
  list->callback([a] { throw CommandResult{RunList(*a)}; });

  CLI::App* show = cmd->add_subcommand("show", "One list with its full import report");
  show->add_option("list", a->list, "NAME or NAME@VERSION")->required();
  format_option(show);
  show->callback([a] { throw CommandResult{RunShow(*a)}; });

  CLI::App* exp = cmd->add_subcommand("export", "Write a list in an exchange format");
  exp->add_option("list", a->list, "NAME or NAME@VERSION")->required();
  exp->add_option("--to", a->to, "vics (VICS 2.0 JSON), csv, pdq or md5sum")->capture_default_str();
  exp->add_option("--output,-o", a->output, "Output file (default: standard output)");
  exp->callback([a] { throw CommandResult{RunExport(*a)}; });

  CLI::App* ver = cmd->add_subcommand("verify", "Check a list file's checksum and index order");
  ver->add_option("list", a->list, "NAME or NAME@VERSION")->required();
  ver->callback([a] { throw CommandResult{RunVerify(*a)}; });

  CLI::App* rem = cmd->add_subcommand("remove", "Remove one version of a list");
  rem->add_option("list", a->list, "NAME@VERSION")->required();
  rem->callback([a] { throw CommandResult{RunRemove(*a)}; });
}

}  // namespace cairn::cli
