// Internal: the WhatsApp text parser with a hook that sees (and may complete) every message before
// it is stored or streamed; the zip reader uses it to link attachments while streaming.
#pragma once

#include <functional>
#include <string_view>

#include "cairn/chat/whatsapp.h"

namespace cairn::chat::internal {

// store: keep messages in Chat::messages (else `hook` is the only consumer; the Message it gets
// is reused for the next one).
Chat ParseWhatsAppTextWithHook(std::string_view text, const WhatsAppOptions& options,
                               const std::function<void(Message&)>& hook, bool store);

}  // namespace cairn::chat::internal
