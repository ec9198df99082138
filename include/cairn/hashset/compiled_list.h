// A compiled hash list: one immutable, versioned file per (list name, version) holding the
// entries as fixed-size records, their strings, sorted digest sets (MD5, SHA-1, SHA-256) and a
// PDQ index, with a footer that locates every section and carries SHA-256 checksums. Opening is
// an mmap plus O(1) checks of the footer and section bounds; VerifyChecksum() reads every byte.
// CompiledListWriter streams entries to disk (memory: the digest/PDQ builders, ~40 bytes per
// hash) and commits atomically: a kill leaves no file. A CompiledList is immutable and its const
// methods are thread-safe. Byte layout: docs/HASHLISTS.md §6 ("Compiled list files").
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cairn/core/digest.h"
#include "cairn/core/status.h"
#include "cairn/hashset/entry.h"
#include "cairn/hashset/import.h"
#include "cairn/index/binary_index.h"
#include "cairn/index/digest_set.h"
#include "cairn/index/mapped_file.h"

namespace cairn::hashset {

// What a compiled list says about itself (stored as JSON in its meta section).
struct ListInfo {
  std::string name;
  std::string version;
  std::string format;         // FormatName of the source
  std::string format_detail;  // ImportReport::format_detail
  std::string source_name;    // file name of the imported source
  std::string source_sha256;  // hex
  uint64_t source_size = 0;
  std::string created_utc;  // ISO 8601
  std::string import_summary;  // ImportReport::Summary()
};

struct CompiledCounts {
  uint64_t entries = 0;
  uint64_t md5 = 0, sha1 = 0, sha256 = 0, pdq = 0;
  uint64_t file_size = 0;
  std::string file_sha256;  // hex of the whole file
};

class CompiledListWriter {
 public:
  static constexpr uint32_t kFormatVersion = 1;
  // Creates the writer for `path` (its folder must exist). Nothing appears at `path` before Finish.
  static Result<std::unique_ptr<CompiledListWriter>> Create(const std::filesystem::path& path);
  ~CompiledListWriter();

  // Appends an entry; its id in the list is the number of entries added before it.
  // Deletion entries are kept as records but not indexed (they never match).
  Status Add(const Entry& entry);
  // Builds the indexes, writes them and the footer, and renames the file into place.
  Result<CompiledCounts> Finish(const ListInfo& info);

 private:
  struct State;
  explicit CompiledListWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class CompiledList {
 public:
  // Maps `path` and checks the footer, every section's bounds and the indexes' headers (kCorrupt
  // naming the file on any inconsistency). Does not read the whole file.
  static Result<std::shared_ptr<const CompiledList>> Open(const std::filesystem::path& path);

  const ListInfo& info() const { return info_; }
  uint64_t entry_count() const { return entry_count_; }
  const std::filesystem::path& path() const { return path_; }

  // The entry with this id, decoded from its record (kCorrupt if the record is damaged).
  Result<Entry> EntryAt(uint64_t id) const;

  const index::DigestSet<Md5>& md5() const { return md5_; }
  const index::DigestSet<Sha1>& sha1() const { return sha1_; }
  const index::DigestSet<Sha256>& sha256() const { return sha256_; }
  const index::BinaryIndex& pdq() const { return *pdq_; }

  // Reads every byte and compares with the checksums in the footer.
  Status VerifyChecksum() const;

 private:
  CompiledList() = default;

  std::filesystem::path path_;
  index::SharedBytes bytes_;
  ListInfo info_;
  uint64_t entry_count_ = 0;
  std::span<const uint8_t> records_;
  std::span<const uint8_t> strings_;
  index::DigestSet<Md5> md5_;
  index::DigestSet<Sha1> sha1_;
  index::DigestSet<Sha256> sha256_;
  std::unique_ptr<index::BinaryIndex> pdq_;
  Sha256 body_sha256_;
  uint64_t body_size_ = 0;
};

}  // namespace cairn::hashset
