// Walks folders of evidence in a stable order (entries sorted byte-wise per folder), reporting
// every entry it meets: regular files to read, and everything it will not read (symbolic links
// are recorded with their target and never followed, so loops cannot happen; devices, FIFOs and
// sockets are recorded; unreadable folders become error entries and the walk goes on).
// Opens folders read-only; never changes timestamps. Single-threaded; the callback runs inline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "cairn/core/status.h"

namespace cairn::evidence {

struct WalkEntry {
  enum class Kind { kFile, kSymlink, kSpecial, kError };
  Kind kind = Kind::kFile;
  std::filesystem::path path;  // as found: the root joined with the raw name bytes
  std::string symlink_target;  // kSymlink only
  Status error;                // kError only (e.g. "cannot open folder: Permission denied")
};

using WalkCallback = std::function<void(const WalkEntry&)>;

// Walks `root` (a folder, a file or a symlink) and calls `visit` for every entry below it.
// A root that does not exist is reported as one kError entry.
void WalkPath(const std::filesystem::path& root, const WalkCallback& visit);

}  // namespace cairn::evidence
