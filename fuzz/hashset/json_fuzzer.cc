// Fuzzes the JSON importers (VICS, StopNCII, Arachnid, HMA) and the VICS export round trip.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cairn::hashset::Format;
  cairn::hashset::fuzz::RunOne(data, size, Format::kVicsJson, true);
  cairn::hashset::fuzz::RunOne(data, size, Format::kStopNciiJson, false);
  cairn::hashset::fuzz::RunOne(data, size, Format::kArachnidJson, false);
  cairn::hashset::fuzz::RunOne(data, size, Format::kHmaLookupJson, false);
  return 0;
}
