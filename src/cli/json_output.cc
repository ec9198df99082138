#include "json_output.h"

#include <algorithm>

#include "cairn/core/hex.h"
#include "cairn/core/text.h"

namespace cairn::cli {

void AddPath(Json& record, std::string_view key, const std::filesystem::path& path) {
  const std::string& raw = path.native();
  record[std::string(key)] = raw;
  if (!IsValidUtf8(raw)) {
    record[std::string(key) + "_hex"] =
        ToHex({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()});
  }
}

std::string JsonLine(const Json& record) {
  return record.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

std::vector<std::string> SplitCommaList(std::string_view text) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= text.size();) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace cairn::cli
