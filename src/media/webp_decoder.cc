// WebP through libwebp: the first frame, decoded with the library's default options (fancy
// upsampling), as ImageMagick's webp coder does, straight into the RGB buffer. Alpha is dropped
// (WebPDecodeRGBInto gives the un-premultiplied colour). EXIF orientation from the EXIF chunk.
#include <webp/decode.h>
#include <webp/demux.h>

#include <string>

#include "decoders.h"

namespace cairn::media::internal {

Status DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options, DecodedImage& out) {
  WebPData data{bytes.data(), bytes.size()};
  // The demuxer finds the first frame of animated files and the EXIF chunk; it only indexes.
  WebPDemuxState demux_state;
  WebPDemuxer* demux = WebPDemuxPartial(&data, &demux_state);
  if (demux == nullptr || demux_state < WEBP_DEMUX_PARSED_HEADER) {
    WebPDemuxDelete(demux);
    return Status::Corrupt("WebP: malformed RIFF container");
  }
  const uint8_t* frame_data = bytes.data();
  size_t frame_size = bytes.size();
  WebPIterator frame;
  const bool have_frame = WebPDemuxGetFrame(demux, 1, &frame) != 0;
  if (have_frame) {
    frame_data = frame.fragment.bytes;
    frame_size = frame.fragment.size;
  }
  WebPChunkIterator chunk;
  if (WebPDemuxGetChunk(demux, "EXIF", 1, &chunk) != 0) {
    out.exif_orientation = ExifOrientation({chunk.chunk.bytes, chunk.chunk.size});
    WebPDemuxReleaseChunkIterator(&chunk);
  }
  WebPBitstreamFeatures features;
  const VP8StatusCode code = WebPGetFeatures(frame_data, frame_size, &features);
  if (code != VP8_STATUS_OK) {
    if (have_frame) WebPDemuxReleaseIterator(&frame);
    WebPDemuxDelete(demux);
    if (code == VP8_STATUS_NOT_ENOUGH_DATA) return Status::Corrupt("WebP: premature end of data");
    return Status::Corrupt("WebP: bitstream header is malformed (code " + std::to_string(code) + ")");
  }
  out.source_width = features.width;
  out.source_height = features.height;
  Status dims = CheckDimensions("WebP", static_cast<uint64_t>(features.width),
                                static_cast<uint64_t>(features.height), options);
  if (!dims.ok()) {
    if (have_frame) WebPDemuxReleaseIterator(&frame);
    WebPDemuxDelete(demux);
    return dims;
  }
  const size_t stride = static_cast<size_t>(features.width) * 3;
  out.image.pixels.resize(stride * features.height);
  out.image.width = features.width;
  out.image.height = features.height;
  const uint8_t* ok = WebPDecodeRGBInto(frame_data, frame_size, out.image.pixels.data(),
                                        out.image.pixels.size(), static_cast<int>(stride));
  if (have_frame) WebPDemuxReleaseIterator(&frame);
  WebPDemuxDelete(demux);
  if (ok == nullptr) {
    out.image = RgbImage();
    return Status::Corrupt("WebP: bitstream is corrupt or truncated");
  }
  return Status::Ok();
}

}  // namespace cairn::media::internal
