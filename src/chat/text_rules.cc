#include "text_rules.h"

#include <array>
#include <string>

namespace cairn::chat::internal {
namespace {

// Length of a format mark starting at p (0 when none).
size_t MarkAt(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (i + 3 <= s.size()) {
    if (b(0) == 0xE2 && b(1) == 0x80 && (b(2) == 0x8E || b(2) == 0x8F || (b(2) >= 0xAA && b(2) <= 0xAE))) return 3;
    if (b(0) == 0xE2 && b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9) return 3;
    if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;
  }
  if (i < s.size() && (s[i] == ' ' || s[i] == '\t')) return 1;
  return 0;
}

size_t MarkBefore(std::string_view s, size_t end) {
  if (end >= 1 && (s[end - 1] == ' ' || s[end - 1] == '\t')) return 1;
  if (end >= 3 && MarkAt(s, end - 3) == 3) return 3;
  return 0;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// Position of the first quotation mark (", “, ”, «); npos when none. Keywords are only searched
// before it, so a group subject cannot trigger a rule.
size_t FirstQuote(std::string_view s) {
  size_t best = s.find('"');
  for (std::string_view q : {std::string_view("\xE2\x80\x9C"), std::string_view("\xE2\x80\x9D"),
                             std::string_view("\xC2\xAB")}) {
    best = std::min(best, s.find(q));
  }
  return best;
}

// Finds `key` before the first quote.
size_t FindKey(std::string_view s, std::string_view key) {
  const size_t limit = FirstQuote(s);
  const size_t at = s.find(key);
  if (at == std::string_view::npos || (limit != std::string_view::npos && at > limit)) return std::string_view::npos;
  return at;
}

// The last quoted string ("..." or “...”), without its quotes; empty when none.
std::string_view LastQuoted(std::string_view s) {
  size_t close = std::string_view::npos;
  size_t close_len = 0;
  for (std::string_view q : {std::string_view("\""), std::string_view("\xE2\x80\x9D")}) {
    const size_t at = s.rfind(q);
    if (at != std::string_view::npos && (close == std::string_view::npos || at > close)) {
      close = at;
      close_len = q.size();
    }
  }
  (void)close_len;
  if (close == std::string_view::npos) return {};
  std::string_view head = s.substr(0, close);
  size_t open = std::string_view::npos;
  size_t open_len = 0;
  for (std::string_view q : {std::string_view("\""), std::string_view("\xE2\x80\x9C")}) {
    const size_t at = head.rfind(q);
    if (at != std::string_view::npos && (open == std::string_view::npos || at > open)) {
      open = at;
      open_len = q.size();
    }
  }
  if (open == std::string_view::npos) return {};
  return head.substr(open + open_len);
}

// "Bob, Carol and Dave" -> {Bob, Carol, Dave}.
std::vector<std::string> SplitNames(std::string_view s) {
  std::vector<std::string> out;
  s = TrimMarks(s);
  while (!s.empty()) {
    size_t cut = s.find(", ");
    size_t skip = 2;
    const size_t and_at = s.find(" and ");
    if (cut == std::string_view::npos || (and_at != std::string_view::npos && and_at < cut)) {
      cut = and_at;
      skip = 5;
    }
    std::string_view name = TrimMarks(s.substr(0, cut));
    if (!name.empty()) out.emplace_back(name);
    if (cut == std::string_view::npos) break;
    s = s.substr(cut + skip);
  }
  return out;
}

void Set(Message& m, SystemEvent e, std::string_view actor) {
  m.event = e;
  m.event_actor = std::string(TrimMarks(actor));
}

}  // namespace

std::string_view TrimMarks(std::string_view s) {
  size_t n;
  while ((n = MarkAt(s, 0)) != 0) s.remove_prefix(n);
  while ((n = MarkBefore(s, s.size())) != 0) s.remove_suffix(n);
  return s;
}

bool IsEncryptionNotice(std::string_view body) {
  body = TrimMarks(body);
  // Every variant opens with the word for "messages" (or "Your messages"); only then search.
  static constexpr std::array<std::string_view, 12> kOpenings = {
      "Messages", "Your messages", "Nachrichten", "Los mensajes", "Mensajes", "As mensagens", "Mensagens",
      "Les messages", "Berichten", "I messaggi", "Le chiamate", "Calls"};
  bool opening = false;
  for (std::string_view o : kOpenings) opening = opening || StartsWith(body, o);
  if (!opening) return false;
  static constexpr std::array<std::string_view, 11> kKeys = {
      "end-to-end encrypted", "end-to-end encryption", "Ende-zu-Ende-verschl", "cifrado de extremo a extremo",
      "cifrados de extremo a extremo", "criptografia de ponta a ponta", "protegidas com a criptografia",
      "chiffrés de bout en bout", "chiffrement de bout en bout", "end-to-end versleuteld", "crittografia end-to-end"};
  for (std::string_view key : kKeys) {
    if (body.find(key) != std::string_view::npos) return true;
  }
  return false;
}

bool ClassifySystemText(std::string_view text, Message& m) {
  std::string_view t = TrimMarks(text);
  m.kind = MessageKind::kSystem;
  m.event_targets.clear();
  m.event_actor.clear();
  m.event_detail.clear();
  if (IsEncryptionNotice(t)) {
    m.event = SystemEvent::kEncryptionNotice;
    return true;
  }
  size_t at;
  if (StartsWith(t, "Your security code with ")) {
    std::string_view rest = t.substr(24);
    at = rest.find(" changed");
    m.event = SystemEvent::kSecurityCodeChanged;
    m.event_targets.emplace_back(TrimMarks(rest.substr(0, at)));
    return true;
  }
  if ((at = FindKey(t, "'s security code changed")) != std::string_view::npos ||
      (at = FindKey(t, "\xE2\x80\x99s security code changed")) != std::string_view::npos) {
    m.event = SystemEvent::kSecurityCodeChanged;
    m.event_targets.emplace_back(TrimMarks(t.substr(0, at)));
    return true;
  }
  if ((at = FindKey(t, " created group")) != std::string_view::npos) {
    Set(m, SystemEvent::kCreatedGroup, t.substr(0, at));
    m.event_detail = std::string(LastQuoted(t));
    return true;
  }
  if ((at = FindKey(t, " created this group")) != std::string_view::npos) {
    Set(m, SystemEvent::kCreatedGroup, t.substr(0, at));
    return true;
  }
  if ((at = FindKey(t, " changed the subject")) != std::string_view::npos ||
      (at = FindKey(t, " changed this group's subject")) != std::string_view::npos ||
      (at = FindKey(t, " changed the group name")) != std::string_view::npos ||
      (at = FindKey(t, " changed the group subject")) != std::string_view::npos) {
    Set(m, SystemEvent::kChangedSubject, t.substr(0, at));
    m.event_detail = std::string(LastQuoted(t));
    return true;
  }
  for (std::string_view key : std::initializer_list<std::string_view>{" changed this group's icon", " changed the group icon", " deleted this group's icon",
                               " changed the group photo", " changed this group's photo", " removed this group's icon",
                               " changed the group's icon"}) {
    if ((at = FindKey(t, key)) != std::string_view::npos) {
      Set(m, SystemEvent::kChangedIcon, t.substr(0, at));
      return true;
    }
  }
  for (std::string_view key : std::initializer_list<std::string_view>{" changed the group description", " changed this group's description",
                               " deleted the group description", " deleted this group's description"}) {
    if ((at = FindKey(t, key)) != std::string_view::npos) {
      Set(m, SystemEvent::kChangedDescription, t.substr(0, at));
      return true;
    }
  }
  for (std::string_view key : std::initializer_list<std::string_view>{" joined using this group's invite link", " joined using this group\xE2\x80\x99s invite link",
                               " joined using an invite link", " joined via invite link", " joined from the community"}) {
    if ((at = FindKey(t, key)) != std::string_view::npos) {
      Set(m, SystemEvent::kJoinedByLink, t.substr(0, at));
      return true;
    }
  }
  if ((at = FindKey(t, " changed their phone number")) != std::string_view::npos ||
      (at = FindKey(t, " changed the phone number")) != std::string_view::npos) {
    Set(m, SystemEvent::kChangedNumber, t.substr(0, at));
    const size_t to = t.find(" to ", at + 1);
    if (to != std::string_view::npos) {
      std::string_view number = TrimMarks(t.substr(to + 4));
      if (EndsWith(number, ".")) number.remove_suffix(1);
      if (LooksLikePhoneNumber(TrimMarks(number))) m.event_detail = std::string(TrimMarks(number));
    }
    return true;
  }
  if ((at = FindKey(t, " changed to ")) != std::string_view::npos) {
    std::string_view from = TrimMarks(t.substr(0, at));
    std::string_view to = TrimMarks(t.substr(at + 12));
    if (EndsWith(to, ".")) to = TrimMarks(to.substr(0, to.size() - 1));
    if (LooksLikePhoneNumber(from) && LooksLikePhoneNumber(to)) {
      Set(m, SystemEvent::kChangedNumber, from);
      m.event_detail = std::string(to);
      return true;
    }
  }
  if (EqualsIgnoreCase(t, "You were added") || EqualsIgnoreCase(t, "You were added.")) {
    m.event = SystemEvent::kAdded;
    m.event_targets.emplace_back("You");
    return true;
  }
  if (EndsWith(t, " was added") || EndsWith(t, " were added")) {
    m.event = SystemEvent::kAdded;
    m.event_targets = SplitNames(t.substr(0, t.rfind(" w")));
    return true;
  }
  if (EqualsIgnoreCase(t, "You were removed") || EndsWith(t, " was removed")) {
    m.event = SystemEvent::kRemoved;
    m.event_targets.emplace_back(TrimMarks(t.substr(0, t.rfind(" w"))));
    return true;
  }
  if (EndsWith(t, " left") || EndsWith(t, " left.") || EndsWith(t, " left the group")) {
    Set(m, SystemEvent::kLeft, t.substr(0, t.rfind(" left")));
    return true;
  }
  if ((at = FindKey(t, " added ")) != std::string_view::npos) {
    Set(m, SystemEvent::kAdded, t.substr(0, at));
    m.event_targets = SplitNames(t.substr(at + 7));
    return true;
  }
  if ((at = FindKey(t, " removed ")) != std::string_view::npos) {
    Set(m, SystemEvent::kRemoved, t.substr(0, at));
    m.event_targets = SplitNames(t.substr(at + 9));
    return true;
  }
  m.event = SystemEvent::kOther;
  return false;
}

void ClassifyBody(std::string_view body, Message& m) {
  const std::string_view first_line = body.substr(0, body.find('\n'));
  std::string_view t = TrimMarks(first_line);
  m.kind = MessageKind::kText;
  if (t.empty()) return;
  // Cheap gates first: every marker starts with '<', ends with ')' or "omitted", or is a
  // deletion notice of known length.
  if (t.front() == '<' && t.back() == '>') {
    if (StartsWith(t, "<attached: ")) {  // iOS with media
      m.kind = MessageKind::kMedia;
      m.attachment = std::string(TrimMarks(t.substr(11, t.size() - 12)));
      return;
    }
    static constexpr std::array<std::string_view, 15> kOmitted = {
        "<Media omitted>", "<Medien ausgelassen>", "<Multimedia omitido>", "<Archivo omitido>",
        "<Mídia oculta>", "<Arquivo de mídia oculto>", "<Médias omis>", "<Fichier omis>",
        "<Media weggelaten>", "<Media omessi>", "<Medya dahil edilmedi>",
        "<Медиафайлы не "
        "включены>",
        "<Без медиафайлов>",
        "<Media tidak disertakan>", "<Media omitido>"};
    for (std::string_view marker : kOmitted) {
      if (EqualsIgnoreCase(t, marker)) {
        m.kind = MessageKind::kMedia;
        m.attachment = std::string(t);
        m.attachment_omitted = true;
        return;
      }
    }
    return;
  }
  if (t.back() == ')') {
    static constexpr std::array<std::string_view, 8> kAttached = {
        " (file attached)", " (Datei angehängt)", " (archivo adjunto)", " (arquivo anexado)",
        " (fichier joint)", " (bestand bijgevoegd)", " (file allegato)", " (dosya ekli)"};
    for (std::string_view suffix : kAttached) {
      if (EndsWith(t, suffix)) {
        m.kind = MessageKind::kMedia;
        m.attachment = std::string(TrimMarks(t.substr(0, t.size() - suffix.size())));
        return;
      }
    }
    return;
  }
  if (EndsWith(t, " omitted")) {  // iOS without media: "image omitted"
    static constexpr std::array<std::string_view, 8> kWhat = {"image", "video", "audio", "sticker",
                                                              "GIF", "document", "Contact card", "photo"};
    for (std::string_view what : kWhat) {
      if (t.size() == what.size() + 8 && EqualsIgnoreCase(t.substr(0, what.size()), what)) {
        m.kind = MessageKind::kMedia;
        m.attachment = std::string(t);
        m.attachment_omitted = true;
        return;
      }
    }
    return;
  }
  std::string_view d = t;
  if (d.back() == '.') d.remove_suffix(1);
  if (d.size() < 20 || d.size() > 40) return;
  static constexpr std::array<std::string_view, 12> kDeleted = {
      "This message was deleted", "You deleted this message", "Diese Nachricht wurde gelöscht",
      "Du hast diese Nachricht gelöscht", "Se eliminó este mensaje", "Eliminaste este mensaje",
      "Esta mensagem foi apagada", "Você apagou esta mensagem", "Ce message a été supprimé",
      "Vous avez supprimé ce message", "Dit bericht is verwijderd", "Questo messaggio è stato eliminato"};
  for (std::string_view marker : kDeleted) {
    if (EqualsIgnoreCase(d, marker)) {
      m.kind = MessageKind::kDeleted;
      return;
    }
  }
}

}  // namespace cairn::chat::internal
