// Fuzz target for the WhatsApp parsers: the bytes as export text (with and without a date_order
// option) and, when they start like a zip, as a .zip export. Checks provenance invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cairn/chat/whatsapp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn::chat;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  WhatsAppOptions options;
  if (size > 0 && data[0] % 2 == 1) options.date_order = DateOrder::kMonthDayYear;
  const Chat chat = ParseWhatsAppText(text, options);
  uint64_t previous_line = 0;
  for (const Message& m : chat.messages) {
    if (m.line <= previous_line || m.line > chat.report.lines_read || m.offset >= size) std::abort();
    previous_line = m.line;
  }
  (void)ChatToJson(chat);
  if (size >= 4 && data[0] == 'P' && data[1] == 'K') {
    AttachmentVisitor drain = [](const AttachmentFile&, AttachmentReader& reader) -> cairn::Status {
      uint8_t buf[4096];
      for (;;) {
        cairn::Result<size_t> n = reader.Read(buf);
        if (!n.ok()) return n.status();
        if (*n == 0) return cairn::Status::Ok();
      }
    };
    cairn::Result<Chat> zipped = ParseWhatsAppZip({data, size}, options, drain);
    if (zipped.ok()) (void)ChatToJson(*zipped);
  }
  return 0;
}
