// libFuzzer target for cairn_extract: the extractor on arbitrary bytes (with invariants: every
// identifier lies inside the input and its bytes spell its value, ASCII or UTF-16LE), the
// feature-file escaper round trip, and the feature-file reader.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "cairn/extract/extractor.h"
#include "cairn/extract/feature_file.h"

namespace {

const cairn::extract::Extractor& TheExtractor() {
  static const cairn::extract::Extractor* x = [] {
    cairn::extract::ExtractOptions o;
    o.default_region = "IN";
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
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& id : TheExtractor().Extract(bytes)) {
    // Identifiers inside decoded streams are checked by stream_decoder_fuzzer.
    if (!id.forensic_path.empty()) continue;
    Check(id.offset <= size && id.length <= size - id.offset && id.length > 0);
    const std::string_view found = text.substr(static_cast<size_t>(id.offset), static_cast<size_t>(id.length));
    if (id.encoding == cairn::extract::TextEncoding::kAscii) {
      Check(found == id.value);
    } else {
      Check(found.size() == 2 * id.value.size());
      for (size_t i = 0; i < id.value.size(); ++i) Check(found[2 * i] == id.value[i] && found[2 * i + 1] == 0);
    }
    Check(!id.normalized.empty());
  }
  auto back = cairn::extract::UnescapeFeatureBytes(cairn::extract::EscapeFeatureBytes(text));
  Check(back.ok() && *back == text);
  (void)cairn::extract::ParseFeatureFile(text);
  return 0;
}
