// Line-oriented lists: md5sum/sha1sum/sha256sum (GNU "HEX  name", "HEX *name", escaped "\HEX
// name", BSD "MD5 (name) = HEX"), PDQ lists ("hash", "hash,quality", vPDQ "frame,quality,hash,
// seconds") and python-threatexchange signal files ("pdq <hash>", "video_md5 <hash>").
#include <string>
#include <vector>

#include "readers.h"

namespace cairn::hashset::internal {
namespace {

std::vector<std::string_view> SplitAny(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find_first_of(seps, i);
    if (j == std::string_view::npos) j = s.size();
    out.push_back(Trim(s.substr(i, j - i)));
    i = j + 1;
  }
  return out;
}

class LineReader final : public ReaderBase {
 public:
  LineReader(Format format, MappedInput in, const ImportOptions& options)
      : ReaderBase(format, options), in_(std::move(in)), lines_(in_.text()) {
    switch (format) {
      case Format::kHashsum: report_.format_detail = "md5sum/sha1sum/sha256sum"; break;
      case Format::kPdqList: report_.format_detail = "PDQ list"; break;
      default: report_.format_detail = "python-threatexchange signal file"; break;
    }
  }

  Result<bool> Next(Entry& out) override {
    std::string_view line;
    uint64_t line_no = 0, offset = 0;
    while (lines_.Next(line, line_no, offset)) {
      std::string_view t = Trim(line);
      if (t.empty()) continue;
      if (t.front() == '#') {
        ++comment_lines_;
        continue;
      }
      in_.ReleaseBefore(offset);
      out = Entry{};
      out.provenance = {++record_no_, line_no, offset};
      std::string why;
      bool ok = false;
      switch (report_.format) {
        case Format::kHashsum: ok = ParseHashsum(line, out, why); break;
        case Format::kPdqList: ok = ParsePdq(t, out, why); break;
        default: ok = ParsePytx(t, out, why); break;
      }
      if (!ok && why.empty()) {  // a header line: not a record
        --record_no_;
        continue;
      }
      CountRecord();
      if (!ok) {
        Skip(out.provenance, std::move(why));
        continue;
      }
      if (Admit(out)) return true;
    }
    if (comment_lines_ > 0 && !noted_) {
      noted_ = true;
      Note(std::to_string(comment_lines_) + " comment line(s) starting with '#' ignored");
    }
    return false;
  }

 private:
  static bool SetByLength(std::string_view hex, Entry& e, std::string& why) {
    switch (hex.size()) {
      case 32: return ParseDigestField("MD5", hex, e.md5, why);
      case 40: return ParseDigestField("SHA-1", hex, e.sha1, why);
      case 64: return ParseDigestField("SHA-256", hex, e.sha256, why);
      default:
        why = "digest '" + Excerpt(hex) + "' has " + std::to_string(hex.size()) +
              " characters; expected 32 (MD5), 40 (SHA-1) or 64 (SHA-256) hex digits";
        return false;
    }
  }

  bool ParseHashsum(std::string_view line, Entry& e, std::string& why) {
    std::string_view t = Trim(line);
    // BSD: "MD5 (name) = HEX", "SHA256 (name) = HEX"
    if (size_t open = t.find(" ("); open != std::string_view::npos && open <= 8 && IsAlgo(t.substr(0, open))) {
      const size_t eq = t.rfind(") = ");
      if (eq == std::string_view::npos || eq < open) {
        why = "BSD-style line without ') = ': '" + Excerpt(t) + "'";
        return false;
      }
      std::string_view hex = Trim(t.substr(eq + 4));
      e.file_name = std::string(t.substr(open + 2, eq - open - 2));
      if (!SetByLength(hex, e, why)) return false;
      if (!AlgoMatches(t.substr(0, open), hex.size())) {
        why = "BSD-style line names " + std::string(t.substr(0, open)) + " but carries " +
              std::to_string(hex.size()) + " hex digits";
        return false;
      }
      return true;
    }
    // GNU: "HEX  name", "HEX *name", "\HEX  name" (escaped name), or a bare digest.
    bool escaped = false;
    if (!t.empty() && t.front() == '\\') {
      escaped = true;
      t.remove_prefix(1);
    }
    const size_t sp = t.find_first_of(" \t");
    std::string_view hex = t.substr(0, sp);
    if (!SetByLength(hex, e, why)) return false;
    if (sp != std::string_view::npos) {
      std::string_view name = t.substr(sp + 1);
      if (!name.empty() && (name.front() == ' ' || name.front() == '*')) name.remove_prefix(1);
      std::string n;
      if (escaped) {
        for (size_t i = 0; i < name.size(); ++i) {
          if (name[i] == '\\' && i + 1 < name.size()) {
            n += name[i + 1] == 'n' ? '\n' : name[i + 1];
            ++i;
          } else {
            n += name[i];
          }
        }
      } else {
        n.assign(name);
      }
      if (!n.empty()) e.file_name = std::move(n);
    }
    return true;
  }

  static bool IsAlgo(std::string_view a) {
    return a == "MD5" || a == "SHA1" || a == "SHA256" || a == "SHA2-256" || a == "SHA-256" || a == "SHA-1";
  }
  static bool AlgoMatches(std::string_view a, size_t hex_len) {
    if (a == "MD5") return hex_len == 32;
    if (a == "SHA1" || a == "SHA-1") return hex_len == 40;
    return hex_len == 64;
  }

  bool ParsePdq(std::string_view t, Entry& e, std::string& why) {
    auto f = SplitAny(t, ",\t ");
    std::erase_if(f, [](std::string_view s) { return s.empty(); });
    if (f.size() == 4 && ParseUint(f[0]) && f[2].size() == 64) {
      // vPDQ: frame,quality,hash,seconds
      if (!ParsePdqField(f[2], e.pdq, why)) return false;
      if (!ParseQualityField(f[1], e.pdq_quality, why)) return false;
      e.comments = "vPDQ frame " + std::string(f[0]) + " at " + std::string(f[3]) + " s";
      report_.format_detail = "vPDQ frame hashes";
      return true;
    }
    if (f.empty() || f.size() > 2) {
      why = "expected 'hash' or 'hash,quality', got " + std::to_string(f.size()) + " fields";
      return false;
    }
    if (record_no_ == 1 && !IsHex(f[0])) return false;  // header line
    if (!ParsePdqField(f[0], e.pdq, why)) return false;
    if (f.size() == 2 && !ParseQualityField(f[1], e.pdq_quality, why)) return false;
    return true;
  }

  bool ParsePytx(std::string_view t, Entry& e, std::string& why) {
    const size_t sp = t.find_first_of(" \t");
    if (sp == std::string_view::npos) {
      // A collaboration with a fixed signal type writes bare values.
      if (t.size() == 64 && IsHex(t)) return ParsePdqField(t, e.pdq, why);
      if (t.size() == 32 && IsHex(t)) return ParseDigestField("MD5", t, e.md5, why);
      why = "expected '<signal_type> <value>', got '" + Excerpt(t) + "'";
      return false;
    }
    std::string_view type = t.substr(0, sp);
    std::string_view value = Trim(t.substr(sp + 1));
    if (type == "pdq") return ParsePdqField(value, e.pdq, why) && (e.pdq || Empty(why));
    if (type == "video_md5" || type == "photo_md5" || type == "md5") {
      e.comments = std::string(type);
      return ParseDigestField("MD5", value, e.md5, why) && (e.md5 || Empty(why));
    }
    why = "signal type '" + Excerpt(type, 30) + "' carries no hash Cairn matches";
    return false;
  }

  static bool Empty(std::string& why) {
    why = "empty value";
    return false;
  }

  MappedInput in_;
  LineCursor lines_;
  uint64_t record_no_ = 0;
  uint64_t comment_lines_ = 0;
  bool noted_ = false;
};

}  // namespace

std::unique_ptr<EntryReader> MakeLineReader(Format format, MappedInput in, const ImportOptions& options) {
  return std::make_unique<LineReader>(format, std::move(in), options);
}

}  // namespace cairn::hashset::internal
