// Scan: visits evidence (folders, files, archives, disk images: evidence/source.h), hashes every item (FileHasher), matches it
// against hash lists (Matcher), suppresses known-good matches and records items, findings and
// errors in a case (store::Case, tables of module "scan", docs/SCAN.md). Recording runs on the
// calling thread in item order, in batched transactions, so a kill loses at most one batch and
// ResumeScan finishes with exactly the findings of an uninterrupted run. One scan per Case at a
// time; the hooks' progress callback runs on the calling thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/store/case.h"

namespace cairn::scan {

struct ScanOptions {
  int jobs = 0;           // worker threads; 0: one per core
  int threshold = 31;     // PDQ match when distance <= threshold
  int min_quality = 50;   // PDQ hashes below this quality are not matched
  bool dihedral = true;   // match the 8 rotations/mirrors of each image
  bool fast = false;      // fast JPEG decoding (see docs/PDQ.md)
  int batch_items = 200;  // commit a transaction at least every this many items...
  int batch_ms = 1000;    // ...or this many milliseconds
  // Videos: vPDQ frames every this many seconds (0: every frame); a video matches a reference
  // video when both shares of distinct good frames (quality >= min_quality) with a counterpart
  // at distance < vpdq_distance are >= vpdq_min_percent (docs/VIDEO.md).
  double video_seconds_per_frame = 1.0;
  int vpdq_distance = 31;
  double vpdq_min_percent = 80.0;
};

// Stable JSON form stored in the run row (and read back by ResumeScan).
std::string ScanOptionsJson(const ScanOptions& options);
Result<ScanOptions> ParseScanOptionsJson(std::string_view json);

struct ScanRequest {
  std::vector<std::filesystem::path> evidence;  // folders or files
  std::vector<std::string> lists;               // "name" or "name@version"
  ScanOptions options;
};

struct ScanProgress {
  uint64_t items_done = 0;   // items recorded by this invocation
  uint64_t items_total = 0;  // items this invocation will record (0 while unknown)
  uint64_t bytes_done = 0;
  uint64_t hits = 0;         // items with at least one finding (this invocation)
  uint64_t errors = 0;
  double seconds = 0;
};

struct ScanSummary {
  int64_t run_id = 0;
  uint64_t items = 0;            // recorded by this invocation
  uint64_t resumed_skipped = 0;  // already recorded by an earlier invocation of the run
  uint64_t bytes = 0;
  uint64_t hits = 0;             // items with findings
  uint64_t findings = 0;
  uint64_t known_good = 0;       // items whose only matches were non-pertinent (e.g. NSRL)
  uint64_t empty = 0;            // zero-length files, counted and not hashed
  uint64_t errors = 0;
  bool interrupted = false;
};

struct ScanHooks {
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): finish the batch, stop
  std::function<void(const ScanProgress&)> progress;  // called about twice a second
};

// Creates or upgrades the scan tables in the case database.
Status ApplyScanSchema(store::Database& db);

// Starts a new run in `c` with lists opened from the library at `library_home`.
Result<ScanSummary> StartScan(store::Case& c, const std::filesystem::path& library_home,
                              const ScanRequest& request, const ScanHooks& hooks);

// Continues the case's last run (status running or interrupted) with the evidence, lists and
// options recorded in it, skipping items already recorded. kInvalidArgument when the last
// run is complete or a list file changed.
Result<ScanSummary> ResumeScan(store::Case& c, const std::filesystem::path& library_home,
                               const ScanHooks& hooks);

// Writes one JSON line per finding of the case's runs (item order, then finding order) to `out`
// (written to a temporary file and renamed into place). Fields: docs/SCAN.md.
Status WriteFindingsJsonl(store::Case& c, const std::filesystem::path& out);

}  // namespace cairn::scan
