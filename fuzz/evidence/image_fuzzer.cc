// Fuzzes the disk-image entry point (The Sleuth Kit's partition and file-system parsers through
// cairn::evidence::VisitDiskImageBytes) with a small FAT image as the seed.
#include <cstddef>
#include <cstdint>
#include <span>

#include "cairn/evidence/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::evidence::SourceOptions options;
  options.max_archive_depth = 2;
  options.max_expanded_bytes = 16 << 20;
  options.max_entries = 1000;
  options.max_item_bytes = 4 << 20;
  size_t seen = 0;
  (void)cairn::evidence::VisitDiskImageBytes(std::span<const uint8_t>(data, size), "fuzz.img", options,
                                             [&](const cairn::evidence::Item& item, std::span<const uint8_t> bytes) {
                                               seen += item.forensic_path.size() + bytes.size();
                                             });
  return 0;
}
