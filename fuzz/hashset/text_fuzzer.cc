// Fuzzes detection and the CSV / line / binary importers (ICSE, NSRL v2, HashKeeper, generic CSV,
// md5sum, PDQ lists, pytx signals, EnCase .hash).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cairn::hashset::Format;
  namespace f = cairn::hashset::fuzz;
  f::RunOne(data, size, std::nullopt, true);  // detection picks the reader
  for (Format format : {Format::kHashsum, Format::kPdqList, Format::kPytxSignals, Format::kGenericCsv,
                        Format::kIcseCsv, Format::kNsrlRdsV2, Format::kHashKeeper, Format::kEncaseHash}) {
    f::RunOne(data, size, format, false);
  }
  return 0;
}
