// libFuzzer target for the stream decoder (cairn/extract/stream_decoder.h): every signature in
// arbitrary bytes is decoded under small limits, with invariants (the decoded size respects the
// byte limit, the reported offset is the signature's), and the extractor runs with recursive
// decoding (every nested identifier has a forensic path starting with its container offset and a
// decoded context that contains its value).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "cairn/extract/extractor.h"
#include "cairn/extract/stream_decoder.h"

namespace {

cairn::extract::DecodeLimits SmallLimits() {
  cairn::extract::DecodeLimits l;
  l.max_decoded_bytes = size_t{1} << 20;
  l.max_total_decoded_bytes = size_t{4} << 20;
  l.max_input_bytes = size_t{1} << 20;
  l.max_depth = 4;
  return l;
}

const cairn::extract::Extractor& TheExtractor() {
  static const cairn::extract::Extractor* x = [] {
    cairn::extract::ExtractOptions o;
    o.decode_limits = SmallLimits();
    auto e = cairn::extract::Extractor::Create(o);
    if (!e.ok()) std::abort();
    return new cairn::extract::Extractor(std::move(e).value());
  }();
  return *x;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const cairn::extract::DecodeLimits limits = SmallLimits();
  cairn::extract::ForEachStreamSignature(bytes, 0, size, [&](size_t at, cairn::extract::StreamKind kind) {
    Check(at < size);
    if (auto d = cairn::extract::DecodeStream(bytes, at, kind, limits)) {
      Check(d->offset == at && d->kind == kind && d->bytes.size() <= limits.max_decoded_bytes);
      (void)cairn::extract::MsxmlText(d->bytes);
    }
  });
  for (const auto& id : TheExtractor().Extract(bytes)) {
    Check(id.offset <= size);
    if (id.forensic_path.empty()) continue;
    Check(id.forensic_path.rfind(std::to_string(id.offset) + "-", 0) == 0);
    Check(id.decoded_context.find(id.value) != std::string::npos || id.encoding != cairn::extract::TextEncoding::kAscii);
  }
  return 0;
}
