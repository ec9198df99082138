// Helpers for the hashset tests: read a whole list into memory (tests only; lists here are tiny).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cairn/hashset/import.h"

namespace cairn::hashset::testing_util {

struct Imported {
  Status status;  // OK, or the error that stopped the reader (open or Next)
  std::vector<Entry> entries;
  ImportReport report;
};

inline Imported Drain(Result<std::unique_ptr<EntryReader>> opened) {
  Imported out;
  if (!opened.ok()) {
    out.status = opened.status();
    return out;
  }
  auto& reader = *opened;
  Entry e;
  while (true) {
    auto more = reader->Next(e);
    if (!more.ok()) {
      out.status = more.status();
      break;
    }
    if (!*more) break;
    out.entries.push_back(e);
  }
  out.report = reader->report();
  return out;
}

inline Imported ImportPath(const std::filesystem::path& p, const ImportOptions& o = {}) {
  return Drain(OpenReader(p, o));
}

inline Imported ImportText(std::string_view text, const ImportOptions& o = {}) {
  // The bytes must outlive the reader: Drain finishes before `text` goes away.
  return Drain(OpenReaderFromBytes(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()), o, "<test>"));
}

inline ImportOptions As(Format f) {
  ImportOptions o;
  o.format = f;
  return o;
}

}  // namespace cairn::hashset::testing_util
