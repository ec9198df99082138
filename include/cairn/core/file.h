// ReadOnlyFile: the one way core code opens a file on disk. It opens read-only with O_NOATIME
// where the kernel allows it (so reading evidence does not even move its access time), never
// follows a final symlink, and cannot write. Move-only; one object per thread.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "cairn/core/status.h"

namespace cairn {

class ReadOnlyFile {
 public:
  // Fails with kNotFound, kIoError (permission, not a regular file, a symlink).
  static Result<ReadOnlyFile> Open(const std::filesystem::path& path);

  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  ~ReadOnlyFile();

  uint64_t size() const { return static_cast<uint64_t>(info_.st_size); }
  const struct stat& info() const { return info_; }
  const std::filesystem::path& path() const { return path_; }

  // Reads up to out.size() bytes from the current position; 0 at end of file.
  Result<size_t> Read(std::span<uint8_t> out);
  // Reads up to out.size() bytes at `offset` without moving the position; short only at EOF.
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const;

 private:
  ReadOnlyFile(int fd, std::filesystem::path path, const struct stat& info)
      : fd_(fd), path_(std::move(path)), info_(info) {}

  int fd_ = -1;
  std::filesystem::path path_;
  struct stat info_ {};
};

// Reads the whole file, refusing (kLimitExceeded) files larger than max_bytes.
Result<std::vector<uint8_t>> ReadWholeFile(const std::filesystem::path& path, uint64_t max_bytes);

}  // namespace cairn
