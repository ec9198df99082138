#include "cairn/report/report.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <sstream>
#include <vector>

#include "cairn/core/atomic_write.h"
#include "cairn/core/text.h"
#include "cairn/core/time.h"
#include "cairn/store/database.h"
#include "section_util.h"

namespace cairn::report {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

using store::ForEachRow;
using internal::Text;

Status RequireScanTables(store::Case& c) {
  CAIRN_ASSIGN_OR_RETURN(int64_t v, store::SchemaVersion(c.db(), "scan"));
  if (v == 0) return Status::NotFound(c.dir().string() + ": the case holds no scan (run cairn scan first)");
  return Status::Ok();
}

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

constexpr std::string_view kFindingsSql = R"sql(
SELECT i.forensic_path, e.label, i.deleted, i.size, i.md5, i.sha1, i.sha256, i.pdq, i.media_type,
       f.list_name, f.list_version, f.entry_id, f.entry_record, f.entry_source_id, f.rule,
       f.distance, f.threshold, f.dihedral, f.category_scheme, f.category_raw, f.category_class
FROM scan_findings f JOIN scan_items i ON f.item_id = i.id JOIN scan_evidence e ON i.evidence_id = e.id
ORDER BY i.run_id, e.position, i.id, f.id)sql";

// kFindingsSql; from scan schema v2 on, a vPDQ finding's variant cell (column 17) states both
// percentages and the thresholds of the vPDQ rule (a video has no dihedral variant).
Result<std::string> FindingsSql(store::Database& db) {
  CAIRN_ASSIGN_OR_RETURN(int64_t version, store::SchemaVersion(db, "scan"));
  std::string sql(kFindingsSql);
  constexpr std::string_view kVariant = "f.dihedral,";
  if (version >= 2) {
    sql.replace(sql.find(kVariant), kVariant.size(),
                "CASE WHEN f.rule = 'vpdq' THEN printf('vPDQ query %.1f%% / reference %.1f%% of "
                "distinct frames (quality >= %d, frame distance < %d); match at >= %g%%', "
                "f.vpdq_query_percent, f.vpdq_reference_percent, f.vpdq_min_quality, f.threshold, "
                "f.vpdq_min_percent) ELSE f.dihedral END,");
  }
  return sql;
}

}  // namespace

Status WriteFindingsCsv(store::Case& c, const fs::path& out) {
  CAIRN_RETURN_IF_ERROR(RequireScanTables(c));
  return WriteFileAtomically(out, [&](std::ostream& o) -> Status {
    o << "forensic_path,evidence,deleted,size,md5,sha1,sha256,pdq,media_type,list,list_version,"
         "entry_id,entry_record,entry_source_id,rule,distance,threshold,dihedral,category_scheme,"
         "category_raw,category_class\r\n";
    CAIRN_ASSIGN_OR_RETURN(const std::string sql, FindingsSql(c.db()));
    return ForEachRow(c.db(), sql, [&](store::Statement& q) -> Status {
      for (int col = 0; col <= 20; ++col) {
        if (col > 0) o << ',';
        if (col == 2) o << (q.ColumnInt(2) != 0 ? "true" : "false");
        else o << CsvField(Text(q, col));
      }
      o << "\r\n";
      return Status::Ok();
    });
  });
}

namespace {

// The case's audit log: every command run on it, the chain verdict and the chain head (the newest
// row's hash), so the report fixes the state of the log it was written from.
Result<std::string> AuditSectionHtml(store::Case& c) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> rows, c.ReadAuditLog());
  const Status verdict = c.VerifyAuditLog();
  std::string h = "<h2 id=\"audit\">Audit log</h2>\n<p>" + std::to_string(rows.size()) + " rows; chain " +
                  (verdict.ok() ? std::string("intact") : "<strong>BROKEN</strong>: " + XmlEscape(verdict.ToString())) +
                  (rows.empty() ? std::string() : "; head <span class=\"h\">" + XmlEscape(rows.back().hash) + "</span>") +
                  " (<code>cairn audit --case DIR</code> prints and verifies it).</p>\n"
                  "<table><tr><th>#</th><th>Time (UTC)</th><th>Actor</th><th>Action</th><th>Detail</th></tr>\n";
  for (const store::AuditEntry& e : rows) {
    h += "<tr><td>" + std::to_string(e.seq) + "</td><td>" + XmlEscape(e.time_utc) + "</td><td>" +
         XmlEscape(e.actor) + "</td><td>" + XmlEscape(e.action) + "</td><td class=\"h\">" +
         XmlEscape(e.detail) + "</td></tr>\n";
  }
  return h + "</table>\n";
}

// report.html: the scan tables (when the case holds a scan), then the network and money sections.
Status WriteHtml(store::Case& c, const fs::path& out, const Section& network, const Section& money) {
  CAIRN_ASSIGN_OR_RETURN(int64_t scan_version, store::SchemaVersion(c.db(), "scan"));
  store::Database& db = c.db();
  CAIRN_ASSIGN_OR_RETURN(const std::string audit, AuditSectionHtml(c));
  return WriteFileAtomically(out, [&](std::ostream& o) -> Status {
    auto h = [](std::string_view s) { return XmlEscape(s); };
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<title>Cairn case report</title>\n<style>body{font-family:sans-serif;margin:1em}"
         "table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #999;padding:2px 6px;"
         "font-size:90%;text-align:left;vertical-align:top}td.h{font-family:monospace;word-break:break-all}"
         "tr.hit td{background:#fbeaea}figure.pic{margin:0 0 1em 0}figure.pic svg{max-width:100%;height:auto}"
         "</style></head><body>\n";
    o << "<h1>Cairn case report</h1>\n<p>Case folder: " << h(c.dir().string())
      << "<br>Report written: " << h(UtcNow())
      << "<br>This report contains no images. Every match states its distance and threshold.</p>\n"
         "<p><a href=\"#hits\">Scan hits</a> · <a href=\"#network\">Network</a> · <a href=\"#money\">Money</a>"
         " · <a href=\"#audit\">Audit log</a></p>\n";
    if (scan_version == 0) {
      o << "<h2 id=\"hits\">Scan</h2>\n<p>No scan in this case (cairn scan).</p>\n" << network.html << money.html
        << audit << "</body></html>\n";
      return Status::Ok();
    }

    o << "<h2>Runs</h2>\n<table><tr><th>Run</th><th>Status</th><th>Examiner</th><th>Started</th>"
         "<th>Finished</th><th>Cairn</th><th>Invocations</th><th>Options</th></tr>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT id, status, actor, started_utc, finished_utc, cairn_version, invocations, options_json "
        "FROM scan_runs ORDER BY id", [&](store::Statement& q) -> Status {
          o << "<tr>";
          for (int col = 0; col < 8; ++col) o << (col == 7 ? "<td class=\"h\">" : "<td>") << h(Text(q, col)) << "</td>";
          o << "</tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n<h2>Hash lists</h2>\n<table><tr><th>Run</th><th>List</th><th>Version</th>"
         "<th>Format</th><th>Compiled file SHA-256</th><th>Source SHA-256</th></tr>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT run_id, name, version, format, file_sha256, source_sha256 FROM scan_lists "
        "ORDER BY run_id, position", [&](store::Statement& q) -> Status {
          o << "<tr>";
          for (int col = 0; col < 6; ++col) o << (col >= 4 ? "<td class=\"h\">" : "<td>") << h(Text(q, col)) << "</td>";
          o << "</tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n<h2>Evidence</h2>\n<table><tr><th>Run</th><th>Label</th><th>Path</th><th>Kind</th>"
         "<th>Size</th><th>SHA-256</th><th>Image check (digests stored at acquisition)</th></tr>\n";
    // From scan schema v3 on: an E01's verdict with its stored and computed digests.
    const std::string check = scan_version < 3 ? "''" :
        "CASE WHEN ewf_verdict IS NULL THEN '' ELSE 'E01 ' || ewf_verdict || ': stored MD5 ' || "
        "coalesce(ewf_stored_md5, 'none') || ', computed ' || coalesce(ewf_computed_md5, '-') || "
        "'; stored SHA-1 ' || coalesce(ewf_stored_sha1, 'none') || ', computed ' || "
        "coalesce(ewf_computed_sha1, '-') || '; ' || coalesce(ewf_checksum_errors, 0) || "
        "' chunk checksum errors' || coalesce('; ' || ewf_error, '') END";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT run_id, label, path, kind, size, sha256, " + check + " FROM scan_evidence ORDER BY run_id, position",
        [&](store::Statement& q) -> Status {
          o << "<tr>";
          for (int col = 0; col < 7; ++col) o << (col >= 5 ? "<td class=\"h\">" : "<td>") << h(Text(q, col)) << "</td>";
          o << "</tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n<h2>Items by outcome</h2>\n<table><tr><th>Outcome</th><th>Items</th><th>Bytes</th></tr>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT status, COUNT(*), COALESCE(SUM(size),0) FROM scan_items GROUP BY status ORDER BY status",
        [&](store::Statement& q) -> Status {
          o << "<tr><td>" << h(Text(q, 0)) << "</td><td>" << q.ColumnInt(1) << "</td><td>"
            << q.ColumnInt(2) << "</td></tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n<h2>Summary by list and category</h2>\n<table><tr><th>List</th><th>Version</th>"
         "<th>Category scheme</th><th>Category</th><th>Class</th><th>Items</th><th>Findings</th></tr>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT list_name, list_version, category_scheme, category_raw, category_class, "
        "COUNT(DISTINCT item_id), COUNT(*) FROM scan_findings GROUP BY 1,2,3,4,5 ORDER BY 1,2,3,4,5",
        [&](store::Statement& q) -> Status {
          o << "<tr>";
          for (int col = 0; col < 5; ++col) o << "<td>" << h(Text(q, col)) << "</td>";
          o << "<td>" << q.ColumnInt(5) << "</td><td>" << q.ColumnInt(6) << "</td></tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n<h2 id=\"hits\">Hits</h2>\n<table><tr><th>Forensic path</th><th>Deleted</th><th>Size</th>"
         "<th>MD5</th><th>SHA-1</th><th>SHA-256</th><th>PDQ</th><th>List</th><th>Version</th>"
         "<th>Entry</th><th>Rule</th><th>Distance</th><th>Threshold</th><th>Variant</th>"
         "<th>Category</th></tr>\n";
    CAIRN_ASSIGN_OR_RETURN(const std::string findings_sql, FindingsSql(db));
    CAIRN_RETURN_IF_ERROR(ForEachRow(db, findings_sql, [&](store::Statement& q) -> Status {
      o << "<tr><td>" << h(Text(q, 0)) << "</td><td>" << (q.ColumnInt(2) ? "deleted" : "") << "</td><td>"
        << h(Text(q, 3)) << "</td>";
      for (int col : {4, 5, 6, 7}) o << "<td class=\"h\">" << h(Text(q, col)) << "</td>";
      o << "<td>" << h(Text(q, 9)) << "</td><td>" << h(Text(q, 10)) << "</td><td>#" << h(Text(q, 11))
        << " (record " << h(Text(q, 12)) << (q.ColumnIsNull(13) ? "" : ", id " + h(Text(q, 13)))
        << ")</td><td>" << h(Text(q, 14)) << "</td><td>" << q.ColumnInt(15) << "</td><td>"
        << q.ColumnInt(16) << "</td><td>" << h(Text(q, 17)) << "</td><td>" << h(Text(q, 18)) << ' '
        << h(Text(q, 19)) << " (" << h(Text(q, 20)) << ")</td></tr>\n";
      return Status::Ok();
    }));
    o << "</table>\n<h2>Errors</h2>\n<table><tr><th>Run</th><th>Forensic path</th><th>Error</th></tr>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT run_id, forensic_path, message FROM scan_errors ORDER BY id", [&](store::Statement& q) -> Status {
          o << "<tr><td>" << q.ColumnInt(0) << "</td><td>" << h(Text(q, 1)) << "</td><td>" << h(Text(q, 2))
            << "</td></tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n<h2>Skipped items</h2>\n<p>Empty files are counted and not hashed; symbolic links, "
         "devices, FIFOs and sockets are recorded and never read; known-good items matched only "
         "non-pertinent entries (e.g. NSRL) and are not reported as hits.</p>\n"
         "<table><tr><th>Forensic path</th><th>Outcome</th><th>Note</th></tr>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(db,
        "SELECT forensic_path, status, note FROM scan_items WHERE status IN ('empty','not-read','known-good') "
        "ORDER BY id LIMIT 10000", [&](store::Statement& q) -> Status {
          o << "<tr><td>" << h(Text(q, 0)) << "</td><td>" << h(Text(q, 1)) << "</td><td>" << h(Text(q, 2))
            << "</td></tr>\n";
          return Status::Ok();
        }));
    o << "</table>\n" << network.html << money.html << audit << "</body></html>\n";
    return Status::Ok();
  });
}

}  // namespace

Status WriteHtmlReport(store::Case& c, const fs::path& out, const ReportOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(Section network, BuildNetworkSection(c, options));
  CAIRN_ASSIGN_OR_RETURN(Section money, BuildMoneySection(c, options));
  return WriteHtml(c, out, network, money);
}

Status WriteVicsCase(store::Case& c, const fs::path& out) {
  CAIRN_RETURN_IF_ERROR(RequireScanTables(c));
  store::Database& db = c.db();
  // The first VICS category of each matched item (list order), for the Media records.
  Json media = Json::array();
  uint64_t precategorised = 0;
  int64_t media_id = 0;
  CAIRN_RETURN_IF_ERROR(ForEachRow(db, R"sql(
SELECT i.id, i.forensic_path, i.md5, i.sha1, i.sha256, i.size, i.media_type, i.mtime, i.atime,
       i.deleted, i.pdq,
       (SELECT f.category_raw FROM scan_findings f WHERE f.item_id = i.id AND f.category_scheme LIKE 'vics%'
          ORDER BY f.id LIMIT 1),
       (SELECT f.list_name || '@' || f.list_version FROM scan_findings f WHERE f.item_id = i.id
          ORDER BY f.id LIMIT 1)
FROM scan_items i
WHERE i.md5 IS NOT NULL AND (i.status = 'hit' OR i.media_type LIKE 'image/%' OR i.media_type LIKE 'video/%')
ORDER BY i.id)sql", [&](store::Statement& q) -> Status {
    const std::string md5 = Upper(Text(q, 2));
    Json m;
    m["MediaID"] = ++media_id;
    const std::string raw = Text(q, 11);
    bool numeric = !raw.empty() && raw.size() <= 3 && raw.find_first_not_of("0123456789") == std::string::npos;
    m["Category"] = numeric ? Json(std::stoi(raw)) : Json(nullptr);
    m["MD5"] = md5;
    m["SHA1"] = Upper(Text(q, 3));
    m["MediaSize"] = q.ColumnInt(5);
    m["RelativeFilePath"] = ToValidUtf8(Text(q, 1));
    const bool matched = !q.ColumnIsNull(12);
    m["IsPrecategorized"] = matched;
    m["PrecategorizationSource"] = matched ? Json(Text(q, 12)) : Json(nullptr);
    precategorised += matched;
    m["MimeType"] = q.ColumnIsNull(6) ? Json(nullptr) : Json(Text(q, 6));
    m["AlternativeHashes"] = Json::array({{{"MD5", md5}, {"HashName", "SHA256"}, {"HashValue", Text(q, 4)}}});
    if (!q.ColumnIsNull(10)) {
      m["AlternativeHashes"].push_back({{"MD5", md5}, {"HashName", "PDQ"}, {"HashValue", Text(q, 10)}});
    }
    const std::string path = ToValidUtf8(Text(q, 1));
    const size_t slash = path.rfind('/');
    Json file;
    file["MD5"] = md5;
    file["FileName"] = slash == std::string::npos ? path : path.substr(slash + 1);
    file["FilePath"] = path;
    file["Written"] = q.ColumnIsNull(7) ? Json(nullptr) : Json(FormatUtc(q.ColumnInt(7)));
    file["Accessed"] = q.ColumnIsNull(8) ? Json(nullptr) : Json(FormatUtc(q.ColumnInt(8)));
    file["Deleted"] = q.ColumnInt(9) != 0;
    m["MediaFiles"] = Json::array({file});
    media.push_back(std::move(m));
    return Status::Ok();
  }));
  Json kase;
  std::string case_id = "cairn-case";
  std::string started;
  CAIRN_RETURN_IF_ERROR(ForEachRow(db, "SELECT started_utc FROM scan_runs ORDER BY id LIMIT 1",
                                   [&](store::Statement& q) -> Status {
                                     started = Text(q, 0);
                                     return Status::Ok();
                                   }));
  kase["CaseID"] = ToValidUtf8(c.dir().filename().string().empty() ? case_id : c.dir().filename().string());
  kase["CaseNumber"] = kase["CaseID"];
  kase["TotalMediaFiles"] = media.size();
  kase["TotalPrecategorized"] = precategorised;
  kase["SourceApplicationName"] = "cairn";
  kase["SourceApplicationVersion"] = CAIRN_VERSION;
  kase["CaseMetadata"] = Json::array({{{"CaseID", kase["CaseID"]}, {"PropertyName", "ScanStarted"},
                                       {"PropertyValue", started}}});
  kase["Media"] = std::move(media);
  Json doc;
  doc["@odata.context"] = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases";
  doc["value"] = Json::array({std::move(kase)});
  return WriteFileAtomically(out, [&](std::ostream& o) -> Status {
    o << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
    return Status::Ok();
  });
}

Status WriteDfxml(store::Case& c, const fs::path& out) {
  CAIRN_RETURN_IF_ERROR(RequireScanTables(c));
  return WriteFileAtomically(out, [&](std::ostream& o) -> Status {
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<dfxml xmlns=\"http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
         "xmlns:cairn=\"urn:cairn:dfxml:1\" version=\"1.2.0\">\n"
         "  <metadata><dc:type>File inventory</dc:type></metadata>\n"
         "  <creator><program>cairn</program><version>" CAIRN_VERSION "</version></creator>\n";
    CAIRN_RETURN_IF_ERROR(ForEachRow(c.db(), R"sql(
SELECT i.forensic_path, i.size, i.md5, i.sha1, i.sha256, i.mtime, i.atime, i.ctime, i.inode,
       i.deleted, i.kind, i.status, i.media_type, i.error, e.label
FROM scan_items i JOIN scan_evidence e ON i.evidence_id = e.id ORDER BY i.run_id, e.position, i.id)sql",
        [&](store::Statement& q) -> Status {
          o << "  <fileobject>\n    <filename>" << XmlEscape(Text(q, 0)) << "</filename>\n";
          if (!q.ColumnIsNull(1)) o << "    <filesize>" << q.ColumnInt(1) << "</filesize>\n";
          if (!q.ColumnIsNull(8)) o << "    <inode>" << q.ColumnInt(8) << "</inode>\n";
          if (!q.ColumnIsNull(5)) o << "    <mtime>" << FormatUtc(q.ColumnInt(5)) << "</mtime>\n";
          if (!q.ColumnIsNull(6)) o << "    <atime>" << FormatUtc(q.ColumnInt(6)) << "</atime>\n";
          if (!q.ColumnIsNull(7)) o << "    <ctime>" << FormatUtc(q.ColumnInt(7)) << "</ctime>\n";
          if (!q.ColumnIsNull(2)) o << "    <hashdigest type=\"md5\">" << Text(q, 2) << "</hashdigest>\n";
          if (!q.ColumnIsNull(3)) o << "    <hashdigest type=\"sha1\">" << Text(q, 3) << "</hashdigest>\n";
          if (!q.ColumnIsNull(4)) o << "    <hashdigest type=\"sha256\">" << Text(q, 4) << "</hashdigest>\n";
          o << "    <cairn:deleted>" << (q.ColumnInt(9) ? "true" : "false") << "</cairn:deleted>\n"
            << "    <cairn:evidence>" << XmlEscape(Text(q, 14)) << "</cairn:evidence>\n"
            << "    <cairn:kind>" << XmlEscape(Text(q, 10)) << "</cairn:kind>\n"
            << "    <cairn:outcome>" << XmlEscape(Text(q, 11)) << "</cairn:outcome>\n";
          if (!q.ColumnIsNull(12)) o << "    <cairn:media_type>" << XmlEscape(Text(q, 12)) << "</cairn:media_type>\n";
          if (!q.ColumnIsNull(13)) o << "    <cairn:error>" << XmlEscape(Text(q, 13)) << "</cairn:error>\n";
          o << "  </fileobject>\n";
          return Status::Ok();
        }));
    o << "</dfxml>\n";
    return Status::Ok();
  });
}

Result<ReportSummary> WriteReports(store::Case& c, const fs::path& out_dir, const ReportOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(int64_t scan_version, store::SchemaVersion(c.db(), "scan"));
  CAIRN_ASSIGN_OR_RETURN(Section network, BuildNetworkSection(c, options));
  CAIRN_ASSIGN_OR_RETURN(Section money, BuildMoneySection(c, options));
  if (scan_version == 0 && !network.present && !money.present) {
    return Status::NotFound(c.dir().string() +
                            ": the case holds no scan, no chat exports and no ledger (run cairn scan, "
                            "cairn net ingest or cairn trail ingest first)");
  }
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Status::IoError(out_dir.string() + ": cannot create: " + ec.message());
  CAIRN_RETURN_IF_ERROR(WriteHtml(c, out_dir / "report.html", network, money));
  ReportSummary s;
  s.dir = out_dir;
  s.scan = scan_version > 0;
  s.network = network.present;
  s.money = money.present;
  auto write_text = [&](const char* name, const std::string& text) {
    return WriteFileAtomically(out_dir / name, [&](std::ostream& o) -> Status {
      o << text;
      return Status::Ok();
    });
  };
  if (network.present) CAIRN_RETURN_IF_ERROR(write_text("network.json", network.json));
  if (money.present) CAIRN_RETURN_IF_ERROR(write_text("money.json", money.json));
  if (!s.scan) return s;
  CAIRN_RETURN_IF_ERROR(WriteFindingsCsv(c, out_dir / "findings.csv"));
  CAIRN_RETURN_IF_ERROR(WriteVicsCase(c, out_dir / "vics-case.json"));
  CAIRN_RETURN_IF_ERROR(WriteDfxml(c, out_dir / "dfxml.xml"));
  CAIRN_RETURN_IF_ERROR(ForEachRow(c.db(),
      "SELECT (SELECT COUNT(*) FROM scan_items), (SELECT COUNT(DISTINCT item_id) FROM scan_findings), "
      "(SELECT COUNT(*) FROM scan_findings), (SELECT COUNT(*) FROM scan_errors)",
      [&](store::Statement& q) -> Status {
        s.items = static_cast<uint64_t>(q.ColumnInt(0));
        s.hits = static_cast<uint64_t>(q.ColumnInt(1));
        s.findings = static_cast<uint64_t>(q.ColumnInt(2));
        s.errors = static_cast<uint64_t>(q.ColumnInt(3));
        return Status::Ok();
      }));
  return s;
}

}  // namespace cairn::report
