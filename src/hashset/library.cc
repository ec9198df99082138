#include "cairn/hashset/library.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cairn/core/time.h"
#include "cairn/index/mapped_file.h"
#include "cairn/store/database.h"

namespace cairn::hashset {
namespace {

constexpr std::string_view kCatalogSchema = R"sql(
CREATE TABLE IF NOT EXISTS lists (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  format_detail TEXT NOT NULL,
  source_name TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  source_size INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  md5 INTEGER NOT NULL,
  sha1 INTEGER NOT NULL,
  sha256 INTEGER NOT NULL,
  pdq INTEGER NOT NULL,
  file_size INTEGER NOT NULL,
  file_sha256 TEXT NOT NULL,
  imported_utc TEXT NOT NULL,
  import_summary TEXT NOT NULL,
  report_json TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
)sql";

constexpr std::string_view kSelect =
    "SELECT name, version, file, format, format_detail, source_name, source_sha256, source_size,"
    " entries, md5, sha1, sha256, pdq, file_size, file_sha256, imported_utc, import_summary,"
    " report_json FROM lists";

// Names and versions become path components: keep them to a safe alphabet.
bool IsSafeName(std::string_view s) {
  if (s.empty() || s.size() > 128 || s[0] == '.' || s[0] == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

CatalogRow ReadRow(const store::Statement& st) {
  CatalogRow r;
  int c = 0;
  r.name = st.ColumnText(c++);
  r.version = st.ColumnText(c++);
  r.file = st.ColumnText(c++);
  r.info.name = r.name;
  r.info.version = r.version;
  r.info.format = st.ColumnText(c++);
  r.info.format_detail = st.ColumnText(c++);
  r.info.source_name = st.ColumnText(c++);
  r.info.source_sha256 = st.ColumnText(c++);
  r.info.source_size = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.entries = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.md5 = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.sha1 = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.sha256 = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.pdq = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.file_size = static_cast<uint64_t>(st.ColumnInt(c++));
  r.counts.file_sha256 = st.ColumnText(c++);
  r.imported_utc = st.ColumnText(c++);
  r.info.created_utc = r.imported_utc;
  r.info.import_summary = st.ColumnText(c++);
  r.report_json = st.ColumnText(c++);
  return r;
}

}  // namespace

std::string ImportReportJson(const ImportReport& report) {
  nlohmann::ordered_json j;
  j["format"] = std::string(FormatName(report.format));
  j["format_detail"] = report.format_detail;
  j["records_read"] = report.records_read;
  j["imported"] = report.imported;
  j["deletions"] = report.deletions;
  j["skipped"] = report.skipped;
  nlohmann::ordered_json skips = nlohmann::ordered_json::array();
  for (const SkippedRecord& s : report.skips) {
    skips.push_back({{"record", s.where.record},
                     {"line", s.where.line},
                     {"offset", s.where.offset},
                     {"reason", s.reason}});
  }
  j["skips"] = std::move(skips);
  j["skips_not_listed"] = report.skips_not_listed;
  j["zero_length_digests_ignored"] = report.zero_length_digests_ignored;
  j["zero_pdq_rejected"] = report.zero_pdq_rejected;
  j["uncategorised_unmapped"] = report.uncategorised_unmapped;
  nlohmann::ordered_json unmapped = nlohmann::ordered_json::array();
  for (const UnmappedCategory& u : report.unmapped) {
    unmapped.push_back({{"scheme", std::string(CategorySchemeName(u.scheme))},
                        {"raw", u.raw},
                        {"count", u.count}});
  }
  j["unmapped"] = std::move(unmapped);
  j["notes"] = report.notes;
  return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

std::filesystem::path Library::DefaultHome() {
  if (const char* env = std::getenv("CAIRN_HOME"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/root") / ".local/share/cairn";
}

Library::Library(std::filesystem::path home, std::unique_ptr<store::Database> db)
    : home_(std::move(home)), db_(std::move(db)) {}
Library::~Library() = default;

Result<std::unique_ptr<Library>> Library::Open(const std::filesystem::path& home) {
  std::error_code ec;
  std::filesystem::create_directories(home / "lists", ec);
  if (ec) return Status::IoError(home.string() + ": cannot create the library folder: " + ec.message());
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<store::Database> db,
                         store::Database::Open(home / "catalog.db", /*create=*/true));
  CAIRN_RETURN_IF_ERROR(db->Exec(kCatalogSchema));
  return std::unique_ptr<Library>(new Library(home, std::move(db)));
}

Result<CatalogRow> Library::Import(const std::filesystem::path& source, const std::string& name,
                                   const std::string& version, const ImportOptions& options) {
  if (!IsSafeName(name) || !IsSafeName(version)) {
    return Status::InvalidArgument(
        "list name and version may use letters, digits, '.', '_', '-' and '+' only (got '" +
        name + "' version '" + version + "')");
  }
  if (Find(name, version).ok()) {
    return Status::InvalidArgument("list '" + name + "' version '" + version +
                                   "' is already in the library; versions are immutable "
                                   "(remove it first, or import under a new version)");
  }
  CAIRN_ASSIGN_OR_RETURN(index::MappedFile mapped,
                         index::MappedFile::Open(source, index::AccessPattern::kSequential));
  ListInfo info;
  info.name = name;
  info.version = version;
  info.source_name = source.filename().string();
  info.source_size = mapped.size();
  info.source_sha256 = Sha256Of(mapped.bytes()).ToHex();
  info.created_utc = UtcNow();

  const std::filesystem::path rel = std::filesystem::path("lists") / name / (version + ".cairnhl");
  const std::filesystem::path dest = home_ / rel;
  std::error_code ec;
  std::filesystem::create_directories(dest.parent_path(), ec);
  if (ec) return Status::IoError(dest.parent_path().string() + ": " + ec.message());

  // A killed import of this same (name, version) may have left its temporary file: it was never
  // in the catalog, so it is garbage. Take it away before writing a new one.
  const std::string stale_prefix = "." + dest.filename().string() + ".tmp-";  // AtomicFileWriter
  for (const auto& e : std::filesystem::directory_iterator(dest.parent_path(), ec)) {
    if (e.path().filename().string().rfind(stale_prefix, 0) == 0) std::filesystem::remove(e.path(), ec);
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<CompiledListWriter> writer,
                         CompiledListWriter::Create(dest));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<EntryReader> reader,
                         OpenReader(source, options));
  Entry entry;
  for (;;) {
    Result<bool> more = reader->Next(entry);
    if (!more.ok()) return more.status();
    if (!*more) break;
    CAIRN_RETURN_IF_ERROR(writer->Add(entry));
  }
  const ImportReport& report = reader->report();
  info.format = std::string(FormatName(report.format));
  info.format_detail = report.format_detail;
  info.import_summary = report.Summary();
  CAIRN_ASSIGN_OR_RETURN(CompiledCounts counts, writer->Finish(info));

  CatalogRow row;
  row.name = name;
  row.version = version;
  row.file = rel.string();
  row.info = info;
  row.counts = counts;
  row.imported_utc = info.created_utc;
  row.report_json = ImportReportJson(report);
  Status st = [&]() -> Status {
    CAIRN_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
    CAIRN_ASSIGN_OR_RETURN(
        store::Statement ins,
        db_->Prepare("INSERT INTO lists VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    int i = 1;
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, row.name));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, row.version));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, row.file));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, info.format));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, info.format_detail));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, info.source_name));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, info.source_sha256));
    CAIRN_RETURN_IF_ERROR(ins.BindInt(i++, static_cast<int64_t>(info.source_size)));
    for (uint64_t v : {counts.entries, counts.md5, counts.sha1, counts.sha256, counts.pdq,
                       counts.file_size}) {
      CAIRN_RETURN_IF_ERROR(ins.BindInt(i++, static_cast<int64_t>(v)));
    }
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, counts.file_sha256));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, row.imported_utc));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, info.import_summary));
    CAIRN_RETURN_IF_ERROR(ins.BindText(i++, row.report_json));
    CAIRN_RETURN_IF_ERROR(ins.Run());
    return tx.Commit();
  }();
  if (!st.ok()) {
    // The catalog is unchanged; the compiled file is not referenced, so take it away again.
    std::filesystem::remove(dest, ec);
    return st;
  }
  return row;
}

Result<std::vector<CatalogRow>> Library::List() const {
  CAIRN_ASSIGN_OR_RETURN(store::Statement st,
                         db_->Prepare(std::string(kSelect) + " ORDER BY name, imported_utc, version"));
  std::vector<CatalogRow> rows;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    rows.push_back(ReadRow(st));
  }
  return rows;
}

Result<CatalogRow> Library::Find(const std::string& name, const std::string& version) const {
  CAIRN_ASSIGN_OR_RETURN(
      store::Statement st,
      db_->Prepare(std::string(kSelect) +
                   (version.empty() ? " WHERE name = ? ORDER BY imported_utc DESC, rowid DESC LIMIT 1"
                                    : " WHERE name = ? AND version = ?")));
  CAIRN_RETURN_IF_ERROR(st.BindText(1, name));
  if (!version.empty()) CAIRN_RETURN_IF_ERROR(st.BindText(2, version));
  CAIRN_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) {
    return Status::NotFound("no list '" + name + "'" +
                            (version.empty() ? "" : " version '" + version + "'") +
                            " in the library at " + home_.string() +
                            " (see `cairn hashset list`)");
  }
  return ReadRow(st);
}

Result<std::shared_ptr<const CompiledList>> Library::OpenList(const std::string& spec) const {
  const size_t at = spec.find('@');
  const std::string name = spec.substr(0, at);
  const std::string version = at == std::string::npos ? "" : spec.substr(at + 1);
  CAIRN_ASSIGN_OR_RETURN(CatalogRow row, Find(name, version));
  return CompiledList::Open(home_ / row.file);
}

Status Library::Remove(const std::string& name, const std::string& version) {
  CAIRN_ASSIGN_OR_RETURN(CatalogRow row, Find(name, version));
  {
    CAIRN_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
    CAIRN_ASSIGN_OR_RETURN(store::Statement del,
                           db_->Prepare("DELETE FROM lists WHERE name = ? AND version = ?"));
    CAIRN_RETURN_IF_ERROR(del.BindText(1, row.name));
    CAIRN_RETURN_IF_ERROR(del.BindText(2, row.version));
    CAIRN_RETURN_IF_ERROR(del.Run());
    CAIRN_RETURN_IF_ERROR(tx.Commit());
  }
  std::error_code ec;
  std::filesystem::remove(home_ / row.file, ec);
  return Status();
}

}  // namespace cairn::hashset
