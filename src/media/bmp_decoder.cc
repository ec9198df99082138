#include "decoders.h"

namespace cairn::media::internal {

Status DecodeBmp(std::span<const uint8_t>, const DecodeOptions&, DecodedImage&) {
  return Status::Unsupported("bmp: decoder not written yet");
}

}  // namespace cairn::media::internal
