// bulk_extractor-style feature files: "# Feature-Recorder: NAME", "# Feature-File-Version: 1.1",
// then rows `forensic-path<TAB>feature<TAB>context`, with bytes outside printable ASCII (and the
// backslash) written as 3-digit octal escapes (\000, \012, \134), as bulk_extractor writes them.
// A writer owns its output file; use one per thread. The reader is a pure function.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/extract/identifier.h"

namespace cairn::extract {

// Octal-escapes every byte < 0x20, >= 0x7f and '\\'.
std::string EscapeFeatureBytes(std::string_view bytes);
// Reverses EscapeFeatureBytes (accepts \ooo and, as bulk_extractor may write, \xHH); kCorrupt on
// a dangling or malformed escape.
Result<std::string> UnescapeFeatureBytes(std::string_view text);

// The recorder (file) name bulk_extractor uses for a kind where it has one: "url", "email",
// "telephone", "ccn"; Cairn's own for the rest: "upi", "iban", "btc", "eth".
std::string_view FeatureRecorderName(IdentifierKind kind);

// The bytes around an identifier: up to `window` bytes before and after it, clipped to `buffer`
// (which starts at absolute offset buffer_offset).
std::string FeatureContext(std::span<const uint8_t> buffer, uint64_t buffer_offset,
                           const Identifier& id, size_t window = 16);

struct FeatureRow {
  std::string forensic_path;  // "80896", "70727-PDF-0", ...
  std::string feature;        // unescaped bytes
  std::string context;        // unescaped bytes
};

struct FeatureFile {
  std::string recorder;  // from "# Feature-Recorder:"; empty when absent
  std::string version;   // from "# Feature-File-Version:"
  std::vector<FeatureRow> rows;
};

// Parses a feature file (comment lines start with '#'). kCorrupt names the line when a row has
// fewer than two fields or a bad escape.
Result<FeatureFile> ParseFeatureFile(std::string_view text);
Result<FeatureFile> ReadFeatureFile(const std::filesystem::path& path);

class FeatureFileWriter {
 public:
  // Creates (truncates) `path` and writes the header. `input_name` goes in "# Filename:".
  static Result<FeatureFileWriter> Create(const std::filesystem::path& path,
                                          std::string_view recorder, std::string_view input_name);
  FeatureFileWriter(FeatureFileWriter&& other) noexcept;
  FeatureFileWriter& operator=(FeatureFileWriter&& other) noexcept;
  FeatureFileWriter(const FeatureFileWriter&) = delete;
  FeatureFileWriter& operator=(const FeatureFileWriter&) = delete;
  ~FeatureFileWriter();

  Status Write(std::string_view forensic_path, std::string_view feature, std::string_view context);
  // Flushes and closes; reports a write error. Called by the destructor if not called.
  Status Close();

 private:
  FeatureFileWriter(std::FILE* f, std::filesystem::path path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace cairn::extract
