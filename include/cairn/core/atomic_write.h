// Files Cairn produces (reports, findings.jsonl, vPDQ frame files) are written whole or not at
// all: the content goes to a temporary name beside the target, unique per thread, which is
// flushed and renamed over the target; on any failure the temporary is removed and the target is
// as it was. Safe to call from many threads for different targets.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>

#include "cairn/core/status.h"

namespace cairn {

// fill(stream) writes the content; a Status it returns that is not OK aborts the write.
Status WriteFileAtomically(const std::filesystem::path& path,
                           const std::function<Status(std::ostream&)>& fill);

}  // namespace cairn
