// VICS 1.2 / 1.3 / 2.0 JSON. A light byte scanner walks the document (strings, brackets, the
// keys on the path) and cuts out one Media object at a time: value[*] of a Media list, or
// value[*].Media[*] of a Case export. Each Media object is copied into a small padded buffer and
// read with simdjson On-Demand, so memory is bounded by the largest Media object (plus mapped
// file pages), never by the file. Reference for field names: the VICS 2.0 CSDL in
// ../shared/data/formats/vics/ProjectVicDataModel.2.0.csdl.from-GriffeyePS.xml.
#include <simdjson.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "readers.h"

namespace cairn::hashset::internal {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t kMaxDepth = 64;
constexpr size_t kMaxRecordBytes = 256u << 20;  // one Media object; a Case export may embed much

enum class KeyKind : uint8_t { kOther, kValue, kMedia, kContext };

KeyKind ClassifyKey(std::string_view k) {
  if (k == "value") return KeyKind::kValue;
  if (k == "Media") return KeyKind::kMedia;
  if (k == "@odata.context" || k == "odata.metadata") return KeyKind::kContext;
  return KeyKind::kOther;
}

// Text of a scalar JSON value (strings unescaped, numbers as written); false for null and for
// arrays/objects.
bool ScalarText(od::value v, std::string& out, bool& is_null, simdjson::error_code& err) {
  is_null = false;
  od::json_type t;
  if ((err = v.type().get(t))) return false;
  switch (t) {
    case od::json_type::string: {
      std::string_view s;
      if ((err = v.get_string().get(s))) return false;
      out.assign(s);
      return true;
    }
    case od::json_type::number: {
      std::string_view s = v.raw_json_token();
      out.assign(Trim(s));
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if ((err = v.get_bool().get(b))) return false;
      out = b ? "true" : "false";
      return true;
    }
    case od::json_type::null:
      is_null = true;
      out.clear();
      return false;
    default:
      out.clear();
      return false;
  }
}

class VicsReader final : public ReaderBase {
 public:
  VicsReader(MappedInput in, const ImportOptions& options, bool caid)
      : ReaderBase(caid ? Format::kCaidJson : Format::kVicsJson, options), in_(std::move(in)), caid_(caid) {}

  Result<bool> Next(Entry& out) override {
    while (true) {
      size_t start = 0, end = 0;
      uint64_t line = 0;
      CAIRN_ASSIGN_OR_RETURN(bool found, FindRecord(start, end, line));
      if (!found) return false;
      CountRecord();
      in_.ReleaseBefore(start);  // the scanner never moves backwards
      out = Entry{};
      out.provenance = {++record_no_, line, start};
      std::string why;
      if (!ParseMedia(in_.text().substr(start, end - start + 1), out, why)) {
        Skip(out.provenance, std::move(why));
        continue;
      }
      if (Admit(out)) return true;
    }
  }

 private:
  struct Frame {
    bool is_object;
    KeyKind key;
  };

  Status Fail(std::string what) const {
    return Status::Corrupt(in_.name() + ": " + what + " (byte " + std::to_string(pos_) + ", line " +
                           std::to_string(line_) + ")");
  }

  void OnContext(std::string_view ctx) {
    context_.assign(ctx);
    // ".../DataModels/2.0.xml/US/$metadata#Media" or ".../DataModels/1.3.xml#Media"
    std::string version = "?";
    std::string profile;
    if (size_t p = ctx.find("DataModels/"); p != std::string_view::npos) {
      std::string_view rest = ctx.substr(p + 11);
      size_t x = rest.find(".xml");
      if (x != std::string_view::npos) {
        version.assign(rest.substr(0, x));
        rest = rest.substr(x + 4);
        if (!rest.empty() && rest.front() == '/') {
          size_t slash = rest.find('/', 1);
          size_t hash = rest.find('#', 1);
          size_t e = std::min(slash, hash);
          if (e != std::string_view::npos) profile.assign(rest.substr(1, e - 1));
        }
      }
    }
    cases_doc_ = ctx.size() >= 6 && ctx.substr(ctx.size() - 6) == "#Cases";
    if (caid_) {
      scheme_ = CategoryScheme::kCaid;
    } else if (profile.empty() || EqualsIgnoreCase(profile, "Default")) {
      scheme_ = CategoryScheme::kVicsDefault;
    } else if (EqualsIgnoreCase(profile, "US")) {
      scheme_ = CategoryScheme::kVicsUs;
    } else if (EqualsIgnoreCase(profile, "UK")) {
      scheme_ = CategoryScheme::kVicsUk;
    } else {
      scheme_ = CategoryScheme::kVicsCustom;
      profile_ = profile;
    }
    report_.format_detail = std::string(caid_ ? "CAID in " : "") + "VICS " + version + " " +
                            (profile.empty() ? "Default" : profile) + (cases_doc_ ? " Cases" : " Media");
  }

  bool IsRecordSlot() const {
    if (stack_.empty() || stack_.back().is_object) return false;
    if (stack_.size() == 1) return true;  // a bare top-level array of Media objects
    if (!stack_[0].is_object) return false;
    if (!cases_doc_) return stack_.size() == 2 && stack_[1].key == KeyKind::kValue;
    return stack_.size() == 4 && stack_[1].key == KeyKind::kValue && stack_[3].key == KeyKind::kMedia;
  }

  // Index of the closing quote of the string whose content starts at i, or npos.
  size_t StringEnd(size_t i) const {
    const std::string_view d = in_.text();
    while (i < d.size()) {
      const void* q = std::memchr(d.data() + i, '"', d.size() - i);
      if (!q) return std::string_view::npos;
      size_t at = static_cast<size_t>(static_cast<const char*>(q) - d.data());
      size_t bs = 0;
      while (at - bs > i && d[at - bs - 1] == '\\') ++bs;
      if (bs % 2 == 0) return at;
      i = at + 1;
    }
    return std::string_view::npos;
  }

  // The closing brace of the object starting at `start`, counting lines; npos at EOF.
  size_t ObjectEnd(size_t start, uint64_t& lines) const {
    const std::string_view d = in_.text();
    size_t depth = 0;
    for (size_t i = start; i < d.size(); ++i) {
      const char c = d[i];
      if (c == '"') {
        i = StringEnd(i + 1);
        if (i == std::string_view::npos) return i;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i;
      } else if (c == '\n') {
        ++lines;
      }
    }
    return std::string_view::npos;
  }

  Result<bool> FindRecord(size_t& start, size_t& end, uint64_t& line) {
    const std::string_view d = in_.text();
    if (!started_) {
      started_ = true;
      if (d.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
      size_t p = pos_;
      while (p < d.size() && (d[p] == ' ' || d[p] == '\t' || d[p] == '\r' || d[p] == '\n')) ++p;
      if (p == d.size()) return Status::Corrupt(in_.name() + ": empty file, no VICS JSON");
      if (d[p] != '{' && d[p] != '[') {
        return Status::Corrupt(in_.name() + ": not JSON (starts with '" + Excerpt(d.substr(p, 16)) + "')");
      }
    }
    while (pos_ < d.size()) {
      const char c = d[pos_];
      switch (c) {
        case '\n':
          ++line_;
          ++pos_;
          break;
        case ',':
          if (!stack_.empty() && stack_.back().is_object) expecting_key_ = true;
          ++pos_;
          break;
        case '"': {
          const size_t e = StringEnd(pos_ + 1);
          if (e == std::string_view::npos) return Fail("truncated: the file ends inside a string");
          const std::string_view s = d.substr(pos_ + 1, e - pos_ - 1);
          if (!stack_.empty() && stack_.back().is_object && expecting_key_) {
            pending_key_ = ClassifyKey(s);
            expecting_key_ = false;
          } else {
            if (pending_key_ == KeyKind::kContext && stack_.size() == 1) OnContext(s);
            pending_key_ = KeyKind::kOther;
          }
          pos_ = e + 1;
          break;
        }
        case '{':
        case '[': {
          if (c == '{' && IsRecordSlot()) {
            uint64_t lines = 0;
            const size_t e = ObjectEnd(pos_, lines);
            if (e == std::string_view::npos) {
              return Fail("truncated: the file ends inside Media record " + std::to_string(record_no_ + 1));
            }
            if (e - pos_ + 1 > kMaxRecordBytes) return Fail("a Media record larger than 256 MiB");
            start = pos_;
            end = e;
            line = line_ + 1;
            line_ += lines;
            pos_ = e + 1;
            saw_records_slot_ = true;
            return true;
          }
          const KeyKind key = (!stack_.empty() && stack_.back().is_object) ? pending_key_ : KeyKind::kOther;
          if (key == KeyKind::kValue && stack_.size() == 1) saw_records_slot_ = true;
          if (stack_.empty() && c == '[') saw_records_slot_ = true;
          stack_.push_back({c == '{', key});
          if (stack_.size() > kMaxDepth) return Fail("JSON nested deeper than 64 levels");
          expecting_key_ = c == '{';
          pending_key_ = KeyKind::kOther;
          ++pos_;
          break;
        }
        case '}':
        case ']':
          if (stack_.empty()) return Fail("unbalanced '" + std::string(1, c) + "'");
          stack_.pop_back();
          expecting_key_ = false;
          pending_key_ = KeyKind::kOther;
          ++pos_;
          if (stack_.empty()) closed_ = true;
          break;
        default:
          ++pos_;
          break;
      }
      if (closed_) break;
    }
    if (!closed_) return Fail("truncated: the file ends inside the JSON document");
    if (!saw_records_slot_) {
      return Status::Corrupt(in_.name() + ": not a VICS document: no \"value\" array of Media" +
                             (context_.empty() ? std::string() : " (context " + Excerpt(context_, 120) + ")"));
    }
    return false;
  }

  bool ParseMedia(std::string_view json, Entry& e, std::string& why) {
    buf_.resize(json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(buf_.data(), json.data(), json.size());
    std::memset(buf_.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    od::document doc;
    auto err = parser_.iterate(buf_.data(), json.size(), buf_.size()).get(doc);
    od::object obj;
    if (!err) err = doc.get_object().get(obj);
    if (err) {
      why = std::string("Media record is not a JSON object: ") + simdjson::error_message(err);
      return false;
    }
    e.category.scheme = scheme_;
    e.category.profile = profile_;
    std::string text;
    bool is_null = false;
    for (auto field_result : obj) {
      od::field field;
      if ((err = std::move(field_result).get(field))) break;
      std::string_view key;
      if ((err = field.unescaped_key().get(key))) break;
      const std::string_view k = key;
      od::value v = field.value();
      if (k == "AlternativeHashes") {
        if (!ParseAlternativeHashes(v, e, why, err)) return err ? Bad(why, err) : false;
        continue;
      }
      if (k == "MediaFiles") {
        if (!ParseMediaFiles(v, e, err)) return Bad(why, err);
        continue;
      }
      if (k == "MediaMetadata") {
        if (!ParseMediaMetadata(v, e, why, err)) return err ? Bad(why, err) : false;
        continue;
      }
      const bool has = ScalarText(v, text, is_null, err);
      if (err) break;
      if (!has) continue;  // null, or a container Cairn does not model
      if (!SetScalar(KeyOf(k), text, e, why)) return false;
    }
    if (err) return Bad(why, err);
    if (!e.file_name && !relative_path_.empty()) {
      const size_t cut = relative_path_.find_last_of("/\\");
      e.file_name = cut == std::string::npos ? relative_path_ : relative_path_.substr(cut + 1);
    }
    relative_path_.clear();
    if (!meta_category_.empty()) {
      // Written by Cairn's VICS export for a category of another scheme ("ncmec:A1").
      const size_t colon = meta_category_.find(':');
      if (auto scheme = ParseCategoryScheme(meta_category_.substr(0, colon));
          scheme && colon != std::string::npos) {
        e.category.scheme = *scheme;
        e.category.profile.clear();
        e.category.raw = meta_category_.substr(colon + 1);
      }
      meta_category_.clear();
    }
    return true;
  }

  enum class Key : uint8_t {
    kOther, kMd5, kSha1, kSha256, kCategory, kMediaId, kVictim, kOffender, kDistributed, kSeries,
    kTags, kComments, kMediaSize, kPhotoDna, kRelativePath,
  };

  // Exact names first (the common case), then a case-insensitive look at the hash fields.
  static Key KeyOf(std::string_view k) {
    static constexpr std::pair<std::string_view, Key> kExact[] = {
        {"MD5", Key::kMd5},           {"SHA1", Key::kSha1},
        {"Tags", Key::kTags},         {"SHA256", Key::kSha256},
        {"Series", Key::kSeries},     {"MediaID", Key::kMediaId},
        {"Category", Key::kCategory}, {"Comments", Key::kComments},
        {"PhotoDNA", Key::kPhotoDna}, {"MediaSize", Key::kMediaSize},
        {"IsDistributed", Key::kDistributed}, {"VictimIdentified", Key::kVictim},
        {"RelativeFilePath", Key::kRelativePath}, {"OffenderIdentified", Key::kOffender},
    };
    for (const auto& [name, key] : kExact) {
      if (name.size() == k.size() && name == k) return key;
    }
    if (EqualsIgnoreCase(k, "MD5")) return Key::kMd5;
    if (EqualsIgnoreCase(k, "SHA1")) return Key::kSha1;
    if (EqualsIgnoreCase(k, "SHA256")) return Key::kSha256;
    if (EqualsIgnoreCase(k, "PhotoDNA")) return Key::kPhotoDna;
    return Key::kOther;
  }

  bool SetScalar(Key key, const std::string& text, Entry& e, std::string& why) {
    switch (key) {
      case Key::kOther: return true;
      case Key::kMd5: return ParseDigestField("MD5", text, e.md5, why);
      case Key::kSha1: return ParseDigestField("SHA1", text, e.sha1, why);
      case Key::kSha256: return ParseDigestField("SHA256", text, e.sha256, why);
      case Key::kCategory: e.category.raw = std::string(Trim(text)); return true;
      case Key::kMediaId: e.source_id = text; return true;
      case Key::kVictim: e.victim_identified = ParseTristate(text); return true;
      case Key::kOffender: e.offender_identified = ParseTristate(text); return true;
      case Key::kDistributed: e.is_distributed = ParseTristate(text); return true;
      case Key::kSeries: e.series = text; return true;
      case Key::kTags: e.tags = text; return true;
      case Key::kComments: e.comments = text; return true;
      case Key::kMediaSize:
        if (!Trim(text).empty()) {
          auto n = ParseUint(text);
          if (!n) {
            why = "MediaSize '" + Excerpt(text) + "' is not a non-negative integer";
            return false;
          }
          e.file_size = *n;
        }
        return true;
      case Key::kPhotoDna:
        if (!Trim(text).empty()) e.vendor_hashes.push_back({"PhotoDNA", std::string(Trim(text))});
        return true;
      case Key::kRelativePath: relative_path_ = text; return true;
    }
    return true;
  }

  static bool Bad(std::string& why, simdjson::error_code err) {
    why = std::string("malformed Media record: ") + simdjson::error_message(err);
    return false;
  }

  // Visits an array of objects: on_field(key, value) for each field of each object, then
  // on_object_end() after each object; either returns false to stop with an error. A value that
  // is not an array is skipped, as readers skip absent lists.
  template <typename OnField, typename OnObjectEnd>
  static bool ForEachArrayObject(od::value v, simdjson::error_code& err, OnField on_field,
                                 OnObjectEnd on_object_end) {
    od::json_type t;
    if ((err = v.type().get(t))) return false;
    if (t != od::json_type::array) return true;
    od::array arr;
    if ((err = v.get_array().get(arr))) return false;
    for (auto item_result : arr) {
      od::object item;
      if ((err = item_result.get_object().get(item))) return false;
      for (auto f : item) {
        od::field field;
        if ((err = std::move(f).get(field))) return false;
        std::string_view key;
        if ((err = field.unescaped_key().get(key))) return false;
        if (!on_field(key, field.value())) return false;
      }
      if (!on_object_end()) return false;
    }
    return true;
  }

  // Reads a (name, value) pair object such as {"HashName": .., "HashValue": ..}: the field
  // named `name_key` goes to name, `value_key` to value (trimmed when `trim`).
  static auto PairFieldReader(std::string_view name_key, std::string_view value_key,
                              std::string& name, std::string& value, bool trim,
                              simdjson::error_code& err) {
    return [=, &name, &value, &err](std::string_view key, od::value field_value) {
      if (key != name_key && key != value_key) return true;
      std::string text;
      bool is_null;
      ScalarText(field_value, text, is_null, err);
      if (err) return false;
      (key == name_key ? name : value) = trim ? std::string(Trim(text)) : text;
      return true;
    };
  }

  bool ParseAlternativeHashes(od::value v, Entry& e, std::string& why, simdjson::error_code& err) {
    std::string name, value;
    return ForEachArrayObject(
        v, err, PairFieldReader("HashName", "HashValue", name, value, true, err), [&] {
          std::string hash_name = std::exchange(name, {});
          std::string hash_value = std::exchange(value, {});
          if (hash_value.empty()) return true;
          if (EqualsIgnoreCase(hash_name, "SHA256") || EqualsIgnoreCase(hash_name, "SHA-256"))
            return ParseDigestField("AlternativeHashes SHA256", hash_value, e.sha256, why);
          if (EqualsIgnoreCase(hash_name, "SHA1") || EqualsIgnoreCase(hash_name, "SHA-1"))
            return ParseDigestField("AlternativeHashes SHA1", hash_value, e.sha1, why);
          if (EqualsIgnoreCase(hash_name, "PDQ")) return ParsePdqField(hash_value, e.pdq, why);
          if (!hash_name.empty() && !e.FindVendorHash(hash_name))
            e.vendor_hashes.push_back({hash_name, hash_value});
          return true;
        });
  }

  bool ParseMediaFiles(od::value v, Entry& e, simdjson::error_code& err) {
    return ForEachArrayObject(
        v, err,
        [&](std::string_view key, od::value field_value) {
          if (key != "FileName" || e.file_name) return true;
          std::string text;
          bool is_null;
          if (ScalarText(field_value, text, is_null, err) && !text.empty()) e.file_name = text;
          return !err;
        },
        [] { return true; });
  }

  bool ParseMediaMetadata(od::value v, Entry& e, std::string& why, simdjson::error_code& err) {
    std::string name, value;
    return ForEachArrayObject(
        v, err, PairFieldReader("PropertyName", "PropertyValue", name, value, false, err), [&] {
          std::string property = std::exchange(name, {});
          std::string property_value = std::exchange(value, {});
          if (property == kPdqQualityProperty &&
              !ParseQualityField(property_value, e.pdq_quality, why))
            return false;
          if (property == "Cairn:Category") meta_category_ = property_value;
          return true;
        });
  }

  MappedInput in_;
  bool caid_;
  od::parser parser_;
  std::vector<char> buf_;
  std::vector<Frame> stack_;
  size_t pos_ = 0;
  uint64_t line_ = 0;  // newlines before pos_
  uint64_t record_no_ = 0;
  bool started_ = false;
  bool closed_ = false;
  bool expecting_key_ = false;
  bool cases_doc_ = false;
  bool saw_records_slot_ = false;
  KeyKind pending_key_ = KeyKind::kOther;
  std::string context_;
  std::string profile_;
  std::string relative_path_;
  std::string meta_category_;
  CategoryScheme scheme_ = CategoryScheme::kVicsDefault;
};

}  // namespace

std::unique_ptr<EntryReader> MakeVicsReader(MappedInput in, const ImportOptions& options, bool caid) {
  auto r = std::make_unique<VicsReader>(std::move(in), options, caid);
  return r;
}

}  // namespace cairn::hashset::internal
