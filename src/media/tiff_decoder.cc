#include "decoders.h"

namespace cairn::media::internal {

Status DecodeTiff(std::span<const uint8_t>, const DecodeOptions&, DecodedImage&) {
  return Status::Unsupported("tiff: decoder not written yet");
}

}  // namespace cairn::media::internal
