// bulk_extractor-style feature files; format notes in include/cairn/extract/feature_file.h.
#include "cairn/extract/feature_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace cairn::extract {

std::string EscapeFeatureBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<uint8_t>(ch);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + ((c >> 6) & 7)));
      out.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
      out.push_back(static_cast<char>('0' + (c & 7)));
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

Result<std::string> UnescapeFeatureBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    auto hex_value = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    if (i + 3 < text.size() && octal(text[i + 1]) && octal(text[i + 2]) && octal(text[i + 3])) {
      const int v = (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
      if (v > 255) return Status::Corrupt("bad octal escape at byte " + std::to_string(i));
      out.push_back(static_cast<char>(v));
      i += 3;
    } else if (i + 3 < text.size() && text[i + 1] == 'x' && hex(text[i + 2]) && hex(text[i + 3])) {
      out.push_back(static_cast<char>(hex_value(text[i + 2]) * 16 + hex_value(text[i + 3])));
      i += 3;
    } else {
      return Status::Corrupt("bad escape at byte " + std::to_string(i));
    }
  }
  return out;
}

std::string_view FeatureRecorderName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kUrl: return "url";
    case IdentifierKind::kEmail: return "email";
    case IdentifierKind::kPhone: return "telephone";
    case IdentifierKind::kCard: return "ccn";
    case IdentifierKind::kUpi: return "upi";
    case IdentifierKind::kIban: return "iban";
    case IdentifierKind::kBtc: return "btc";
    case IdentifierKind::kEth: return "eth";
  }
  return "unknown";
}

std::string FeatureContext(std::span<const uint8_t> buffer, uint64_t buffer_offset,
                           const Identifier& id, size_t window) {
  if (id.offset < buffer_offset) return {};
  const uint64_t rel = id.offset - buffer_offset;
  if (rel > buffer.size()) return {};
  const uint64_t begin = rel >= window ? rel - window : 0;
  const uint64_t end = std::min<uint64_t>(buffer.size(), rel + id.length + window);
  return std::string(reinterpret_cast<const char*>(buffer.data() + begin), static_cast<size_t>(end - begin));
}

Result<FeatureFile> ParseFeatureFile(std::string_view text) {
  FeatureFile file;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      auto header = [&](std::string_view key, std::string& out) {
        if (line.substr(0, key.size()) == key) {
          std::string_view v = line.substr(key.size());
          while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
          out = std::string(v);
        }
      };
      header("# Feature-Recorder:", file.recorder);
      header("# Feature-File-Version:", file.version);
      continue;
    }
    const size_t t1 = line.find('\t');
    if (t1 == std::string_view::npos) {
      return Status::Corrupt("line " + std::to_string(line_no) + ": no tab between path and feature");
    }
    const size_t t2 = line.find('\t', t1 + 1);
    FeatureRow row;
    row.forensic_path = std::string(line.substr(0, t1));
    auto feature = UnescapeFeatureBytes(line.substr(t1 + 1, t2 == std::string_view::npos ? std::string_view::npos : t2 - t1 - 1));
    if (!feature.ok()) return feature.status().WithContext("line " + std::to_string(line_no));
    row.feature = std::move(*feature);
    if (t2 != std::string_view::npos) {
      auto context = UnescapeFeatureBytes(line.substr(t2 + 1));
      if (!context.ok()) return context.status().WithContext("line " + std::to_string(line_no));
      row.context = std::move(*context);
    }
    file.rows.push_back(std::move(row));
  }
  return file;
}

Result<FeatureFile> ReadFeatureFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": cannot open feature file");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseFeatureFile(ss.str());
  if (!parsed.ok()) return parsed.status().WithContext(path.string());
  return parsed;
}

Result<FeatureFileWriter> FeatureFileWriter::Create(const std::filesystem::path& path,
                                                    std::string_view recorder,
                                                    std::string_view input_name) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError(path.string() + ": " + std::strerror(errno));
  FeatureFileWriter w(f, path);
  std::string header = "# Feature-Recorder: " + std::string(recorder) + "\n# Filename: " +
                       EscapeFeatureBytes(input_name) + "\n# Feature-File-Version: 1.1\n";
  if (std::fwrite(header.data(), 1, header.size(), f) != header.size()) {
    return Status::IoError(path.string() + ": write failed");
  }
  return w;
}

FeatureFileWriter::FeatureFileWriter(FeatureFileWriter&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)), path_(std::move(other.path_)) {}

FeatureFileWriter& FeatureFileWriter::operator=(FeatureFileWriter&& other) noexcept {
  if (this != &other) {
    (void)Close();
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

FeatureFileWriter::~FeatureFileWriter() { (void)Close(); }

Status FeatureFileWriter::Write(std::string_view forensic_path, std::string_view feature,
                                std::string_view context) {
  if (file_ == nullptr) return Status::IoError(path_.string() + ": writer is closed");
  std::string line = EscapeFeatureBytes(forensic_path);
  line += '\t';
  line += EscapeFeatureBytes(feature);
  line += '\t';
  line += EscapeFeatureBytes(context);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
    return Status::IoError(path_.string() + ": write failed");
  }
  return Status::Ok();
}

Status FeatureFileWriter::Close() {
  if (file_ == nullptr) return Status::Ok();
  const bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) return Status::IoError(path_.string() + ": write failed");
  return Status::Ok();
}

}  // namespace cairn::extract
