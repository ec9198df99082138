// Exporters. Each record is formatted on its own (nlohmann::ordered_json for one VICS Media
// object) and written straight to the stream, so exports of any size use constant memory.
#include "cairn/hashset/export.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>

#include "cairn/core/text.h"
#include "readers.h"

namespace cairn::hashset {
namespace {

using internal::EqualsIgnoreCase;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool IsVicsScheme(CategoryScheme s) {
  return s == CategoryScheme::kVicsDefault || s == CategoryScheme::kVicsUs || s == CategoryScheme::kVicsUk ||
         s == CategoryScheme::kVicsCustom;
}

constexpr std::string_view kCairnCategoryProperty = "Cairn:Category";

class VicsWriter final : public EntryWriter {
 public:
  VicsWriter(std::ostream& out, ExportOptions options) : out_(out), options_(std::move(options)) {}

  Status Write(const Entry& e) override {
    CAIRN_ASSERT(!finished_);
    if (e.kind == EntryKind::kDelete) {
      ++stats_.left_out;
      return Status::Ok();
    }
    if (!started_) Start(&e);
    nlohmann::ordered_json m;
    const std::string md5 = e.md5 ? Upper(e.md5->ToHex()) : std::string();
    if (auto id = internal::ParseUint(e.source_id)) {
      m["MediaID"] = *id;
    } else if (!e.source_id.empty()) {
      m["MediaID"] = e.source_id;
    } else {
      m["MediaID"] = stats_.written + 1;
    }
    const bool vics_category = IsVicsScheme(e.category.scheme) && !e.category.raw.empty();
    if (vics_category) {
      if (auto n = internal::ParseUint(e.category.raw)) {
        m["Category"] = *n;
      } else {
        m["Category"] = e.category.raw;
      }
    } else if (e.category.triage == TriageClass::kAlert) {
      m["Category"] = 1;
    } else if (e.category.triage == TriageClass::kNonPertinent) {
      m["Category"] = 0;
    }
    if (e.md5) m["MD5"] = md5;
    if (e.sha1) m["SHA1"] = Upper(e.sha1->ToHex());
    if (e.victim_identified != Tristate::kUnknown) m["VictimIdentified"] = e.victim_identified == Tristate::kTrue;
    if (e.offender_identified != Tristate::kUnknown) m["OffenderIdentified"] = e.offender_identified == Tristate::kTrue;
    if (e.is_distributed != Tristate::kUnknown) m["IsDistributed"] = e.is_distributed == Tristate::kTrue;
    if (!e.series.empty()) m["Series"] = e.series;
    if (!e.tags.empty()) m["Tags"] = e.tags;
    if (!e.comments.empty()) m["Comments"] = e.comments;
    if (e.file_size) m["MediaSize"] = *e.file_size;
    m["IsPrecategorized"] = !e.category.raw.empty();
    if (const VendorHash* p = e.FindVendorHash("PhotoDNA")) m["PhotoDNA"] = p->value;
    nlohmann::ordered_json alt = nlohmann::ordered_json::array();
    auto add_alt = [&](std::string_view name, const std::string& value) {
      nlohmann::ordered_json a;
      if (e.md5) a["MD5"] = md5;
      a["HashName"] = name;
      a["HashValue"] = value;
      alt.push_back(std::move(a));
    };
    if (e.sha256) add_alt("SHA256", e.sha256->ToHex());
    if (e.pdq) add_alt("PDQ", e.pdq->ToHex());
    for (const auto& v : e.vendor_hashes) {
      if (!EqualsIgnoreCase(v.name, "PhotoDNA")) add_alt(v.name, v.value);
    }
    if (!alt.empty()) m["AlternativeHashes"] = std::move(alt);
    nlohmann::ordered_json meta = nlohmann::ordered_json::array();
    auto add_meta = [&](std::string_view name, const std::string& value) {
      nlohmann::ordered_json a;
      if (e.md5) a["MD5"] = md5;
      a["PropertyName"] = name;
      a["PropertyValue"] = value;
      meta.push_back(std::move(a));
    };
    if (e.pdq && e.pdq_quality) add_meta(internal::kPdqQualityProperty, std::to_string(*e.pdq_quality));
    if (!vics_category && e.category.scheme != CategoryScheme::kNone && !e.category.raw.empty()) {
      add_meta(kCairnCategoryProperty, std::string(CategorySchemeName(e.category.scheme)) + ":" + e.category.raw);
    }
    if (!meta.empty()) m["MediaMetadata"] = std::move(meta);
    if (e.file_name) {
      nlohmann::ordered_json f;
      if (e.md5) f["MD5"] = md5;
      f["MediaFileID"] = 1;
      f["FileName"] = *e.file_name;
      m["MediaFiles"] = nlohmann::ordered_json::array({std::move(f)});
    }
    out_ << (stats_.written == 0 ? "\n" : ",\n")
         << m.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    ++stats_.written;
    if (!out_) return Status::IoError("VICS export: write failed");
    return Status::Ok();
  }

  Status Finish() override {
    CAIRN_ASSERT(!finished_);
    finished_ = true;
    if (!started_) Start(nullptr);
    out_ << "\n]}\n";
    out_.flush();
    if (!out_) return Status::IoError("VICS export: write failed");
    return Status::Ok();
  }

  const ExportStats& stats() const override { return stats_; }

 private:
  void Start(const Entry* first) {
    started_ = true;
    std::string profile = options_.vics_profile;
    if (profile.empty() && first) {
      switch (first->category.scheme) {
        case CategoryScheme::kVicsUs: profile = "US"; break;
        case CategoryScheme::kVicsUk: profile = "UK"; break;
        case CategoryScheme::kVicsCustom: profile = first->category.profile; break;
        default: break;
      }
    }
    if (profile.empty()) profile = "Default";
    nlohmann::json ctx = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/" + profile + "/$metadata#Media";
    out_ << "{\"@odata.context\":" << ctx.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
         << ",\"value\":[";
  }

  std::ostream& out_;
  ExportOptions options_;
  ExportStats stats_;
  bool started_ = false;
  bool finished_ = false;
};

constexpr std::string_view kCsvHeader =
    "md5,sha1,sha256,pdq,pdq_quality,file_name,file_size,category_scheme,category_profile,category,triage,"
    "series,victim_identified,offender_identified,is_distributed,source_id,tags,comments,vendor_hashes,kind,"
    "source_record,source_line";

class CsvWriter final : public EntryWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  Status Write(const Entry& e) override {
    CAIRN_ASSERT(!finished_);
    if (!started_) {
      started_ = true;
      out_ << kCsvHeader << "\r\n";
    }
    std::string vendors;
    for (const auto& v : e.vendor_hashes) {
      if (!vendors.empty()) vendors += '|';
      vendors += v.name + "=" + v.value;
    }
    auto tri = [](Tristate t) { return t == Tristate::kUnknown ? std::string() : std::string(TristateName(t)); };
    out_ << (e.md5 ? e.md5->ToHex() : "") << ',' << (e.sha1 ? e.sha1->ToHex() : "") << ','
         << (e.sha256 ? e.sha256->ToHex() : "") << ',' << (e.pdq ? e.pdq->ToHex() : "") << ','
         << (e.pdq_quality ? std::to_string(*e.pdq_quality) : "") << ',' << CsvField(e.file_name.value_or("")) << ','
         << (e.file_size ? std::to_string(*e.file_size) : "") << ','
         << (e.category.scheme == CategoryScheme::kNone ? "" : CategorySchemeName(e.category.scheme)) << ','
         << CsvField(e.category.profile) << ',' << CsvField(e.category.raw) << ','
         << TriageClassName(e.category.triage) << ',' << CsvField(e.series) << ',' << tri(e.victim_identified) << ','
         << tri(e.offender_identified) << ',' << tri(e.is_distributed) << ',' << CsvField(e.source_id) << ','
         << CsvField(e.tags) << ',' << CsvField(e.comments) << ',' << CsvField(vendors) << ','
         << (e.kind == EntryKind::kDelete ? "delete" : "add") << ',' << e.provenance.record << ','
         << e.provenance.line << "\r\n";
    ++stats_.written;
    return out_ ? Status::Ok() : Status::IoError("CSV export: write failed");
  }
  Status Finish() override {
    CAIRN_ASSERT(!finished_);
    finished_ = true;
    if (!started_) out_ << kCsvHeader << "\r\n";
    out_.flush();
    return out_ ? Status::Ok() : Status::IoError("CSV export: write failed");
  }
  const ExportStats& stats() const override { return stats_; }

 private:
  std::ostream& out_;
  ExportStats stats_;
  bool started_ = false;
  bool finished_ = false;
};

class LineWriter final : public EntryWriter {
 public:
  LineWriter(std::ostream& out, bool pdq) : out_(out), pdq_(pdq) {}
  Status Write(const Entry& e) override {
    CAIRN_ASSERT(!finished_);
    if (e.kind == EntryKind::kDelete || (pdq_ ? !e.pdq : !e.md5)) {
      ++stats_.left_out;
      return Status::Ok();
    }
    if (pdq_) {
      out_ << e.pdq->ToHex();
      if (e.pdq_quality) out_ << ',' << *e.pdq_quality;
      out_ << '\n';
    } else {
      // GNU md5sum: names holding '\' or a newline are escaped and the line starts with '\'.
      const std::string name = e.file_name.value_or(e.source_id.empty() ? "-" : e.source_id);
      std::string escaped;
      bool needs = false;
      for (char c : name) {
        if (c == '\\') escaped += "\\\\", needs = true;
        else if (c == '\n') escaped += "\\n", needs = true;
        else escaped += c;
      }
      out_ << (needs ? "\\" : "") << e.md5->ToHex() << "  " << escaped << '\n';
    }
    ++stats_.written;
    return out_ ? Status::Ok() : Status::IoError("export: write failed");
  }
  Status Finish() override {
    CAIRN_ASSERT(!finished_);
    finished_ = true;
    out_.flush();
    return out_ ? Status::Ok() : Status::IoError("export: write failed");
  }
  const ExportStats& stats() const override { return stats_; }

 private:
  std::ostream& out_;
  bool pdq_;
  ExportStats stats_;
  bool finished_ = false;
};

}  // namespace

std::string_view ExportFormatName(ExportFormat f) {
  switch (f) {
    case ExportFormat::kVics20: return "vics";
    case ExportFormat::kCsv: return "csv";
    case ExportFormat::kPdqList: return "pdq";
    case ExportFormat::kMd5sum: return "md5sum";
  }
  return "csv";
}

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  for (auto f : {ExportFormat::kVics20, ExportFormat::kCsv, ExportFormat::kPdqList, ExportFormat::kMd5sum}) {
    if (EqualsIgnoreCase(name, ExportFormatName(f))) return f;
  }
  return std::nullopt;
}

std::string_view CsvExportHeader() { return kCsvHeader; }

std::unique_ptr<EntryWriter> MakeWriter(ExportFormat format, std::ostream& out, const ExportOptions& options) {
  switch (format) {
    case ExportFormat::kVics20: return std::make_unique<VicsWriter>(out, options);
    case ExportFormat::kCsv: return std::make_unique<CsvWriter>(out);
    case ExportFormat::kPdqList: return std::make_unique<LineWriter>(out, true);
    case ExportFormat::kMd5sum: return std::make_unique<LineWriter>(out, false);
  }
  return nullptr;
}

}  // namespace cairn::hashset
