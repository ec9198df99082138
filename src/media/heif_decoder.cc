#include "decoders.h"

namespace cairn::media::internal {

Status DecodeHeif(std::span<const uint8_t>, const DecodeOptions&, DecodedImage&) {
  return Status::Unsupported("heif: decoder not written yet");
}

}  // namespace cairn::media::internal
