// Fuzzes the NCMEC hash-sharing XML importer (expat, streamed in slices).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::hashset::fuzz::RunOne(data, size, cairn::hashset::Format::kNcmecXml, true);
  return 0;
}
