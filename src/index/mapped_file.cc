#include "cairn/index/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace cairn::index {
namespace {

Status ErrnoStatus(int err, const std::filesystem::path& path, std::string_view what) {
  std::string msg = path.string();
  msg += ": ";
  msg += what;
  msg += ": ";
  msg += std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IoError(std::move(msg));
}

int AdviceFor(AccessPattern pattern) {
  switch (pattern) {
    case AccessPattern::kRandom: return MADV_RANDOM;
    case AccessPattern::kSequential: return MADV_SEQUENTIAL;
    case AccessPattern::kWillNeed: return MADV_WILLNEED;
    case AccessPattern::kNormal: break;
  }
  return MADV_NORMAL;
}

}  // namespace

Result<MappedFile> MappedFile::Open(const std::filesystem::path& path, AccessPattern pattern) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, path, "cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus(err, path, "cannot stat");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path.string() + ": not a regular file");
  }
  MappedFile file;
  file.path_ = path;
  file.size_ = static_cast<uint64_t>(st.st_size);
  if (file.size_ > 0) {
    void* p = ::mmap(nullptr, file.size_, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(err, path, "cannot mmap");
    }
    file.data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);  // the mapping keeps its own reference
  file.Advise(pattern);
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      path_(std::move(other.path_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    path_ = std::move(other.path_);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

void MappedFile::Advise(AccessPattern pattern) const {
  if (data_ != nullptr) (void)::madvise(const_cast<uint8_t*>(data_), size_, AdviceFor(pattern));
}

SharedBytes SharedBytes::FromVector(std::vector<uint8_t> bytes) {
  auto owner = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  std::span<const uint8_t> view(owner->data(), owner->size());
  return SharedBytes(view, std::move(owner));
}

SharedBytes SharedBytes::FromMappedFile(MappedFile file) {
  auto owner = std::make_shared<const MappedFile>(std::move(file));
  const std::span<const uint8_t> view = owner->bytes();
  return SharedBytes(view, std::move(owner));
}

namespace {
// An anonymous read-only mapping, unmapped when the last SharedBytes using it goes.
class AnonymousMapping {
 public:
  AnonymousMapping(void* base, size_t length) : base_(base), length_(length) {}
  AnonymousMapping(const AnonymousMapping&) = delete;
  AnonymousMapping& operator=(const AnonymousMapping&) = delete;
  ~AnonymousMapping() { ::munmap(base_, length_); }

 private:
  void* base_;
  size_t length_;
};
}  // namespace

Result<SharedBytes> SharedBytes::CopyToHugePages(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return FromVector({});
  constexpr size_t kHugePage = size_t{2} << 20;
  // Over-allocate so the copy can start on a 2 MiB boundary (huge pages need aligned ranges).
  const size_t length = (bytes.size() + kHugePage - 1) / kHugePage * kHugePage + kHugePage;
  void* base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    return Status::LimitExceeded("cannot allocate " + std::to_string(bytes.size()) +
                                 " bytes for an in-memory index: " + std::strerror(errno));
  }
  auto owner = std::make_shared<const AnonymousMapping>(base, length);
  const uintptr_t start = (reinterpret_cast<uintptr_t>(base) + kHugePage - 1) & ~(kHugePage - 1);
  auto* data = reinterpret_cast<uint8_t*>(start);
  (void)::madvise(data, length - (start - reinterpret_cast<uintptr_t>(base)), MADV_HUGEPAGE);
  std::memcpy(data, bytes.data(), bytes.size());
  (void)::mprotect(base, length, PROT_READ);
  return SharedBytes({data, bytes.size()}, std::move(owner));
}

Result<SharedBytes> SharedBytes::Slice(uint64_t offset, uint64_t size) const {
  if (offset > bytes_.size() || size > bytes_.size() - offset) {
    return Status::Corrupt("byte range " + std::to_string(offset) + "+" + std::to_string(size) +
                           " is outside " + std::to_string(bytes_.size()) + " bytes");
  }
  return SharedBytes(bytes_.subspan(offset, size), owner_);
}

Result<AtomicFileWriter> AtomicFileWriter::Create(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string name = path.filename().string();
  name.insert(0, 1, '.');
  name.append(".tmp-XXXXXX");
  const std::string templ = (dir / name).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  const int fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, path, "cannot create temporary file");
  return AtomicFileWriter(fd, path, std::filesystem::path(buf.data()));
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      offset_(other.offset_),
      committed_(std::exchange(other.committed_, true)) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFileWriter::Append(std::span<const uint8_t> bytes) {
  if (fd_ < 0) return Status::InvalidArgument(path_.string() + ": writer is already finished");
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, path_, "cannot write");
    }
    bytes = bytes.subspan(static_cast<size_t>(n));
    offset_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status AtomicFileWriter::PadTo(uint64_t alignment) {
  static constexpr uint8_t kZeros[64] = {};
  while (alignment > 1 && offset_ % alignment != 0) {
    const uint64_t need = alignment - offset_ % alignment;
    CAIRN_RETURN_IF_ERROR(Append({kZeros, static_cast<size_t>(std::min<uint64_t>(need, 64))}));
  }
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return Status::InvalidArgument(path_.string() + ": writer is already finished");
  if (::fsync(fd_) != 0) return ErrnoStatus(errno, path_, "cannot fsync");
  if (::close(std::exchange(fd_, -1)) != 0) return ErrnoStatus(errno, path_, "cannot close");
  if (::rename(temp_.c_str(), path_.c_str()) != 0) return ErrnoStatus(errno, path_, "cannot rename");
  committed_ = true;
  std::filesystem::path dir = path_.parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    const int rc = ::fsync(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0) return ErrnoStatus(err, dir, "cannot fsync folder");
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  CAIRN_ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Create(path));
  CAIRN_RETURN_IF_ERROR(writer.Append(bytes));
  return writer.Commit();
}

}  // namespace cairn::index
