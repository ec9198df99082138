// Small JSON API answers that carry hashes: StopNCII FetchHashes pages, Arachnid Shield /v1/media
// responses (one object, an array of them, or JSON lines) and Hasher-Matcher-Actioner /m/lookup
// answers. These are pages of at most a few MB, parsed with simdjson's DOM (capped at 64 MiB).
#include <simdjson.h>

#include <deque>
#include <string>

#include "readers.h"

namespace cairn::hashset::internal {
namespace {

constexpr size_t kMaxApiJson = 64u << 20;

std::string Str(simdjson::dom::element e) {
  std::string_view s;
  if (!e.get_string().get(s)) return std::string(s);
  int64_t i;
  if (!e.get_int64().get(i)) return std::to_string(i);
  uint64_t u;
  if (!e.get_uint64().get(u)) return std::to_string(u);
  return {};
}

std::string Str(simdjson::simdjson_result<simdjson::dom::element> r) {
  simdjson::dom::element e;
  if (r.get(e)) return {};
  return Str(e);
}

class ApiJsonReader final : public ReaderBase {
 public:
  ApiJsonReader(Format format, MappedInput in, const ImportOptions& options)
      : ReaderBase(format, options), in_(std::move(in)) {}

  Result<bool> Next(Entry& out) override {
    if (!loaded_) {
      loaded_ = true;
      CAIRN_RETURN_IF_ERROR(Load());
    }
    while (!pending_.empty()) {
      auto [e, why] = std::move(pending_.front());
      pending_.pop_front();
      CountRecord();
      if (!why.empty()) {
        Skip(e.provenance, why);
        continue;
      }
      if (Admit(e)) {
        out = std::move(e);
        return true;
      }
    }
    return false;
  }

 private:
  Status Load() {
    const std::string_view d = in_.text();
    if (d.size() > kMaxApiJson) {
      return Status::LimitExceeded(in_.name() + ": API JSON answer larger than 64 MiB");
    }
    simdjson::padded_string padded(d);
    simdjson::dom::parser parser;
    if (report_.format == Format::kArachnidJson) {
      // One document, or JSON lines.
      simdjson::dom::element root;
      if (!parser.parse(padded).get(root)) return Walk(root);
      simdjson::dom::document_stream stream;
      if (auto err = parser.parse_many(padded).get(stream)) {
        return Status::Corrupt(in_.name() + ": not JSON: " + simdjson::error_message(err));
      }
      for (auto doc : stream) {
        simdjson::dom::element el;
        if (auto err = doc.get(el)) return Status::Corrupt(in_.name() + ": " + simdjson::error_message(err));
        CAIRN_RETURN_IF_ERROR(Walk(el));
      }
      return Status::Ok();
    }
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root)) {
      return Status::Corrupt(in_.name() + ": not JSON: " + simdjson::error_message(err));
    }
    return Walk(root);
  }

  void Push(Entry e, std::string why) { pending_.emplace_back(std::move(e), std::move(why)); }

  Status Walk(simdjson::dom::element root) {
    switch (report_.format) {
      case Format::kStopNciiJson: return WalkStopNcii(root);
      case Format::kArachnidJson: return WalkArachnid(root);
      default: return WalkHma(root);
    }
  }

  Status WalkStopNcii(simdjson::dom::element root) {
    report_.format_detail = "StopNCII FetchHashes page";
    simdjson::dom::array records;
    if (root["hashRecords"].get_array().get(records)) {
      return Status::Corrupt(in_.name() + ": StopNCII page without a \"hashRecords\" array");
    }
    for (simdjson::dom::element r : records) {
      Entry e;
      e.provenance = {++record_no_, 0, 0};
      std::string why;
      const std::string type = Str(r["signalType"]);
      const std::string value = Str(r["hashValue"]);
      e.category = {CategoryScheme::kStopNcii, "", Str(r["hashStatus"]), TriageClass::kUncategorised};
      if (type == "ImagePDQ") {
        ParsePdqField(value, e.pdq, why);
      } else if (type == "VideoMD5" || type == "ImageMD5") {
        ParseDigestField("hashValue", value, e.md5, why);
      } else if (!value.empty()) {
        e.vendor_hashes.push_back({type, value});
      }
      simdjson::dom::array fb;
      if (!r["CSPFeedbacks"].get_array().get(fb)) {
        for (simdjson::dom::element f : fb) {
          simdjson::dom::array tags;
          if (f["tags"].get_array().get(tags)) continue;
          for (simdjson::dom::element t : tags) {
            if (!e.tags.empty()) e.tags += "|";
            e.tags += Str(t);
          }
        }
      }
      Push(std::move(e), std::move(why));
    }
    return Status::Ok();
  }

  Status WalkArachnid(simdjson::dom::element root) {
    report_.format_detail = "Arachnid Shield media response";
    simdjson::dom::array arr;
    if (!root.get_array().get(arr)) {
      for (simdjson::dom::element el : arr) CAIRN_RETURN_IF_ERROR(WalkArachnid(el));
      return Status::Ok();
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return Status::Corrupt(in_.name() + ": Arachnid response is not an object");
    Entry e;
    e.provenance = {++record_no_, 0, 0};
    std::string why;
    ParseDigestField("sha256_hex", Str(root["sha256_hex"]), e.sha256, why);
    const std::string b32 = Str(root["sha1_base32"]);
    if (why.empty() && !b32.empty()) {
      std::vector<uint8_t> bytes;
      if (!DecodeBase32(b32, bytes) || bytes.size() != 20) {
        why = "sha1_base32 '" + Excerpt(b32) + "' is not base32 of 20 bytes";
      } else {
        Sha1 s;
        std::copy(bytes.begin(), bytes.end(), s.bytes.begin());
        e.sha1 = s;
      }
    }
    uint64_t size;
    if (!root["size_bytes"].get_uint64().get(size)) e.file_size = size;
    e.category = {CategoryScheme::kArachnid, "", Str(root["classification"]), TriageClass::kUncategorised};
    if (auto m = Str(root["match_type"]); !m.empty()) e.comments = "match_type: " + m;
    Push(std::move(e), std::move(why));
    return Status::Ok();
  }

  Status WalkHma(simdjson::dom::element root) {
    report_.format_detail = "HMA lookup answer (layout sketched)";
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return Status::Corrupt(in_.name() + ": HMA answer is not an object");
    for (auto [key, value] : obj) {
      simdjson::dom::array arr;
      if (value.get_array().get(arr)) continue;
      for (simdjson::dom::element m : arr) {
        Entry e;
        e.provenance = {++record_no_, 0, 0};
        std::string why;
        const std::string signal = Str(m["signal"]);
        if (key == "pdq") {
          ParsePdqField(signal, e.pdq, why);
        } else if (key == "md5" || key == "video_md5") {
          ParseDigestField("signal", signal, e.md5, why);
        } else if (!signal.empty()) {
          e.vendor_hashes.push_back({std::string(key), signal});
        }
        if (auto bank = Str(m["bank"]); !bank.empty()) e.tags = "bank: " + bank;
        e.source_id = Str(m["bank_content_id"]);
        if (auto dist = Str(m["distance"]); !dist.empty()) e.comments = "distance: " + dist;
        Push(std::move(e), std::move(why));
      }
    }
    return Status::Ok();
  }

  MappedInput in_;
  bool loaded_ = false;
  uint64_t record_no_ = 0;
  std::deque<std::pair<Entry, std::string>> pending_;
};

}  // namespace

std::unique_ptr<EntryReader> MakeApiJsonReader(Format format, MappedInput in, const ImportOptions& options) {
  return std::make_unique<ApiJsonReader>(format, std::move(in), options);
}

}  // namespace cairn::hashset::internal
