// Internal: the wording rules that turn a WhatsApp body or system line into a kind and an event
// (English plus the common localized media/deleted markers). Pure functions over string views.
#pragma once

#include <string_view>

#include "cairn/chat/message.h"

namespace cairn::chat::internal {

// Removes bidi and format marks (U+200E/F, U+202A-E, U+2066-9, U+FEFF) and ASCII spaces from both ends.
std::string_view TrimMarks(std::string_view s);

// True for "Messages and calls are end-to-end encrypted ..." and its variants.
bool IsEncryptionNotice(std::string_view body);

// Classifies a system line's text into m.event / event_actor / event_targets / event_detail.
// Returns false (and sets kOther) when no rule matches.
bool ClassifySystemText(std::string_view text, Message& m);

// Sets m.kind (media / deleted / text) and the attachment from a message body.
void ClassifyBody(std::string_view body, Message& m);

}  // namespace cairn::chat::internal
