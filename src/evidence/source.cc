// Evidence sources: folders (WalkPath), single files, archives (libarchive) and disk images
// (The Sleuth Kit, libewf through TSK). See include/cairn/evidence/source.h and docs/EVIDENCE.md.
#include "cairn/evidence/source.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <libewf.h>
#include <sys/stat.h>
#include <tsk/libtsk.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/digest.h"
#include "cairn/core/file.h"
#include "cairn/evidence/directory_walk.h"

namespace cairn::evidence {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 1 << 20;
constexpr uint64_t kRatioFloor = 1 << 20;  // ratios are checked once this much has expanded

// Shared state of one visit.
struct Context {
  const SourceOptions& options;
  const ItemVisitor& visit;
  bool Stopped() const { return options.stop != nullptr && options.stop->load(); }
  bool Skip(std::string_view path) const { return options.skip && options.skip(path); }
};

// Makes names unique within one container: a second "a.txt" becomes "a.txt#2".
class UniqueNames {
 public:
  std::string Take(std::string path) {
    if (seen_.insert(path).second) return path;
    for (int n = 2;; ++n) {
      std::string alt = path + "#" + std::to_string(n);
      if (seen_.insert(alt).second) return alt;
    }
  }

 private:
  std::set<std::string> seen_;
};

void EmitError(const Context& ctx, std::string path, Status error, bool deleted = false) {
  Item item;
  item.kind = Item::Kind::kError;
  item.forensic_path = std::move(path);
  item.error = std::move(error);
  item.deleted = deleted;
  ctx.visit(item, {});
}

bool StartsWith(std::span<const uint8_t> b, size_t at, std::string_view magic) {
  return b.size() >= at + magic.size() && std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

bool LooksLikeEwf(std::span<const uint8_t> head) {
  return StartsWith(head, 0, std::string_view("EVF\x09\x0d\x0a\xff\x00", 8));
}

bool HasImageExtension(std::string_view name) {
  for (std::string_view ext : {".dd", ".raw", ".img", ".001", ".e01", ".iso", ".dmg"}) {
    if (EndsWithNoCase(name, ext)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Archives

// Limits shared by an outermost archive and everything nested in it.
struct Budget {
  uint64_t compressed = 1;  // size of the outermost archive
  uint64_t expanded = 0;
  uint64_t entries = 0;
  bool exceeded = false;  // a limit tripped: every level stops
};

Status LimitCheck(const SourceOptions& o, const Budget& b) {
  if (b.entries > o.max_entries) {
    return Status::LimitExceeded("archive: more than " + std::to_string(o.max_entries) + " entries");
  }
  if (b.expanded > o.max_expanded_bytes) {
    return Status::LimitExceeded("archive: expands beyond " + std::to_string(o.max_expanded_bytes) + " bytes");
  }
  if (b.expanded > kRatioFloor &&
      static_cast<double>(b.expanded) > o.max_ratio * static_cast<double>(b.compressed)) {
    return Status::LimitExceeded("archive: expansion ratio above " + std::to_string(static_cast<int>(o.max_ratio)) +
                                 " (" + std::to_string(b.expanded) + " bytes from " +
                                 std::to_string(b.compressed) + ")");
  }
  return Status::Ok();
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveDeleter>;

ArchivePtr NewReader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  archive_read_support_format_raw(a.get());  // single-stream .gz/.bz2/.xz
  return a;
}

// Reads an archive held in a local file (O_NOATIME) through libarchive's callbacks.
struct FileSource {
  ReadOnlyFile* file;
  uint64_t pos = 0;
  std::vector<uint8_t> buffer = std::vector<uint8_t>(kChunk);

  static la_ssize_t Read(struct archive* a, void* self, const void** out) {
    auto* s = static_cast<FileSource*>(self);
    Result<size_t> n = s->file->ReadAt(s->pos, s->buffer);
    if (!n.ok()) {
      archive_set_error(a, EIO, "%s", n.status().message().c_str());
      return -1;
    }
    s->pos += *n;
    *out = s->buffer.data();
    return static_cast<la_ssize_t>(*n);
  }
  static la_int64_t Seek(struct archive*, void* self, la_int64_t offset, int whence) {
    auto* s = static_cast<FileSource*>(self);
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<int64_t>(s->pos)
                                                               : static_cast<int64_t>(s->file->size());
    int64_t target = base + offset;
    if (target < 0) return ARCHIVE_FATAL;
    s->pos = static_cast<uint64_t>(target);
    return target;
  }
  static la_int64_t Skip(struct archive*, void* self, la_int64_t request) {
    auto* s = static_cast<FileSource*>(self);
    uint64_t left = s->file->size() > s->pos ? s->file->size() - s->pos : 0;
    uint64_t step = std::min<uint64_t>(left, static_cast<uint64_t>(request));
    s->pos += step;
    return static_cast<la_int64_t>(step);
  }
};

// The name of the single member of a compressed stream (".gz" etc.): the container's file name
// without its suffix.
std::string RawMemberName(std::string_view prefix) {
  std::string_view base = prefix.substr(prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/') + 1);
  for (std::string_view ext : {".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".z"}) {
    if (EndsWithNoCase(base, ext) && base.size() > ext.size()) return std::string(base.substr(0, base.size() - ext.size()));
  }
  return "data";
}

std::string MemberName(struct archive_entry* e) {
  const char* p = archive_entry_pathname_utf8(e);
  if (p == nullptr) p = archive_entry_pathname(e);
  std::string name = p ? p : "";
  // Keep the stored name but never let it climb out of or restart the container path.
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name.back() == '/') name.pop_back();
  if (name.empty()) name = "(unnamed)";
  return name;
}

Status WalkArchive(const Context& ctx, struct archive* a, const std::string& prefix, int depth,
                   const std::string& container_sha256, Budget& budget);

void VisitFileBytes(const Context& ctx, Item& item, std::span<const uint8_t> bytes, int depth, Budget* budget);

// Opens `bytes` as an archive and walks it; kUnsupported when libarchive does not take it.
Status WalkArchiveMemory(const Context& ctx, std::span<const uint8_t> bytes, const std::string& prefix,
                         int depth, Budget& budget) {
  ArchivePtr a = NewReader();
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return Status::Unsupported(std::string("archive: ") + (archive_error_string(a.get()) ?: "cannot open"));
  }
  return WalkArchive(ctx, a.get(), prefix, depth, Sha256Of(bytes).ToHex(), budget);
}

Status WalkArchive(const Context& ctx, struct archive* a, const std::string& prefix, int depth,
                   const std::string& container_sha256, Budget& budget) {
  UniqueNames names;
  struct archive_entry* entry = nullptr;
  bool first = true;
  while (true) {
    if (ctx.Stopped()) return Status::Cancelled("visit stopped");
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
      std::string why = archive_error_string(a) ? archive_error_string(a) : "unreadable header";
      if (first) return Status::Unsupported("archive: " + why);
      EmitError(ctx, prefix + "/", Status::Corrupt("archive: " + why));
      return Status::Ok();
    }
    if (first) {
      first = false;
      // Raw format without any decompression filter means "not an archive at all".
      if (archive_format(a) == ARCHIVE_FORMAT_RAW && archive_filter_count(a) <= 1) {
        return Status::Unsupported("archive: not an archive");
      }
    }
    ++budget.entries;
    if (Status s = LimitCheck(ctx.options, budget); !s.ok()) {
      budget.exceeded = true;
      EmitError(ctx, prefix + "/", s);
      return Status::Ok();
    }
    bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
    std::string name = raw ? RawMemberName(prefix) : MemberName(entry);
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;

    Item item;
    item.forensic_path = names.Take(prefix + "/" + name);
    item.container_sha256 = container_sha256;
    if (archive_entry_size_is_set(entry)) item.size = static_cast<uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
    if (archive_entry_mtime_is_set(entry)) item.mtime = archive_entry_mtime(entry);
    if (archive_entry_atime_is_set(entry)) item.atime = archive_entry_atime(entry);
    if (archive_entry_ctime_is_set(entry)) item.ctime = archive_entry_ctime(entry);
    if (archive_entry_birthtime_is_set(entry)) item.crtime = archive_entry_birthtime(entry);
    if (archive_entry_ino_is_set(entry) && archive_entry_ino64(entry) != 0) {
      item.inode = static_cast<uint64_t>(archive_entry_ino64(entry));
    }

    if (type == AE_IFLNK) {
      item.kind = Item::Kind::kSymlink;
      const char* t = archive_entry_symlink_utf8(entry);
      if (t == nullptr) t = archive_entry_symlink(entry);
      item.symlink_target = t ? t : "";
      ctx.visit(item, {});
      continue;
    }
    if (archive_entry_hardlink(entry) != nullptr) {
      item.kind = Item::Kind::kSymlink;  // a hard link inside a tar: recorded like a link
      item.symlink_target = archive_entry_hardlink(entry);
      ctx.visit(item, {});
      continue;
    }
    if (type != AE_IFREG && type != 0) {
      item.kind = Item::Kind::kSpecial;
      ctx.visit(item, {});
      continue;
    }
    if (archive_entry_is_encrypted(entry)) {
      item.kind = Item::Kind::kError;
      item.encrypted = true;
      item.error = Status::Unsupported("archive member is encrypted; no password");
      ctx.visit(item, {});
      continue;  // next_header skips the data
    }
    if (item.size > ctx.options.max_item_bytes) {
      item.kind = Item::Kind::kError;
      item.error = Status::LimitExceeded("archive member larger than " + std::to_string(ctx.options.max_item_bytes) + " bytes");
      ctx.visit(item, {});
      continue;
    }

    std::vector<uint8_t> data;
    if (item.size > 0) data.reserve(item.size);
    std::vector<uint8_t> chunk(64 * 1024);
    Status problem;
    bool fatal = false;
    while (true) {
      la_ssize_t n = archive_read_data(a, chunk.data(), chunk.size());
      if (n == 0) break;
      if (n < 0) {
        std::string why = archive_error_string(a) ? archive_error_string(a) : "unreadable member";
        if (archive_entry_is_encrypted(entry) || why.find("ncrypt") != std::string::npos ||
            why.find("assphrase") != std::string::npos) {
          item.encrypted = true;
          problem = Status::Unsupported("archive member is encrypted; no password (" + why + ")");
        } else {
          problem = Status::Corrupt("archive member: " + why);
        }
        fatal = n == ARCHIVE_FATAL;
        break;
      }
      budget.expanded += static_cast<uint64_t>(n);
      if (Status s = LimitCheck(ctx.options, budget); !s.ok()) {
        budget.exceeded = true;
        EmitError(ctx, prefix + "/", s);
        return Status::Ok();
      }
      if (data.size() + static_cast<size_t>(n) > ctx.options.max_item_bytes) {
        problem = Status::LimitExceeded("archive member larger than " + std::to_string(ctx.options.max_item_bytes) + " bytes");
        break;
      }
      data.insert(data.end(), chunk.begin(), chunk.begin() + n);
      if (ctx.Stopped()) return Status::Cancelled("visit stopped");
    }
    if (!problem.ok()) {
      item.kind = Item::Kind::kError;
      item.error = problem;
      ctx.visit(item, {});
      if (fatal) return Status::Ok();
      continue;
    }
    item.size = data.size();
    VisitFileBytes(ctx, item, data, depth, &budget);
    if (budget.exceeded) return Status::Ok();
  }
  return Status::Ok();
}

// Reports a file whose bytes are in memory, and walks it when it is an archive.
// `depth` is the archive depth of the file's own container (0: not in an archive).
void VisitFileBytes(const Context& ctx, Item& item, std::span<const uint8_t> bytes, int depth, Budget* budget) {
  bool archive = depth < ctx.options.max_archive_depth && LooksLikeArchive(bytes);
  item.is_container = archive;
  if (!ctx.Skip(item.forensic_path)) ctx.visit(item, bytes);
  if (!archive) return;
  Budget own;
  own.compressed = std::max<uint64_t>(1, bytes.size());
  Budget& b = budget ? *budget : own;
  Status s = WalkArchiveMemory(ctx, bytes, item.forensic_path, depth + 1, b);
  if (s.code() == StatusCode::kUnsupported || s.code() == StatusCode::kCorrupt) {
    EmitError(ctx, item.forensic_path + "/", s);
  }
}

// ---------------------------------------------------------------------------------------------
// Disk images (The Sleuth Kit)

std::string TskError(std::string_view what) {
  const char* e = tsk_error_get();
  std::string msg = std::string(what) + (e && *e ? std::string(": ") + e : "");
  tsk_error_reset();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  return msg;
}

// A TSK image over bytes that Cairn reads itself (a ReadOnlyFile, or memory).
struct ExternalImage {
  TSK_IMG_INFO info;  // first member: TSK treats a pointer to this struct as TSK_IMG_INFO*
  const ReadOnlyFile* file = nullptr;
  std::span<const uint8_t> memory;

  static ssize_t Read(TSK_IMG_INFO* img, TSK_OFF_T off, char* buf, size_t len) {
    auto* self = reinterpret_cast<ExternalImage*>(img);
    if (off < 0) return -1;
    if (self->file != nullptr) {
      Result<size_t> n = self->file->ReadAt(static_cast<uint64_t>(off), {reinterpret_cast<uint8_t*>(buf), len});
      return n.ok() ? static_cast<ssize_t>(*n) : -1;
    }
    uint64_t o = static_cast<uint64_t>(off);
    if (o >= self->memory.size()) return 0;
    size_t n = std::min<size_t>(len, self->memory.size() - o);
    std::memcpy(buf, self->memory.data() + o, n);
    return static_cast<ssize_t>(n);
  }
  static void Close(TSK_IMG_INFO* img) { delete reinterpret_cast<ExternalImage*>(img); }
  static void Stat(TSK_IMG_INFO*, FILE*) {}
};

TSK_IMG_INFO* OpenExternal(const ReadOnlyFile* file, std::span<const uint8_t> memory) {
  auto* ext = new ExternalImage();
  std::memset(&ext->info, 0, sizeof(ext->info));
  ext->file = file;
  ext->memory = memory;
  TSK_OFF_T size = file ? static_cast<TSK_OFF_T>(file->size()) : static_cast<TSK_OFF_T>(memory.size());
  TSK_IMG_INFO* img = tsk_img_open_external(ext, size, 512, &ExternalImage::Read, &ExternalImage::Close,
                                            &ExternalImage::Stat);
  if (img == nullptr) delete ext;
  return img;
}

struct FsWalk {
  const Context* ctx = nullptr;
  std::string prefix;
  bool ntfs = false;
  UniqueNames names;
  Status stopped;
};

std::optional<int64_t> TskTime(time_t t) {
  if (t == 0) return std::nullopt;
  return static_cast<int64_t>(t);
}

TSK_WALK_RET_ENUM FsVisit(TSK_FS_FILE* f, const char* parent, void* self) {
  auto* w = static_cast<FsWalk*>(self);
  const Context& ctx = *w->ctx;
  if (ctx.Stopped()) {
    w->stopped = Status::Cancelled("visit stopped");
    return TSK_WALK_STOP;
  }
  if (f->name == nullptr || f->name->name == nullptr) return TSK_WALK_CONT;
  std::string_view name = f->name->name;
  if (name == "." || name == "..") return TSK_WALK_CONT;
  const TSK_FS_META* meta = f->meta;
  if (f->name->type == TSK_FS_NAME_TYPE_DIR || f->name->type == TSK_FS_NAME_TYPE_VIRT ||
      f->name->type == TSK_FS_NAME_TYPE_VIRT_DIR) {
    return TSK_WALK_CONT;
  }
  if (meta != nullptr && (meta->type == TSK_FS_META_TYPE_DIR || meta->type == TSK_FS_META_TYPE_VIRT ||
                          meta->type == TSK_FS_META_TYPE_VIRT_DIR)) {
    return TSK_WALK_CONT;
  }
  // NTFS system files (MFT entries 0-15: $MFT, $LogFile, $BadClus...; and the $Extend folder:
  // $ObjId, $Quota, $Reparse, $UsnJrnl...) are file-system metadata, not evidence files.
  if (w->ntfs && (f->name->meta_addr < 16 || (parent && std::string_view(parent).rfind("$Extend", 0) == 0))) {
    return TSK_WALK_CONT;
  }

  bool deleted = (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0;
  Item item;
  item.forensic_path = w->names.Take(w->prefix + "/" + (parent ? parent : "") + std::string(name));
  item.deleted = deleted;
  item.inode = static_cast<uint64_t>(f->name->meta_addr);
  if (meta == nullptr) {
    if (!deleted) return TSK_WALK_CONT;
    EmitError(ctx, item.forensic_path, Status::NotFound("deleted entry; its metadata is gone, content not recoverable"),
              true);
    return TSK_WALK_CONT;
  }
  if (deleted && (meta->flags & TSK_FS_META_FLAG_ALLOC) != 0) {
    EmitError(ctx, item.forensic_path,
              Status::NotFound("deleted entry; its metadata now belongs to another file, content not recoverable"),
              true);
    return TSK_WALK_CONT;
  }
  item.size = meta->size > 0 ? static_cast<uint64_t>(meta->size) : 0;
  item.mtime = TskTime(meta->mtime);
  item.atime = TskTime(meta->atime);
  item.ctime = TskTime(meta->ctime);
  item.crtime = TskTime(meta->crtime);
  if (meta->type == TSK_FS_META_TYPE_LNK) {
    item.kind = Item::Kind::kSymlink;
    if (meta->link) item.symlink_target = meta->link;
    ctx.visit(item, {});
    return TSK_WALK_CONT;
  }
  if (meta->type != TSK_FS_META_TYPE_REG && meta->type != TSK_FS_META_TYPE_UNDEF) {
    item.kind = Item::Kind::kSpecial;
    ctx.visit(item, {});
    return TSK_WALK_CONT;
  }
  if (item.size > ctx.options.max_item_bytes) {
    item.kind = Item::Kind::kError;
    item.error = Status::LimitExceeded("file larger than " + std::to_string(ctx.options.max_item_bytes) + " bytes");
    ctx.visit(item, {});
    return TSK_WALK_CONT;
  }
  std::vector<uint8_t> data(item.size);
  uint64_t done = 0;
  while (done < item.size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, item.size - done));
    ssize_t n = tsk_fs_file_read(f, static_cast<TSK_OFF_T>(done), reinterpret_cast<char*>(data.data() + done), want,
                                 TSK_FS_FILE_READ_FLAG_NONE);
    if (n <= 0) {
      item.kind = Item::Kind::kError;
      item.error = Status::Corrupt(TskError(deleted ? "deleted file content not recoverable" : "file content unreadable"));
      ctx.visit(item, {});
      return TSK_WALK_CONT;
    }
    done += static_cast<uint64_t>(n);
  }
  VisitFileBytes(ctx, item, data, 0, nullptr);
  if (ctx.Stopped()) {
    w->stopped = Status::Cancelled("visit stopped");
    return TSK_WALK_STOP;
  }
  return TSK_WALK_CONT;
}

Status WalkFileSystem(const Context& ctx, TSK_FS_INFO* fsi, const std::string& prefix) {
  FsWalk w;
  w.ctx = &ctx;
  w.prefix = prefix;
  w.ntfs = TSK_FS_TYPE_ISNTFS(fsi->ftype);
  int flags = TSK_FS_DIR_WALK_FLAG_ALLOC | TSK_FS_DIR_WALK_FLAG_UNALLOC | TSK_FS_DIR_WALK_FLAG_RECURSE |
              TSK_FS_DIR_WALK_FLAG_NOORPHAN;
  uint8_t r = tsk_fs_dir_walk(fsi, fsi->root_inum, static_cast<TSK_FS_DIR_WALK_FLAG_ENUM>(flags), &FsVisit, &w);
  if (!w.stopped.ok()) return w.stopped;
  if (r != 0) EmitError(ctx, prefix + "/", Status::Corrupt(TskError("file system walk failed")));
  return Status::Ok();
}

// Walks the partitions / file system of an opened image. kUnsupported when TSK finds neither.
Status WalkImage(const Context& ctx, TSK_IMG_INFO* img, const std::string& prefix) {
  TSK_VS_INFO* vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT);
  if (vs != nullptr) {
    int n = 0;
    Status result;
    for (TSK_PNUM_T i = 0; i < vs->part_count && result.ok(); ++i) {
      const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs, i);
      if (part == nullptr || (part->flags & TSK_VS_PART_FLAG_ALLOC) == 0) continue;
      std::string p = prefix + "/p" + std::to_string(++n);
      TSK_FS_INFO* fsi = tsk_fs_open_vol(part, TSK_FS_TYPE_DETECT);
      if (fsi == nullptr) {
        EmitError(ctx, p + "/", Status::Unsupported(TskError("partition " + std::to_string(n) + " (" +
                                                             (part->desc ? part->desc : "?") +
                                                             "): no file system Cairn can read")));
        continue;
      }
      result = WalkFileSystem(ctx, fsi, p);
      tsk_fs_close(fsi);
    }
    tsk_vs_close(vs);
    return result;
  }
  tsk_error_reset();
  TSK_FS_INFO* fsi = tsk_fs_open_img(img, 0, TSK_FS_TYPE_DETECT);
  if (fsi == nullptr) return Status::Unsupported(TskError("no partition table or file system"));
  Status result = WalkFileSystem(ctx, fsi, prefix);
  tsk_fs_close(fsi);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Local files and folders

void LocalTimes(const fs::path& path, Item& item) {
  struct statx stx {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &stx) != 0) return;
  item.size = stx.stx_size;
  item.mtime = stx.stx_mtime.tv_sec;
  item.atime = stx.stx_atime.tv_sec;
  item.ctime = stx.stx_ctime.tv_sec;
  if (stx.stx_mask & STATX_BTIME) item.crtime = stx.stx_btime.tv_sec;
  item.inode = stx.stx_ino;
}

Result<Sha256> Sha256OfLocal(const ReadOnlyFile& file) {
  Sha256Digester d;
  std::vector<uint8_t> buf(kChunk);
  uint64_t pos = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, file.ReadAt(pos, buf));
    if (n == 0) break;
    d.Update({buf.data(), n});
    pos += n;
  }
  return d.Finish();
}

// A local archive too large to hold in memory: streamed from the file.
void WalkLocalArchive(const Context& ctx, ReadOnlyFile& file, const std::string& path) {
  Result<Sha256> sha = Sha256OfLocal(file);
  if (!sha.ok()) {
    EmitError(ctx, path + "/", sha.status());
    return;
  }
  FileSource src{&file};
  ArchivePtr a = NewReader();
  archive_read_set_read_callback(a.get(), &FileSource::Read);
  archive_read_set_seek_callback(a.get(), &FileSource::Seek);
  archive_read_set_skip_callback(a.get(), &FileSource::Skip);
  archive_read_set_callback_data(a.get(), &src);
  Status s;
  if (archive_read_open1(a.get()) != ARCHIVE_OK) {
    s = Status::Unsupported(std::string("archive: ") + (archive_error_string(a.get()) ?: "cannot open"));
  } else {
    Budget b;
    b.compressed = std::max<uint64_t>(1, file.size());
    s = WalkArchive(ctx, a.get(), path, 1, sha->ToHex(), b);
  }
  if (s.code() == StatusCode::kUnsupported || s.code() == StatusCode::kCorrupt) EmitError(ctx, path + "/", s);
}

// One regular file on the local file system: plain, archive or disk image.
Status VisitLocalFile(const Context& ctx, const fs::path& path, const std::string& forensic, bool top_level) {
  Item item;
  item.forensic_path = forensic;
  item.local_path = path;
  LocalTimes(path, item);
  Result<ReadOnlyFile> opened = ReadOnlyFile::Open(path);
  if (!opened.ok()) {
    EmitError(ctx, forensic, opened.status());
    return Status::Ok();
  }
  ReadOnlyFile& file = *opened;
  item.size = file.size();
  std::array<uint8_t, 512> head{};
  Result<size_t> got = file.ReadAt(0, head);
  if (!got.ok()) {
    EmitError(ctx, forensic, got.status());
    return Status::Ok();
  }
  std::span<const uint8_t> h(head.data(), *got);

  // Disk images: E01 by signature; raw images by name, or any sizeable file given as evidence.
  bool ewf = LooksLikeEwf(h);
  bool archive = !ewf && LooksLikeArchive(h) && ctx.options.max_archive_depth > 0;
  if (ewf || (!archive && (HasImageExtension(path.filename().native()) || top_level) && item.size >= 4096)) {
    TSK_IMG_INFO* img = nullptr;
    if (ewf) {
      img = tsk_img_open_utf8_sing(path.c_str(), TSK_IMG_TYPE_EWF_EWF, 0);
    } else {
      img = OpenExternal(&file, {});
    }
    if (img == nullptr) {
      if (ewf) {
        item.is_container = true;
        ctx.visit(item, {});
        EmitError(ctx, forensic + "/", Status::Corrupt(TskError("E01 image cannot be opened")));
        return Status::Ok();
      }
    } else {
      // Probe first so that a plain file given as evidence stays a plain file.
      TSK_VS_INFO* vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT);
      TSK_FS_INFO* fsi = vs ? nullptr : tsk_fs_open_img(img, 0, TSK_FS_TYPE_DETECT);
      bool image = vs != nullptr || fsi != nullptr;
      if (vs) tsk_vs_close(vs);
      if (fsi) tsk_fs_close(fsi);
      tsk_error_reset();
      if (image || ewf) {
        item.is_container = true;
        if (!ctx.Skip(forensic)) ctx.visit(item, {});
        Status s = WalkImage(ctx, img, forensic);
        tsk_img_close(img);
        if (s.code() == StatusCode::kCancelled) return s;
        if (!s.ok()) EmitError(ctx, forensic + "/", s);
        return Status::Ok();
      }
      tsk_img_close(img);
    }
  }

  if (archive && (item.size > ctx.options.max_item_bytes || !ctx.options.read_plain_files)) {
    // Too large to hold, or the scan streams local files itself: reported without bytes, its
    // members streamed from the file.
    item.is_container = true;
    if (!ctx.Skip(forensic)) ctx.visit(item, {});
    WalkLocalArchive(ctx, file, forensic);
    return ctx.Stopped() ? Status::Cancelled("visit stopped") : Status::Ok();
  }
  if (!archive && !ctx.options.read_plain_files) {
    if (!ctx.Skip(forensic)) ctx.visit(item, {});
    return Status::Ok();
  }
  if (!archive && ctx.Skip(forensic)) return Status::Ok();
  if (item.size > ctx.options.max_item_bytes) {
    item.kind = Item::Kind::kError;
    item.error = Status::LimitExceeded("file larger than " + std::to_string(ctx.options.max_item_bytes) +
                                       " bytes; read it through local_path");
    ctx.visit(item, {});
    return Status::Ok();
  }
  std::vector<uint8_t> data(item.size);
  uint64_t done = 0;
  while (done < data.size()) {
    Result<size_t> n = file.ReadAt(done, {data.data() + done, data.size() - done});
    if (!n.ok()) {
      EmitError(ctx, forensic, n.status());
      return Status::Ok();
    }
    if (*n == 0) break;
    done += *n;
  }
  data.resize(done);
  item.size = done;
  VisitFileBytes(ctx, item, data, 0, nullptr);
  return ctx.Stopped() ? Status::Cancelled("visit stopped") : Status::Ok();
}

std::string Label(const fs::path& path) {
  fs::path p = path;
  while (p.has_relative_path() && !p.has_filename()) p = p.parent_path();
  std::string name = p.filename().native();
  if (name.empty() || name == "." || name == "..") name = "evidence";
  return name;
}

std::string ForensicPath(const std::string& label, const fs::path& root, const fs::path& found) {
  const std::string& r = root.native();
  const std::string& p = found.native();
  if (p == r) return label;
  if (p.size() > r.size() && p.compare(0, r.size(), r) == 0) {
    size_t cut = r.size();
    while (cut < p.size() && p[cut] == '/') ++cut;
    return label + "/" + p.substr(cut);
  }
  return label + "/" + p;
}

}  // namespace

bool LooksLikeArchive(std::span<const uint8_t> h) {
  return StartsWith(h, 0, "PK\x03\x04") || StartsWith(h, 0, "PK\x05\x06") || StartsWith(h, 0, "PK\x07\x08") ||
         StartsWith(h, 0, std::string_view("7z\xBC\xAF\x27\x1C", 6)) || StartsWith(h, 0, "Rar!\x1A\x07") ||
         StartsWith(h, 0, "\x1F\x8B") || StartsWith(h, 0, "BZh") ||
         StartsWith(h, 0, std::string_view("\xFD" "7zXZ\x00", 6)) || StartsWith(h, 257, "ustar") ||
         StartsWith(h, 0, "MSCF") || StartsWith(h, 0, "070707") || StartsWith(h, 0, "070701") ||
         StartsWith(h, 0, "070702") || StartsWith(h, 0, "!<arch>\n") ||
         StartsWith(h, 0, std::string_view("\x28\xB5\x2F\xFD", 4));
}

std::string_view ItemKindName(Item::Kind kind) {
  switch (kind) {
    case Item::Kind::kFile: return "file";
    case Item::Kind::kSymlink: return "symlink";
    case Item::Kind::kSpecial: return "special";
    case Item::Kind::kError: return "error";
  }
  return "error";
}

Status VisitArchiveBytes(std::span<const uint8_t> bytes, std::string_view forensic_prefix,
                         const SourceOptions& options, const ItemVisitor& visit) {
  Context ctx{options, visit};
  Budget b;
  b.compressed = std::max<uint64_t>(1, bytes.size());
  return WalkArchiveMemory(ctx, bytes, std::string(forensic_prefix), 1, b);
}

Status VisitDiskImageBytes(std::span<const uint8_t> bytes, std::string_view forensic_prefix,
                           const SourceOptions& options, const ItemVisitor& visit) {
  Context ctx{options, visit};
  TSK_IMG_INFO* img = OpenExternal(nullptr, bytes);
  if (img == nullptr) return Status::Internal(TskError("cannot open image"));
  Status s = WalkImage(ctx, img, std::string(forensic_prefix));
  tsk_img_close(img);
  return s;
}

Status VisitEvidence(const fs::path& path, const SourceOptions& options, const ItemVisitor& visit) {
  Context ctx{options, visit};
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return Status::NotFound("evidence " + path.string() + ": " + std::strerror(errno));
  }
  const std::string label = Label(path);
  if (S_ISREG(st.st_mode)) return VisitLocalFile(ctx, path, label, /*top_level=*/true);

  Status result;
  WalkPath(path, [&](const WalkEntry& e) {
    if (!result.ok()) return;
    if (ctx.Stopped()) {
      result = Status::Cancelled("visit stopped");
      return;
    }
    std::string forensic = ForensicPath(label, path, e.path);
    Item item;
    item.forensic_path = forensic;
    item.local_path = e.path;
    switch (e.kind) {
      case WalkEntry::Kind::kFile:
        result = VisitLocalFile(ctx, e.path, forensic, /*top_level=*/false);
        return;
      case WalkEntry::Kind::kSymlink:
        item.kind = Item::Kind::kSymlink;
        item.symlink_target = e.symlink_target;
        LocalTimes(e.path, item);
        item.size = 0;
        break;
      case WalkEntry::Kind::kSpecial:
        item.kind = Item::Kind::kSpecial;
        LocalTimes(e.path, item);
        item.size = 0;
        break;
      case WalkEntry::Kind::kError:
        item.kind = Item::Kind::kError;
        item.error = e.error;
        break;
    }
    ctx.visit(item, {});
  });
  return result;
}

}  // namespace cairn::evidence

// ---------------------------------------------------------------------------------------------
// E01 verification (libewf)

namespace cairn::evidence {
namespace {

std::string EwfErrorText(libewf_error_t* error, std::string_view what) {
  std::string msg(what);
  if (error != nullptr) {
    std::array<char, 1024> text{};
    if (libewf_error_sprint(error, text.data(), text.size()) > 0) msg += std::string(": ") + text.data();
    libewf_error_free(&error);
  }
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  return msg;
}

}  // namespace

Result<EwfVerification> VerifyEwf(const std::filesystem::path& path) {
  {
    Result<ReadOnlyFile> f = ReadOnlyFile::Open(path);
    if (!f.ok()) return f.status();
    std::array<uint8_t, 8> head{};
    Result<size_t> n = f->ReadAt(0, head);
    if (!n.ok()) return n.status();
    if (!LooksLikeEwf({head.data(), *n})) return Status::InvalidArgument(path.string() + ": not an E01 (EWF) image");
  }
  libewf_error_t* error = nullptr;
  char** names = nullptr;
  int count = 0;
  const std::string p = path.string();
  if (libewf_glob(p.c_str(), p.size(), LIBEWF_FORMAT_UNKNOWN, &names, &count, &error) != 1) {
    return Status::Corrupt(EwfErrorText(error, p + ": E01 segments not found"));
  }
  libewf_handle_t* handle = nullptr;
  Status status;
  EwfVerification v;
  if (libewf_handle_initialize(&handle, &error) != 1) {
    status = Status::Internal(EwfErrorText(error, "libewf"));
  } else if (libewf_handle_open(handle, names, count, LIBEWF_OPEN_READ, &error) != 1) {
    status = Status::Corrupt(EwfErrorText(error, p + ": E01 cannot be opened"));
  } else {
    size64_t media = 0;
    if (libewf_handle_get_media_size(handle, &media, &error) != 1) {
      status = Status::Corrupt(EwfErrorText(error, p + ": E01 media size"));
    } else {
      v.media_bytes = media;
      MultiDigester digester;
      std::vector<uint8_t> buf(kChunk);
      uint64_t done = 0;
      while (done < media && status.ok()) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), media - done));
        ssize_t n = libewf_handle_read_buffer(handle, buf.data(), want, &error);
        if (n <= 0) {
          status = Status::Corrupt(EwfErrorText(error, p + ": E01 media unreadable at byte " + std::to_string(done)));
          break;
        }
        digester.Update({buf.data(), static_cast<size_t>(n)});
        done += static_cast<uint64_t>(n);
      }
      if (status.ok()) {
        FileDigests d = digester.Finish();
        v.computed_md5 = d.md5.ToHex();
        v.computed_sha1 = d.sha1.ToHex();
        v.computed_sha256 = d.sha256.ToHex();
        Md5 md5;
        Sha1 sha1;
        if (libewf_handle_get_md5_hash(handle, md5.bytes.data(), md5.bytes.size(), &error) == 1) v.stored_md5 = md5.ToHex();
        if (error) libewf_error_free(&error);
        if (libewf_handle_get_sha1_hash(handle, sha1.bytes.data(), sha1.bytes.size(), &error) == 1) {
          v.stored_sha1 = sha1.ToHex();
        }
        if (error) libewf_error_free(&error);
        uint32_t checksum_errors = 0;
        if (libewf_handle_get_number_of_checksum_errors(handle, &checksum_errors, &error) == 1) {
          v.checksum_errors = checksum_errors;
        }
        if (error) libewf_error_free(&error);
        v.verified = (!v.stored_md5.empty() || !v.stored_sha1.empty()) && v.checksum_errors == 0 &&
                     (v.stored_md5.empty() || v.stored_md5 == v.computed_md5) &&
                     (v.stored_sha1.empty() || v.stored_sha1 == v.computed_sha1);
      }
    }
    libewf_handle_close(handle, nullptr);
  }
  if (handle) libewf_handle_free(&handle, nullptr);
  libewf_glob_free(names, count, nullptr);
  if (!status.ok()) return status;
  return v;
}

std::string_view EwfVerdict(const EwfVerification& v) {
  if (v.verified) return "verified";
  if ((!v.stored_md5.empty() && v.stored_md5 != v.computed_md5) ||
      (!v.stored_sha1.empty() && v.stored_sha1 != v.computed_sha1)) {
    return "mismatch";
  }
  if (v.checksum_errors > 0) return "damaged";
  return "no-stored-digest";
}

}  // namespace cairn::evidence
