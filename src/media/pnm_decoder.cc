#include "decoders.h"

namespace cairn::media::internal {

Status DecodePnm(std::span<const uint8_t>, const DecodeOptions&, DecodedImage&) {
  return Status::Unsupported("pnm: decoder not written yet");
}

}  // namespace cairn::media::internal
