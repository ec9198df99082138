// Ledger segments (internal to cairn_trail): the transactions of one ingested file, stored beside
// case.db as a columnar binary file `trail/ledger-<file_id>-<sha256 prefix>.seg` that trail_files
// names (column `segment`, with its SHA-256). Written whole to a temporary file, fsynced and renamed
// inside the SQLite transaction that records the file, so a committed row always names a complete
// segment; a segment no committed row names is an orphan of a killed import and is removed by the
// next import. Read through SegmentView (mmap, every offset checked). Layout: docs/TRAIL.md.
// Little-endian host only (x86-64, arm64). SegmentView is immutable after Open and thread-safe.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/store/database.h"

namespace cairn::trail::segment {

inline constexpr char kMagic[8] = {'C', 'A', 'I', 'R', 'N', 'T', 'L', '1'};
inline constexpr uint32_t kVersion = 1;

// Bits of Header::text_fields: which free-text fields the segment keeps, in this order.
inline constexpr uint32_t kTextId = 1, kTextReference = 2, kTextType = 4;

// Sections, each starting at an 8-byte aligned offset; section[k+1] - section[k] is its size.
enum Section : int {
  kTime,         // int64[rows]  seconds (utc_seconds) or steps (integer)
  kAmount,       // int64[rows]  minor units
  kFrom,         // uint32[rows] trail_accounts.account_id
  kTo,           // uint32[rows]
  kLine,         // uint64[rows] 1-based line where the record starts
  kCurrency,     // uint16[rows] index into the currency table
  kDuplicates,   // Duplicate[num_duplicates], rows ascending
  kTextOffsets,  // uint64[rows * popcount(text_fields) + 1] into the text section
  kText,         // bytes
  kCurrencies,   // per currency: uint32 length, bytes
  kEnd,
  kNumSections
};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t text_fields;
  uint64_t rows;
  int64_t file_id;
  int64_t first_tx_id;  // row i has tx_id first_tx_id + i
  uint64_t num_duplicates;
  uint32_t num_currencies;
  uint32_t reserved;
  uint64_t section[kNumSections];
};
static_assert(sizeof(Header) == 56 + 8 * kNumSections);

// For the big column and hash-table arrays of an import: memory from mmap with transparent huge
// pages requested (where the kernel allows them), so ten million rows cost thousands of page
// faults and TLB misses instead of millions. Small arrays come from operator new.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding
  static constexpr size_t kHuge = size_t{2} << 20;
  static size_t Rounded(size_t n) { return (n * sizeof(T) + kHuge - 1) / kHuge * kHuge; }
  T* allocate(size_t n) {
    if (n * sizeof(T) < kHuge) return static_cast<T*>(::operator new(n * sizeof(T)));
    void* p = ::mmap(nullptr, Rounded(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    ::madvise(p, Rounded(n), MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHuge) {
      ::operator delete(p);
    } else {
      ::munmap(p, Rounded(n));
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};
template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

// value > 0: duplicate_of_line (same external id; stored, never traced);
// value < 0: -possible_duplicate_of_line (identical row without id; traced).
struct Duplicate {
  uint64_t row;
  int64_t value;
};

// The columns of one file's rows, as IngestFile builds them.
struct Columns {
  BigVector<int64_t> time, amount;
  BigVector<uint32_t> from, to;
  BigVector<uint64_t> line;
  BigVector<uint16_t> currency;
  std::vector<Duplicate> duplicates;
  uint32_t text_fields = 0;
  BigVector<uint64_t> text_offsets;  // rows * fields + 1 entries when text_fields != 0
  std::string text;
  std::vector<std::string> currencies;
};

// Writes `columns` to `path` (created exclusively), fsyncs it and returns its SHA-256 (hex).
Result<std::string> Write(const std::filesystem::path& path, int64_t file_id, int64_t first_tx_id,
                          const Columns& columns);

// One row of trail_files: how many rows the file holds and, for files ingested since schema v2,
// the segment that holds them (files of v1 keep their rows in trail_transactions).
struct StoredFile {
  int64_t file_id = 0;
  bool has_segment = false;
  std::string segment, sha256;  // file name under DIR/trail/, and its SHA-256 (hex)
  uint64_t rows = 0;
  int64_t first_tx_id = 0;
};

// Every trail_files row in file order. kCorrupt when a segment name could leave DIR/trail/.
Result<std::vector<StoredFile>> ReadStoredFiles(store::Database& db);

// A read-only mapping of a segment, checked against what case.db says about it.
class SegmentView {
 public:
  // Maps `path`, checks magic, version, section bounds and sizes, that rows == expected_rows and
  // that first_tx_id matches; with verify_sha256 non-empty, also the file's SHA-256 (kCorrupt).
  static Result<SegmentView> Open(const std::filesystem::path& path, uint64_t expected_rows,
                                  int64_t expected_first_tx_id, std::string_view verify_sha256);
  SegmentView(SegmentView&& other) noexcept;
  SegmentView& operator=(SegmentView&& other) noexcept;
  SegmentView(const SegmentView&) = delete;
  SegmentView& operator=(const SegmentView&) = delete;
  ~SegmentView();

  const Header& header() const { return *reinterpret_cast<const Header*>(data_); }
  uint64_t rows() const { return header().rows; }
  std::span<const int64_t> time() const { return Col<int64_t>(kTime, rows()); }
  std::span<const int64_t> amount() const { return Col<int64_t>(kAmount, rows()); }
  std::span<const uint32_t> from() const { return Col<uint32_t>(kFrom, rows()); }
  std::span<const uint32_t> to() const { return Col<uint32_t>(kTo, rows()); }
  std::span<const uint64_t> line() const { return Col<uint64_t>(kLine, rows()); }
  std::span<const uint16_t> currency() const { return Col<uint16_t>(kCurrency, rows()); }
  std::span<const Duplicate> duplicates() const {
    return Col<Duplicate>(kDuplicates, header().num_duplicates);
  }
  const std::vector<std::string>& currencies() const { return currencies_; }
  // Text field `bit` (kTextId, ...) of row i; "" when the segment does not keep that field.
  std::string_view Text(uint64_t row, uint32_t bit) const;

 private:
  SegmentView() = default;
  // Open checked that section s holds at least n elements.
  template <typename T>
  std::span<const T> Col(int s, uint64_t n) const {
    return {reinterpret_cast<const T*>(data_ + header().section[s]), static_cast<size_t>(n)};
  }
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint32_t text_count_ = 0;  // fields kept per row
  std::vector<std::string> currencies_;
};

}  // namespace cairn::trail::segment
