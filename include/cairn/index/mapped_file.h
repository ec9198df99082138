// MappedFile: a read-only memory map of one file (move-only; unmapped on destruction), SharedBytes:
// an immutable byte range plus whatever keeps it alive (a vector, a MappedFile, or the caller),
// and AtomicFileWriter: writes a file so that a crash or kill leaves either the old file or the
// complete new one, never a half-written one (temp file in the same folder, fsync, rename, fsync
// of the folder). All three are safe to read from many threads; a writer is used by one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cairn/core/status.h"

namespace cairn::index {

// How a mapping will be read; passed to madvise(2).
enum class AccessPattern {
  kNormal,
  kRandom,      // index lookups (the default): no read-ahead
  kSequential,  // one pass, e.g. a checksum
  kWillNeed,    // fault the pages in now (warm a list before a scan)
};

class MappedFile {
 public:
  // Maps the whole file read-only. Errors (kNotFound, kIoError) name the file. An empty file maps
  // to an empty span.
  static Result<MappedFile> Open(const std::filesystem::path& path,
                                 AccessPattern pattern = AccessPattern::kRandom);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

  // A hint for the whole mapping; failures are ignored (it is only a hint).
  void Advise(AccessPattern pattern) const;

 private:
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  std::filesystem::path path_;
};

// An immutable byte range and its owner. Copies share the owner; slices keep it alive too.
class SharedBytes {
 public:
  SharedBytes() = default;
  static SharedBytes FromVector(std::vector<uint8_t> bytes);
  static SharedBytes FromMappedFile(MappedFile file);
  // No ownership: the caller keeps `bytes` alive as long as any copy is used.
  static SharedBytes Borrow(std::span<const uint8_t> bytes) { return SharedBytes(bytes, nullptr); }
  // A read-only copy in anonymous memory backed by 2 MiB pages where the kernel allows it
  // (madvise MADV_HUGEPAGE; 4 KiB pages otherwise). For long-running lookups in a large index:
  // random probes then miss the TLB far less (MIH at 10M: ~1.5x queries/s), at the cost of the
  // copy (seconds per GB while the kernel assembles huge pages) and resident memory.
  // kLimitExceeded when the memory cannot be had.
  static Result<SharedBytes> CopyToHugePages(std::span<const uint8_t> bytes);

  std::span<const uint8_t> span() const { return bytes_; }
  const uint8_t* data() const { return bytes_.data(); }
  uint64_t size() const { return bytes_.size(); }
  // Bytes [offset, offset + size); kCorrupt when that range is outside this one.
  Result<SharedBytes> Slice(uint64_t offset, uint64_t size) const;

 private:
  SharedBytes(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner)
      : bytes_(bytes), owner_(std::move(owner)) {}
  std::span<const uint8_t> bytes_;
  std::shared_ptr<const void> owner_;
};

class AtomicFileWriter {
 public:
  // Creates a temporary file beside `path` (same folder, so rename is atomic).
  static Result<AtomicFileWriter> Create(const std::filesystem::path& path);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&& other) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  // Removes the temporary file unless Commit succeeded.
  ~AtomicFileWriter();

  Status Append(std::span<const uint8_t> bytes);
  // Appends zero bytes until offset() is a multiple of `alignment`.
  Status PadTo(uint64_t alignment);
  uint64_t offset() const { return offset_; }
  // fsync, rename over `path`, fsync the folder. The writer is finished afterwards.
  Status Commit();

 private:
  AtomicFileWriter(int fd, std::filesystem::path path, std::filesystem::path temp)
      : fd_(fd), path_(std::move(path)), temp_(std::move(temp)) {}
  int fd_ = -1;
  std::filesystem::path path_;
  std::filesystem::path temp_;
  uint64_t offset_ = 0;
  bool committed_ = false;
};

// Writes `bytes` to `path` through an AtomicFileWriter.
Status WriteFileAtomically(const std::filesystem::path& path, std::span<const uint8_t> bytes);

}  // namespace cairn::index
