// Internal helpers shared by the hash-list readers: the mapped input, lenient scalar parsing,
// line and RFC 4180 record cursors, and ReaderBase (report bookkeeping + the admission rules
// every importer applies: zero-length digests, all-zero PDQ, category mapping).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/hashset/category.h"
#include "cairn/hashset/import.h"

namespace cairn::hashset::internal {

// A read-only view of a whole input: an mmap of a file (MADV_SEQUENTIAL; its clean pages are
// reclaimable, so resident memory does not grow with the file) or a caller's buffer.
class MappedInput {
 public:
  static Result<MappedInput> Open(const std::filesystem::path& path);
  static MappedInput Borrow(std::span<const uint8_t> bytes, std::string name);
  MappedInput(MappedInput&& other) noexcept;
  MappedInput& operator=(MappedInput&& other) noexcept;
  MappedInput(const MappedInput&) = delete;
  MappedInput& operator=(const MappedInput&) = delete;
  ~MappedInput();

  std::string_view text() const { return {data_, size_}; }
  const std::string& name() const { return name_; }
  // Tells the kernel the mapped pages before `offset` will not be read again, so resident memory
  // stays flat on huge lists (a no-op for borrowed bytes; cheap to call often: acts per 64 MiB).
  void ReleaseBefore(size_t offset);
  const std::filesystem::path& path() const { return path_; }  // empty for borrowed bytes

 private:
  MappedInput() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
  bool owned_map_ = false;
  size_t released_ = 0;
  std::string name_;
  std::filesystem::path path_;
};

std::string_view Trim(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
// true/True/TRUE/1/yes/Y/T and false/0/no/N/F; nullopt otherwise (empty included).
std::optional<bool> ParseBoolLenient(std::string_view s);
Tristate ParseTristate(std::string_view s);  // unknown for empty or unparseable
std::optional<uint64_t> ParseUint(std::string_view s);
bool IsHex(std::string_view s);
// Printable, at most `max` characters, for error messages.
std::string Excerpt(std::string_view s, size_t max = 60);

// Table-driven hex parsing (the importers' hot path); same contract as cairn::ParseHex.
bool ParseHexFast(std::string_view text, std::span<uint8_t> out);

// Sets `out` from hex text. Empty text leaves it unset and returns true; bad text returns false
// and fills `why` ("MD5 'xyz' is not 32 hex digits").
template <typename D>
bool ParseDigestField(std::string_view label, std::string_view text, std::optional<D>& out,
                      std::string& why) {
  text = Trim(text);
  if (text.empty()) return true;
  D d;
  if (!ParseHexFast(text, d.bytes)) {
    why = std::string(label) + " '" + Excerpt(text, 80) + "' is not " + std::to_string(D::kSize * 2) +
          " hex digits";
    return false;
  }
  out = d;
  return true;
}
bool ParsePdqField(std::string_view text, std::optional<Hash256>& out, std::string& why);
bool ParseQualityField(std::string_view text, std::optional<int>& out, std::string& why);

// Lines of a text: strips a UTF-8 BOM at the start and the CR of CRLF endings.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text);
  // The next line; false at the end. line_no is 1-based, offset is the line's first byte.
  bool Next(std::string_view& line, uint64_t& line_no, uint64_t& offset);
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_no_ = 0;
};

// RFC 4180 records: quoted fields may hold separators, "" and line breaks; a quote inside an
// unquoted field is kept as text. Strips a UTF-8 BOM; accepts CRLF and LF.
class CsvCursor {
 public:
  CsvCursor(std::string_view text, char sep);
  enum class Outcome { kRecord, kEnd, kUnterminated };
  // Fields of the next non-empty record; line_no/offset are where it starts.
  Outcome Next(std::vector<std::string>& fields, uint64_t& line_no, uint64_t& offset);
  uint64_t line() const { return line_no_; }
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  char sep_;
  size_t pos_ = 0;
  uint64_t line_no_ = 1;
};

// Decodes RFC 4648 base32 (upper or lower case, '=' padding optional) into `out`.
bool DecodeBase32(std::string_view text, std::vector<uint8_t>& out);

// Common bookkeeping of the readers.
class ReaderBase : public EntryReader {
 public:
  ReaderBase(Format format, const ImportOptions& options);
  const ImportReport& report() const override { return report_; }

 protected:
  // Counts one record read (call once per record, before Admit or Skip).
  void CountRecord() { ++report_.records_read; }
  // Records a skipped record with its reason.
  void Skip(const Provenance& where, std::string reason);
  // Applies the admission rules; false (and the record counted as skipped) when nothing usable
  // remains. On true the entry counts as imported.
  bool Admit(Entry& e);
  void Note(std::string note) { report_.notes.push_back(std::move(note)); }

  ImportReport report_;
  ImportOptions options_;
  CategoryMap categories_;
};

}  // namespace cairn::hashset::internal
