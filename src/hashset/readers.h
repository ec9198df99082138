// Internal: the constructors of the format readers (one .cc each), used by import.cc.
#pragma once

#include <memory>

#include "reader_util.h"

namespace cairn::hashset::internal {

// MediaMetadata property under which Cairn's VICS export carries the PDQ quality.
inline constexpr std::string_view kPdqQualityProperty = "Cairn:PDQQuality";

std::unique_ptr<EntryReader> MakeVicsReader(MappedInput in, const ImportOptions& options, bool caid);
// Line formats: kHashsum, kPdqList, kPytxSignals.
std::unique_ptr<EntryReader> MakeLineReader(Format format, MappedInput in, const ImportOptions& options);
// Delimited formats: kIcseCsv, kNsrlRdsV2, kHashKeeper, kGenericCsv.
Result<std::unique_ptr<EntryReader>> MakeCsvReader(Format format, MappedInput in, const ImportOptions& options);
std::unique_ptr<EntryReader> MakeNcmecReader(MappedInput in, const ImportOptions& options);
Result<std::unique_ptr<EntryReader>> MakeNsrlV3Reader(const std::filesystem::path& path,
                                                      const ImportOptions& options);
std::unique_ptr<EntryReader> MakeEncaseReader(MappedInput in, const ImportOptions& options);
// kStopNciiJson, kArachnidJson, kHmaLookupJson: small API documents.
std::unique_ptr<EntryReader> MakeApiJsonReader(Format format, MappedInput in, const ImportOptions& options);

}  // namespace cairn::hashset::internal
