// Fuzzes the archive entry point (libarchive through cairn::evidence::VisitArchiveBytes): any
// bytes must give items or an error, never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <span>

#include "cairn/evidence/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::evidence::SourceOptions options;
  options.max_archive_depth = 3;
  options.max_expanded_bytes = 16 << 20;
  options.max_entries = 1000;
  options.max_item_bytes = 4 << 20;
  size_t seen = 0;
  (void)cairn::evidence::VisitArchiveBytes(std::span<const uint8_t>(data, size), "fuzz.zip", options,
                                           [&](const cairn::evidence::Item& item, std::span<const uint8_t> bytes) {
                                             seen += item.forensic_path.size() + bytes.size();
                                           });
  return 0;
}
