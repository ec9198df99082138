#include "decoders.h"

namespace cairn::media::internal {

Status DecodeGif(std::span<const uint8_t>, const DecodeOptions&, DecodedImage&) {
  return Status::Unsupported("gif: decoder not written yet");
}

}  // namespace cairn::media::internal
