// Shared driver for the hashset fuzz targets: runs one format's reader over the bytes to the end,
// checks the report's invariant, and round-trips what was read through the VICS exporter.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "cairn/hashset/export.h"
#include "cairn/hashset/import.h"

namespace cairn::hashset::fuzz {

inline void Check(bool ok) {
  if (!ok) std::abort();
}

inline void RunOne(const uint8_t* data, size_t size, std::optional<Format> format, bool round_trip) {
  ImportOptions options;
  options.format = format;
  options.max_skip_details = 16;
  auto reader = OpenReaderFromBytes(std::span<const uint8_t>(data, size), options, "<fuzz>");
  if (!reader.ok()) return;
  std::ostringstream out;
  auto writer = MakeWriter(ExportFormat::kVics20, out);
  Entry e;
  uint64_t n = 0;
  while (true) {
    auto more = (*reader)->Next(e);
    if (!more.ok() || !*more) break;
    ++n;
    Check(e.HasAnyHash() || e.kind == EntryKind::kDelete);
    if (round_trip) Check(writer->Write(e).ok());
  }
  const ImportReport& r = (*reader)->report();
  Check(r.imported == n);
  Check(r.records_read == r.imported + r.skipped);
  Check(r.skips.size() + r.skips_not_listed == r.skipped);
  if (!round_trip) return;
  Check(writer->Finish().ok());
  const std::string json = out.str();
  ImportOptions again;
  again.format = Format::kVicsJson;
  auto back = OpenReaderFromBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(json.data()), json.size()),
                                  again, "<fuzz-export>");
  Check(back.ok());
  uint64_t m = 0;
  while (true) {
    auto more = (*back)->Next(e);
    Check(more.ok());
    if (!*more) break;
    ++m;
  }
  // Deletions are left out of VICS exports.
  Check(m == writer->stats().written);
}

}  // namespace cairn::hashset::fuzz
