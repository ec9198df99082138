// vPDQ hashing with libav. The sampling, the frame numbering (codec frame counter - 1), the
// timestamp (frame / avg_frame_rate) and the RGB24 conversion (swscale, SWS_AREA, destination
// = the stream's codec parameters size) follow facebook/ThreatExchange vpdq/cpp
// hashing/filehasher.cpp and ffmpegwrapper.h; this is an independent implementation.
#include "cairn/video/vpdq.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include "cairn/pdq/pdq.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

namespace cairn::video {
namespace {

constexpr int kIoBufferSize = 1 << 16;

// Random-access byte source behind the custom AVIOContext: memory, or an open file.
class Source {
 public:
  virtual ~Source() = default;
  virtual int Read(uint8_t* buf, int size) = 0;  // bytes read, 0 at the end, <0 on error
  virtual int64_t Seek(int64_t offset, int whence) = 0;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  int Read(uint8_t* buf, int size) override {
    size_t n = std::min<size_t>(static_cast<size_t>(size), bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return static_cast<int>(n);
  }
  int64_t Seek(int64_t offset, int whence) override {
    int64_t base = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case AVSEEK_SIZE: return static_cast<int64_t>(bytes_.size());
      case SEEK_SET: base = 0; break;
      case SEEK_CUR: base = static_cast<int64_t>(pos_); break;
      case SEEK_END: base = static_cast<int64_t>(bytes_.size()); break;
      default: return AVERROR(EINVAL);
    }
    int64_t target = base + offset;
    if (target < 0 || target > static_cast<int64_t>(bytes_.size())) return AVERROR(EINVAL);
    pos_ = static_cast<size_t>(target);
    return target;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

class FileSource final : public Source {
 public:
  explicit FileSource(std::FILE* f) : f_(f) {
    if (std::fseek(f_, 0, SEEK_END) == 0) size_ = std::ftell(f_);
    std::fseek(f_, 0, SEEK_SET);
  }
  ~FileSource() override { std::fclose(f_); }
  int Read(uint8_t* buf, int size) override {
    size_t n = std::fread(buf, 1, static_cast<size_t>(size), f_);
    if (n == 0 && std::ferror(f_)) return AVERROR(EIO);
    return static_cast<int>(n);
  }
  int64_t Seek(int64_t offset, int whence) override {
    int w = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case AVSEEK_SIZE: return size_;
      case SEEK_SET: w = SEEK_SET; break;
      case SEEK_CUR: w = SEEK_CUR; break;
      case SEEK_END: w = SEEK_END; break;
      default: return AVERROR(EINVAL);
    }
    if (std::fseek(f_, offset, w) != 0) return AVERROR(EINVAL);
    return std::ftell(f_);
  }

 private:
  std::FILE* f_;
  int64_t size_ = -1;
};

int ReadPacketCallback(void* opaque, uint8_t* buf, int size) {
  int n = static_cast<Source*>(opaque)->Read(buf, size);
  return n == 0 ? AVERROR_EOF : n;
}
int64_t SeekCallback(void* opaque, int64_t offset, int whence) {
  return static_cast<Source*>(opaque)->Seek(offset, whence);
}
// Demuxers that reference other files or URLs (HLS, concat, ...) get nothing.
int RefuseNestedOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

std::string AvError(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

struct IoDeleter {
  void operator()(AVIOContext* p) const {
    if (p) {
      av_freep(&p->buffer);
      avio_context_free(&p);
    }
  }
};
struct FormatDeleter {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};

class Decoder {
 public:
  Decoder(Source* source, const VideoOptions& options, std::string_view name)
      : source_(source), options_(options), name_(name) {}

  Result<std::vector<FrameHash>> Run() {
    av_log_set_level(AV_LOG_QUIET);
    CAIRN_RETURN_IF_ERROR(Open());
    std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
    if (!packet) return Status::Internal(name_ + ": out of memory");
    while (true) {
      int err = av_read_frame(format_.get(), packet.get());
      if (err == AVERROR_EOF) break;
      if (err < 0) return Status::Corrupt(name_ + ": cannot read a packet: " + AvError(err));
      if (packet->stream_index == stream_index_) {
        Status s = Send(packet.get());
        av_packet_unref(packet.get());
        CAIRN_RETURN_IF_ERROR(s);
      } else {
        av_packet_unref(packet.get());
      }
    }
    CAIRN_RETURN_IF_ERROR(Send(nullptr));  // flush
    if (decoded_ == 0) return Status::Corrupt(name_ + ": no frame could be decoded");
    if (expected_frames_ > 0 && decoded_ < expected_frames_) {
      return Status::Corrupt(name_ + ": truncated: decoded " + std::to_string(decoded_) +
                             " of " + std::to_string(expected_frames_) + " frames");
    }
    return std::move(out_);
  }

 private:
  Status Open() {
    auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferSize));
    if (!buffer) return Status::Internal(name_ + ": out of memory");
    io_.reset(avio_alloc_context(buffer, kIoBufferSize, 0, source_, &ReadPacketCallback, nullptr,
                                 &SeekCallback));
    if (!io_) {
      av_free(buffer);
      return Status::Internal(name_ + ": out of memory");
    }
    AVFormatContext* fmt = avformat_alloc_context();
    if (!fmt) return Status::Internal(name_ + ": out of memory");
    fmt->pb = io_.get();
    fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    fmt->io_open = &RefuseNestedOpen;
    int err = avformat_open_input(&fmt, nullptr, nullptr, nullptr);  // frees fmt on failure
    if (err < 0) return Status::Corrupt(name_ + ": not a readable video: " + AvError(err));
    format_.reset(fmt);
    err = avformat_find_stream_info(format_.get(), nullptr);
    if (err < 0) return Status::Corrupt(name_ + ": no stream information: " + AvError(err));
    for (unsigned i = 0; i < format_->nb_streams; ++i) {
      if (format_->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
        stream_index_ = static_cast<int>(i);
        break;
      }
    }
    if (stream_index_ < 0) return Status::Unsupported(name_ + ": no video stream");
    AVStream* stream = format_->streams[stream_index_];
    const AVCodecParameters* par = stream->codecpar;
    width_ = par->width;
    height_ = par->height;
    if (width_ <= 0 || height_ <= 0) return Status::Corrupt(name_ + ": video size is 0");
    if (static_cast<uint64_t>(width_) * static_cast<uint64_t>(height_) > options_.max_pixels) {
      return Status::LimitExceeded(name_ + ": frame of " + std::to_string(width_) + "x" +
                                   std::to_string(height_) + " exceeds the pixel limit");
    }
    expected_frames_ = stream->nb_frames > 0 ? static_cast<uint64_t>(stream->nb_frames) : 0;
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (!codec) return Status::Unsupported(name_ + ": no decoder for the video codec");
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_) return Status::Internal(name_ + ": out of memory");
    if (avcodec_parameters_to_context(codec_.get(), par) < 0) {
      return Status::Corrupt(name_ + ": bad codec parameters");
    }
    codec_->thread_count = 1;
    err = avcodec_open2(codec_.get(), codec, nullptr);
    if (err < 0) return Status::Corrupt(name_ + ": cannot open the decoder: " + AvError(err));
    AVRational rate = stream->avg_frame_rate;
    if (rate.num == 0 || rate.den == 0) rate = stream->r_frame_rate;
    if (rate.num == 0 || rate.den == 0) return Status::Corrupt(name_ + ": frame rate is 0");
    frame_rate_ = static_cast<double>(rate.num) / static_cast<double>(rate.den);
    frame_mod_ = static_cast<int64_t>(options_.seconds_per_frame * frame_rate_);
    if (frame_mod_ <= 0) frame_mod_ = 1;
    frame_.reset(av_frame_alloc());
    rgb_frame_.reset(av_frame_alloc());
    if (!frame_ || !rgb_frame_) return Status::Internal(name_ + ": out of memory");
    rgb_frame_->format = AV_PIX_FMT_RGB24;
    rgb_frame_->width = width_;
    rgb_frame_->height = height_;
    if (av_frame_get_buffer(rgb_frame_.get(), 0) < 0) {
      return Status::Internal(name_ + ": out of memory");
    }
    rgb_.resize(static_cast<size_t>(width_) * static_cast<size_t>(height_) * 3);
    return Status::Ok();
  }

  Status Send(const AVPacket* packet) {
    int err = avcodec_send_packet(codec_.get(), packet);
    if (err < 0 && err != AVERROR_EOF) {
      return Status::Corrupt(name_ + ": decoder rejected a packet: " + AvError(err));
    }
    while (true) {
      err = avcodec_receive_frame(codec_.get(), frame_.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
      if (err < 0) return Status::Corrupt(name_ + ": cannot decode a frame: " + AvError(err));
      ++decoded_;
      Status s = HandleFrame();
      av_frame_unref(frame_.get());
      CAIRN_RETURN_IF_ERROR(s);
    }
  }

  Status HandleFrame() {
    const int64_t frame_number = static_cast<int64_t>(codec_->frame_number) - 1;
    if (frame_number % frame_mod_ != 0) return Status::Ok();
    if (out_.size() >= options_.max_frames) {
      return Status::LimitExceeded(name_ + ": more than " + std::to_string(options_.max_frames) +
                                   " frames to hash");
    }
    const AVFrame* f = frame_.get();
    if (!sws_ || f->width != sws_w_ || f->height != sws_h_ || f->format != sws_fmt_) {
      sws_.reset(sws_getContext(f->width, f->height, static_cast<AVPixelFormat>(f->format),
                                width_, height_, AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr,
                                nullptr));
      if (!sws_) return Status::Unsupported(name_ + ": cannot convert the frame's pixel format");
      sws_w_ = f->width;
      sws_h_ = f->height;
      sws_fmt_ = f->format;
    }
    sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, rgb_frame_->data,
              rgb_frame_->linesize);
    const size_t row = static_cast<size_t>(width_) * 3;
    for (int y = 0; y < height_; ++y) {
      std::memcpy(rgb_.data() + row * static_cast<size_t>(y),
                  rgb_frame_->data[0] + static_cast<ptrdiff_t>(y) * rgb_frame_->linesize[0], row);
    }
    FrameHash fh;
    fh.frame_number = frame_number;
    fh.timestamp = static_cast<double>(frame_number) / frame_rate_;
    Result<pdq::PdqHash> h = hasher_.Hash(rgb_, width_, height_);
    if (h.ok()) {
      fh.pdq = h->hash;
      fh.quality = h->quality;
    } else if (h.status().code() != StatusCode::kUnsupported) {
      return h.status().WithContext(name_);
    }  // else: a flat frame; an all-zero hash with quality 0, below any quality threshold
    out_.push_back(fh);
    return Status::Ok();
  }

  Source* source_;
  VideoOptions options_;
  std::string name_;
  std::unique_ptr<AVIOContext, IoDeleter> io_;
  std::unique_ptr<AVFormatContext, FormatDeleter> format_;
  std::unique_ptr<AVCodecContext, CodecDeleter> codec_;
  std::unique_ptr<AVFrame, FrameDeleter> frame_;
  std::unique_ptr<AVFrame, FrameDeleter> rgb_frame_;
  std::unique_ptr<SwsContext, SwsDeleter> sws_;
  int sws_w_ = 0, sws_h_ = 0, sws_fmt_ = -1;
  int stream_index_ = -1;
  int width_ = 0, height_ = 0;
  double frame_rate_ = 0;
  int64_t frame_mod_ = 1;
  uint64_t expected_frames_ = 0;
  uint64_t decoded_ = 0;
  std::vector<uint8_t> rgb_;
  pdq::PdqHasher hasher_;
  std::vector<FrameHash> out_;
};

}  // namespace

Result<std::vector<FrameHash>> HashVideo(std::span<const uint8_t> bytes,
                                         const VideoOptions& options, std::string_view name) {
  MemorySource source(bytes);
  Decoder decoder(&source, options, name);
  return decoder.Run();
}

Result<std::vector<FrameHash>> HashVideoFile(const std::filesystem::path& path,
                                             const VideoOptions& options) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (errno == ENOENT) return Status::NotFound(path.string() + ": no such file");
    return Status::IoError(path.string() + ": cannot open: " + std::strerror(errno));
  }
  FileSource source(f);
  Decoder decoder(&source, options, path.string());
  return decoder.Run();
}

std::string FormatVpdq(std::span<const FrameHash> frames) {
  std::string out;
  out.reserve(frames.size() * 84);
  char line[128];
  for (const FrameHash& f : frames) {
    int n = std::snprintf(line, sizeof(line), "%lld,%d,%s,%.3f\n",
                          static_cast<long long>(f.frame_number), f.quality,
                          f.pdq.ToHex().c_str(), f.timestamp);
    out.append(line, static_cast<size_t>(n));
  }
  return out;
}

Result<std::vector<FrameHash>> ParseVpdq(std::string_view text, std::string_view name) {
  std::vector<FrameHash> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    auto bad = [&](const char* what) {
      return Status::Corrupt(std::string(name) + ":" + std::to_string(line_no) + ": " + what);
    };
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
      size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields.size() != 3 && fields.size() != 4) return bad("expected 3 or 4 comma-separated fields");
    FrameHash f;
    auto r1 = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), f.frame_number);
    if (r1.ec != std::errc() || r1.ptr != fields[0].data() + fields[0].size() || f.frame_number < 0) {
      return bad("bad frame number");
    }
    auto r2 = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), f.quality);
    if (r2.ec != std::errc() || r2.ptr != fields[1].data() + fields[1].size() || f.quality < 0 ||
        f.quality > 100) {
      return bad("bad quality");
    }
    auto h = Hash256::FromHex(fields[2]);
    if (fields[2].size() != 64 || !h) return bad("bad PDQ hash (64 hex digits expected)");
    f.pdq = *h;
    if (fields.size() == 4) {
      auto r3 = std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), f.timestamp);
      if (r3.ec != std::errc() || r3.ptr != fields[3].data() + fields[3].size() ||
          !std::isfinite(f.timestamp) || f.timestamp < 0) {
        return bad("bad timestamp");
      }
    }
    out.push_back(f);
  }
  return out;
}

namespace {

std::vector<Hash256> DistinctGood(std::span<const FrameHash> frames, int min_quality) {
  std::set<Hash256> seen;
  std::vector<Hash256> out;
  for (const FrameHash& f : frames) {
    if (f.quality >= min_quality && seen.insert(f.pdq).second) out.push_back(f.pdq);
  }
  return out;
}

size_t CountMatched(const std::vector<Hash256>& a, const std::vector<Hash256>& b, int distance) {
  size_t n = 0;
  for (const Hash256& x : a) {
    for (const Hash256& y : b) {
      if (HammingDistance(x, y) < distance) {
        ++n;
        break;
      }
    }
  }
  return n;
}

}  // namespace

VpdqMatchResult VpdqMatch(std::span<const FrameHash> query, std::span<const FrameHash> reference,
                          const VpdqMatchOptions& options) {
  VpdqMatchResult r;
  r.distance = options.distance;
  r.min_quality = options.min_quality;
  r.min_percent = options.min_percent;
  std::vector<Hash256> q = DistinctGood(query, options.min_quality);
  std::vector<Hash256> t = DistinctGood(reference, options.min_quality);
  r.query_frames = q.size();
  r.reference_frames = t.size();
  if (q.empty() || t.empty()) return r;
  r.query_match_percent = 100.0 * static_cast<double>(CountMatched(q, t, options.distance)) /
                          static_cast<double>(q.size());
  r.reference_match_percent = 100.0 * static_cast<double>(CountMatched(t, q, options.distance)) /
                              static_cast<double>(t.size());
  r.match = r.query_match_percent >= options.min_percent &&
            r.reference_match_percent >= options.min_percent;
  return r;
}

}  // namespace cairn::video
