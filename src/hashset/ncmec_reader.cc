// NCMEC hash-sharing API v2 queryResult XML, read with expat in 64 KiB slices: image/video
// entries become kAdd entries, deletedImage/deletedVideo kDelete entries. Element names are
// matched without their namespace prefix. Layout reference: the ThreatExchange sample in
// ../shared/data/formats/ncmec/.
#include <expat.h>

#include <deque>
#include <string>
#include <vector>

#include "readers.h"

namespace cairn::hashset::internal {
namespace {

constexpr size_t kSlice = 64 * 1024;
constexpr size_t kMaxDepth = 256;
constexpr size_t kMaxText = 1 << 20;

std::string_view LocalName(const XML_Char* name) {
  std::string_view n(name);
  if (size_t c = n.rfind(':'); c != std::string_view::npos) n.remove_prefix(c + 1);
  if (size_t c = n.rfind('|'); c != std::string_view::npos) n.remove_prefix(c + 1);
  return n;
}

class NcmecReader final : public ReaderBase {
 public:
  NcmecReader(MappedInput in, const ImportOptions& options)
      : ReaderBase(Format::kNcmecXml, options), in_(std::move(in)), parser_(XML_ParserCreate("UTF-8")) {
    report_.format_detail = "NCMEC hash sharing v2 XML";
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &NcmecReader::Start, &NcmecReader::End);
    XML_SetCharacterDataHandler(parser_, &NcmecReader::Text);
  }
  ~NcmecReader() override { XML_ParserFree(parser_); }

  Result<bool> Next(Entry& out) override {
    while (ready_.empty()) {
      if (!error_.ok()) return error_;
      if (finished_) {
        if (!saw_root_) return Status::Corrupt(in_.name() + ": no XML root element");
        return false;
      }
      const std::string_view all = in_.text();
      const size_t n = std::min(kSlice, all.size() - pos_);
      const bool last = pos_ + n == all.size();
      if (XML_Parse(parser_, all.data() + pos_, static_cast<int>(n), last) == XML_STATUS_ERROR) {
        if (error_.ok()) {
          error_ = Status::Corrupt(in_.name() + ": line " + std::to_string(XML_GetCurrentLineNumber(parser_)) +
                                   ": XML error: " + XML_ErrorString(XML_GetErrorCode(parser_)));
        }
        continue;
      }
      pos_ += n;
      in_.ReleaseBefore(pos_);  // expat keeps its own copy of any partial token
      if (last) finished_ = true;
    }
    out = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

 private:
  static void XMLCALL Start(void* self, const XML_Char* name, const XML_Char** attrs) {
    static_cast<NcmecReader*>(self)->OnStart(LocalName(name), attrs);
  }
  static void XMLCALL End(void* self, const XML_Char* name) {
    static_cast<NcmecReader*>(self)->OnEnd(LocalName(name));
  }
  static void XMLCALL Text(void* self, const XML_Char* s, int len) {
    auto* r = static_cast<NcmecReader*>(self);
    if (r->capture_ && r->text_.size() + static_cast<size_t>(len) <= kMaxText) r->text_.append(s, static_cast<size_t>(len));
  }

  void Stop(Status s) {
    if (error_.ok()) error_ = std::move(s);
    XML_StopParser(parser_, XML_FALSE);
  }

  void OnStart(std::string_view name, const XML_Char** attrs) {
    if (!saw_root_) {
      saw_root_ = true;
      if (name != "queryResult") {
        Stop(Status::Unsupported(in_.name() + ": NCMEC XML root is <" + Excerpt(name, 40) +
                                 ">, not <queryResult>" +
                                 (name == "status" ? ": a /v2/status response carries no hashes" : "")));
        return;
      }
    }
    stack_.emplace_back(name);
    if (stack_.size() > kMaxDepth) {
      Stop(Status::Corrupt(in_.name() + ": XML nested deeper than 256 levels"));
      return;
    }
    if (!in_record_ && (name == "image" || name == "video" || name == "deletedImage" || name == "deletedVideo")) {
      in_record_ = true;
      record_depth_ = stack_.size();
      cur_ = Entry{};
      cur_.kind = name.substr(0, 7) == "deleted" ? EntryKind::kDelete : EntryKind::kAdd;
      cur_.category.scheme = CategoryScheme::kNcmec;
      cur_.provenance = {++record_no_, static_cast<uint64_t>(XML_GetCurrentLineNumber(parser_)),
                         static_cast<uint64_t>(XML_GetCurrentByteIndex(parser_))};
      cur_.tags = name.find("ideo") != std::string_view::npos ? "video" : "image";
      why_.clear();
      member_id_.clear();
      for (int i = 0; attrs[i]; i += 2) (void)attrs;
    }
    if (in_record_ && stack_.size() == record_depth_ + 1 && name == "member") {
      for (int i = 0; attrs[i]; i += 2) {
        if (std::string_view(attrs[i]) == "id") member_id_ = attrs[i + 1];
      }
    }
    capture_ = in_record_;
    text_.clear();
  }

  void OnEnd(std::string_view name) {
    if (stack_.empty()) return;
    const size_t depth = stack_.size();
    if (in_record_ && depth == record_depth_) {
      in_record_ = false;
      CountRecord();
      if (!why_.empty()) {
        Skip(cur_.provenance, why_);
      } else if (Admit(cur_)) {
        ready_.push_back(std::move(cur_));
      }
    } else if (in_record_) {
      const std::string_view parent = depth >= 2 ? std::string_view(stack_[depth - 2]) : "";
      const std::string_view t = Trim(text_);
      if (depth == record_depth_ + 1) {
        if (name == "id") cur_.source_id = std::string(t);
        if (name == "classification") cur_.category.raw = std::string(t);
        if (name == "member" && !t.empty()) {
          cur_.comments = "member: " + std::string(t) + (member_id_.empty() ? "" : " (" + member_id_ + ")");
        }
      } else if (parent == "fingerprints" && why_.empty()) {
        if (name == "md5") {
          ParseDigestField("md5", t, cur_.md5, why_);
        } else if (name == "sha1") {
          ParseDigestField("sha1", t, cur_.sha1, why_);
        } else if (name == "sha256") {
          ParseDigestField("sha256", t, cur_.sha256, why_);
        } else if (name == "pdq") {
          ParsePdqField(t, cur_.pdq, why_);
        } else if (name == "pdna") {
          if (!t.empty()) cur_.vendor_hashes.push_back({"PhotoDNA", std::string(t)});
        } else if (!t.empty()) {
          cur_.vendor_hashes.push_back({std::string(name), std::string(t)});
        }
      }
    }
    stack_.pop_back();
    text_.clear();
  }

  MappedInput in_;
  XML_Parser parser_;
  size_t pos_ = 0;
  bool finished_ = false;
  bool saw_root_ = false;
  Status error_;
  std::deque<Entry> ready_;
  std::vector<std::string> stack_;
  bool in_record_ = false;
  size_t record_depth_ = 0;
  bool capture_ = false;
  std::string text_;
  std::string why_;
  std::string member_id_;
  Entry cur_;
  uint64_t record_no_ = 0;
};

}  // namespace

std::unique_ptr<EntryReader> MakeNcmecReader(MappedInput in, const ImportOptions& options) {
  return std::make_unique<NcmecReader>(std::move(in), options);
}

}  // namespace cairn::hashset::internal
