// Fuzz target for the Telegram JSON parser and its escape repair. Invariants: nothing crashes, and
// repair never changes input that is already valid JSON (inputs with a NUL byte are left out of
// that check: nlohmann::json::accept stops at a NUL as if the input ended there).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cairn/chat/telegram.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn::chat;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  if (json.find('\0') == std::string_view::npos && nlohmann::json::accept(json) &&
      RepairTelegramJson(json) != json) {
    std::abort();
  }
  cairn::Result<ChatExport> e = ParseTelegramJson(json);
  if (e.ok()) (void)ChatExportToJson(*e);
  return 0;
}
