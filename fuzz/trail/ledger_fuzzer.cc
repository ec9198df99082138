// Fuzzes the ledger parser (every preset, guessed and fixed separators) and the amount and time
// parsers. The first byte picks the preset and options; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cairn/core/assert.h"
#include "cairn/trail/ledger.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace cairn::trail;
  const uint8_t mode = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  IngestOptions o;
  switch (mode % 4) {
    case 0: o.preset = Preset::kAmlsim; break;
    case 1: o.preset = Preset::kAmlsimV2; break;
    case 2: o.preset = Preset::kBank; o.statement_account = "HOLDER"; break;
    default: o.map = *ColumnMap::Parse("from=0,to=1,amount=2,time=3,id=4,reference=5"); break;
  }
  o.separator = (mode & 4) ? ',' : 0;
  o.has_header = (mode & 8) == 0 || o.preset != Preset::kNone;
  o.amount_scale = (mode >> 4) % 4;
  o.default_offset_minutes = (mode & 64) ? 330 : 0;
  auto parsed = ParseLedger(bytes, o);
  if (parsed.ok()) {
    uint64_t newlines = 1;
    for (char c : bytes) newlines += c == '\n';
    for (const LedgerRow& r : parsed->rows) {
      CAIRN_ASSERT(r.line >= 1 && r.line <= newlines);
      CAIRN_ASSERT(r.amount >= 0);
      CAIRN_ASSERT(!r.from.empty() && !r.to.empty());
    }
    for (const BadRow& b : parsed->bad_rows) CAIRN_ASSERT(b.line >= 1 && b.line <= newlines);
  }
  // The scalar parsers on the raw text as well.
  (void)ParseAmount(bytes.substr(0, 64), o.amount_scale);
  TimeKind kind;
  auto t = ParseTime(bytes.substr(0, 64), o.default_offset_minutes, &kind);
  if (t.ok()) (void)FormatTime(*t, kind);
  (void)ColumnMap::Parse(bytes.substr(0, 128));
  return 0;
}
