#include "cairn/scan/file_hasher.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "cairn/core/file.h"

namespace cairn::scan {
namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kSniffBytes = 64;

class Stopwatch {
 public:
  explicit Stopwatch(std::chrono::nanoseconds& sink)
      : sink_(sink), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() { sink_ += std::chrono::steady_clock::now() - start_; }

 private:
  std::chrono::nanoseconds& sink_;
  std::chrono::steady_clock::time_point start_;
};

// A read-only private mapping of a whole file, opened with O_NOATIME where allowed (as
// ReadOnlyFile), so a video is decoded from the page cache without a heap copy.
class ReadOnlyMapping {
 public:
  static Result<ReadOnlyMapping> Open(const std::filesystem::path& path) {
    constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW;
    int fd = ::open(path.c_str(), kFlags | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), kFlags);
    if (fd < 0) return Status::IoError(path.string() + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::IoError(path.string() + ": not a regular file");
    }
    ReadOnlyMapping m;
    m.size_ = static_cast<size_t>(st.st_size);
    if (m.size_ > 0) {
      void* p = ::mmap(nullptr, m.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        return Status::IoError(path.string() + ": cannot map: " + std::strerror(err));
      }
      m.data_ = static_cast<const uint8_t*>(p);
      (void)::madvise(p, m.size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
    return m;
  }
  ReadOnlyMapping() = default;
  ReadOnlyMapping(ReadOnlyMapping&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  ReadOnlyMapping& operator=(ReadOnlyMapping&&) = delete;
  ~ReadOnlyMapping() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

bool IsVideo(media::MediaType type) {
  using media::MediaType;
  switch (type) {
    case MediaType::kMp4:
    case MediaType::kQuickTime:
    case MediaType::k3gp:
    case MediaType::kAvi:
    case MediaType::kMatroska:
    case MediaType::kWebm:
      return true;
    default:
      return false;
  }
}

FileHasher::FileHasher(HashOptions options) : options_(options) {
  if (options_.fast) options_.decode.jpeg_min_dimension = kFastJpegMinDimension;
}

FileHashRecord FileHasher::HashFile(const std::filesystem::path& path) {
  FileHashRecord record;
  record.path = path;
  Result<ReadOnlyFile> opened = ReadOnlyFile::Open(path);
  if (!opened.ok()) {
    record.error = opened.status();
    return record;
  }
  ReadOnlyFile& file = *opened;
  record.size = file.size();

  std::array<uint8_t, kSniffBytes> head{};
  Result<size_t> head_len = file.ReadAt(0, head);
  if (!head_len.ok()) {
    record.error = head_len.status();
    return record;
  }
  record.media_type = media::SniffMediaType(std::span(head).first(*head_len));

  // Images are read whole (the decoder needs every byte); everything else streams through the
  // digester in fixed chunks, so a 50 GB file costs one read and 1 MiB of memory.
  const bool whole = media::IsDecodableImage(record.media_type) &&
                     record.size <= options_.max_image_bytes;
  buffer_.resize(whole ? record.size : kChunk);
  uint64_t offset = 0;
  for (;;) {
    const std::span<uint8_t> dest = whole ? std::span(buffer_).subspan(offset) : std::span(buffer_);
    if (dest.empty()) break;
    Result<size_t> n = [&] {
      Stopwatch sw(times_.read);
      return file.ReadAt(offset, dest);
    }();
    if (!n.ok()) {
      record.error = n.status().WithContext("at byte " + std::to_string(offset));
      digester_.Finish();  // discard the partial stream
      return record;
    }
    if (*n == 0) break;
    Stopwatch sw(times_.digest);
    digester_.Update(dest.first(*n));
    offset += *n;
  }
  record.size = offset;  // what was read: differs from fstat only for a file changing under us
  if (whole) buffer_.resize(offset);
  {
    Stopwatch sw(times_.digest);
    record.digests = digester_.Finish();
  }
  if (whole) {
    HashImage(buffer_, record);
  } else if (options_.video && IsVideo(record.media_type)) {
    Result<ReadOnlyMapping> mapped = ReadOnlyMapping::Open(path);
    if (!mapped.ok()) {
      record.error = mapped.status();
    } else if (mapped->bytes().size() != record.size) {
      record.error = Status::IoError(path.string() + ": file changed size while being read");
    } else {
      HashVideo(mapped->bytes(), record);
    }
  } else if (media::IsDecodableImage(record.media_type)) {
    record.error = Status::LimitExceeded("image file is " + std::to_string(record.size) +
                                         " bytes, over the decode limit of " +
                                         std::to_string(options_.max_image_bytes));
  }
  return record;
}

FileHashRecord FileHasher::HashBytes(const std::filesystem::path& path,
                                     std::span<const uint8_t> bytes) {
  FileHashRecord record;
  record.path = path;
  record.size = bytes.size();
  record.media_type = media::SniffMediaType(bytes.first(std::min(bytes.size(), kSniffBytes)));
  {
    Stopwatch sw(times_.digest);
    digester_.Update(bytes);
    record.digests = digester_.Finish();
  }
  if (media::IsDecodableImage(record.media_type)) {
    HashImage(bytes, record);
  } else if (options_.video && IsVideo(record.media_type)) {
    HashVideo(bytes, record);
  }
  return record;
}

void FileHasher::HashVideo(std::span<const uint8_t> bytes, FileHashRecord& record) {
  Stopwatch sw(times_.video);
  Result<std::vector<video::FrameHash>> frames =
      video::HashVideo(bytes, options_.video_options, record.path.string());
  if (!frames.ok()) {
    // An audio-only MP4/M4A, WebM or Matroska file is not a video: no frames and no error. (A
    // video stream Cairn cannot decode stays an error: its content was not checked.)
    const Status& s = frames.status();
    if (s.code() == StatusCode::kUnsupported && s.message().ends_with(": no video stream")) return;
    record.error = s;
    return;
  }
  record.video_frames = std::move(*frames);
}

void FileHasher::HashImage(std::span<const uint8_t> bytes, FileHashRecord& record) {
  Result<media::DecodedImage> decoded = [&] {
    Stopwatch sw(times_.decode);
    return media::DecodeImage(bytes, options_.decode);
  }();
  if (!decoded.ok()) {
    record.error = decoded.status();
    return;
  }
  const media::RgbImage& image = decoded->image;
  record.width = image.width;
  record.height = image.height;
  Stopwatch sw(times_.pdq);
  if (options_.dihedral) {
    Result<pdq::DihedralHashes> d = pdq_.HashDihedral(image.pixels, image.width, image.height);
    if (!d.ok()) {
      record.error = d.status();
      return;
    }
    record.pdq_dihedral = d->hashes;
    // The reference skips the blur for an image of exactly 64x64 in its plain hash but not in
    // the dihedral one; `pdq` always follows the plain hash so it never depends on --dihedral.
    if (image.width != 64 || image.height != 64) {
      record.pdq = pdq::PdqHash{d->hashes[0], d->quality};
      return;
    }
  }
  {
    Result<pdq::PdqHash> h = pdq_.Hash(image.pixels, image.width, image.height);
    if (!h.ok()) {
      record.error = h.status();
      return;
    }
    record.pdq = *h;
  }
}

}  // namespace cairn::scan
