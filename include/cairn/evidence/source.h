// Evidence sources: opens any evidence path — a folder, a single file, an archive (libarchive:
// zip, 7z, rar, tar, gz/bz2/xz, nested to a depth limit, bounded against bombs) or a disk image
// (raw/dd, E01 through The Sleuth Kit + libewf; partitions and FAT/exFAT, NTFS, ext2/3/4, HFS+,
// ISO 9660 file systems, deleted files included) — and reports every file in it, in a
// deterministic order, with its forensic path and provenance. Never writes; reads with
// O_NOATIME. Single-threaded; the visitor runs inline. Syntax and limits: docs/EVIDENCE.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cairn/core/status.h"

namespace cairn::evidence {

// One file (or one thing that is not a readable file) found in evidence, with its provenance.
struct Item {
  enum class Kind {
    kFile,     // a file; `bytes` holds its content (see SourceOptions::read_plain_files)
    kSymlink,  // a symbolic link in a folder or file system: recorded, never followed
    kSpecial,  // device, FIFO, socket: recorded, never read
    kError,    // could not be read or listed: `error` says why; the visit goes on
  };
  Kind kind = Kind::kFile;
  // "phone.E01/p2/DCIM/a.zip/x.jpg": the evidence's file name, then for disk images the
  // partition ("p1", "p2"... counted from 1 over allocated partitions; absent when the image
  // holds a bare file system), then the path in the file system or folder, then archive
  // members (a single-stream .gz/.bz2/.xz holds one member named like the file without suffix).
  std::string forensic_path;
  uint64_t size = 0;
  std::optional<int64_t> mtime, atime, ctime, crtime;  // unix seconds where the source has them
  std::optional<uint64_t> inode;
  bool deleted = false;    // found through unallocated (deleted) file-system metadata
  bool encrypted = false;  // archive member that could not be read (no password); kError
  bool is_container = false;  // an archive or disk image whose members follow as their own items
  std::string container_sha256;  // hex SHA-256 of the enclosing archive ("" when not in one)
  std::string symlink_target;    // kSymlink only
  // Set for plain files on the local file system (folders, single-file evidence): the scan may
  // open it itself (cairn::ReadOnlyFile) instead of taking `bytes` (read_plain_files=false).
  std::filesystem::path local_path;
  Status error;  // kError: the problem ("corrupt: zip: truncated member", "limit_exceeded: ...")
};

// Gets each item; `bytes` is its whole content (at most max_item_bytes) for kFile items, empty
// for the others and for local plain files when read_plain_files is false. Valid only during
// the call.
using ItemVisitor = std::function<void(const Item& item, std::span<const uint8_t> bytes)>;

struct SourceOptions {
  int max_archive_depth = 4;               // archives inside archives: deeper ones are items only
  uint64_t max_expanded_bytes = 64ull << 30;  // per outermost archive: bytes expanded in total
  double max_ratio = 1000;                 // expanded / compressed bytes (checked after 1 MiB)
  uint64_t max_entries = 1'000'000;        // per outermost archive, members at every depth
  uint64_t max_item_bytes = 4ull << 30;    // larger members/files become kError (limit) items
  // When false, local files (plain files and the archive/disk-image files themselves) are
  // reported with empty `bytes` and `local_path` set (the scan streams them itself); local
  // archives are then walked by streaming from the file, so memory holds one member at a time.
  bool read_plain_files = true;
  // Called before a kFile item's content is read; returning true skips the item (the visitor is
  // not called for it) — the scan's resume passes "already recorded". Containers are still
  // opened so their members are offered too.
  std::function<bool(std::string_view forensic_path)> skip;
  const std::atomic<bool>* stop = nullptr;  // when set to true the visit ends with kCancelled
};

// Visits everything in `path` (see the file comment). Fails only when the visit cannot start
// (path missing) or is stopped; every problem inside the evidence becomes a kError item.
Status VisitEvidence(const std::filesystem::path& path, const SourceOptions& options,
                     const ItemVisitor& visit);

// Visits the members of an archive held in memory, named below `forensic_prefix`
// ("x.zip"). This is the archive entry point the fuzzer drives. Returns kCorrupt/kUnsupported
// when `bytes` is not an archive libarchive can open (no items are reported then).
Status VisitArchiveBytes(std::span<const uint8_t> bytes, std::string_view forensic_prefix,
                         const SourceOptions& options, const ItemVisitor& visit);

// Visits the partitions and file systems of a raw disk image held in memory (fuzzer entry
// point for the file-system parsers).
Status VisitDiskImageBytes(std::span<const uint8_t> bytes, std::string_view forensic_prefix,
                           const SourceOptions& options, const ItemVisitor& visit);

// An Expert Witness (E01) image checked against the digests stored in it at acquisition.
struct EwfVerification {
  uint64_t media_bytes = 0;         // size of the acquired media
  std::string stored_md5, stored_sha1;      // hex; "" when the image stores none
  std::string computed_md5, computed_sha1, computed_sha256;  // of the media bytes
  // Ranges of sectors whose chunk checksum (Adler-32) did not match while reading: damage in
  // the image file itself. libewf still returns those bytes, so the digests above cover them.
  uint32_t checksum_errors = 0;
  // At least one digest is stored, every stored one matches and no chunk checksum failed.
  bool verified = false;
};

// The verdict recorded with the evidence: "verified"; "mismatch" (a stored digest differs from
// the media's); "damaged" (no stored digest differs, but chunk checksums failed — e.g. a
// truncated image whose digest section is gone); "no-stored-digest" (none stored and every
// chunk checksum held, so nothing can be compared).
std::string_view EwfVerdict(const EwfVerification& v);

// Reads every media byte of the E01 at `path` (segments .E02... found beside it) through libewf
// and compares with the stored digests. kCorrupt when libewf cannot open or read it (truncated
// segment...), kInvalidArgument when `path` is not an EWF file. Costs one full read.
Result<EwfVerification> VerifyEwf(const std::filesystem::path& path);

// True when the first bytes look like an archive Cairn opens (zip, 7z, rar, tar, gzip, bzip2,
// xz, cab, cpio, ar). Cheap: magic numbers only.
bool LooksLikeArchive(std::span<const uint8_t> head);

// Stable lower-case name of a kind ("file", "symlink", "special", "error").
std::string_view ItemKindName(Item::Kind kind);

}  // namespace cairn::evidence
