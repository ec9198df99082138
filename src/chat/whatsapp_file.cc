// WhatsApp export files: a .txt read whole, or a .zip read once with libarchive (the chat text is
// kept in memory, attachments are listed and streamed to the caller's visitor).
#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/chat/whatsapp.h"
#include "cairn/core/file.h"
#include "whatsapp_internal.h"

namespace cairn::chat {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

class EntryReader final : public AttachmentReader {
 public:
  EntryReader(archive* a, std::string name) : a_(a), name_(std::move(name)) {}
  Result<size_t> Read(std::span<uint8_t> out) override {
    const la_ssize_t n = archive_read_data(a_, out.data(), out.size());
    if (n < 0) return Status::Corrupt(name_ + ": " + SafeError(a_));
    return static_cast<size_t>(n);
  }
  static std::string SafeError(archive* a) {
    const char* e = archive_error_string(a);
    return e ? e : "archive read failed";
  }

 private:
  archive* a_;
  std::string name_;
};

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool EndsWithTxt(std::string_view name) {
  return name.size() >= 4 && (name.substr(name.size() - 4) == ".txt" || name.substr(name.size() - 4) == ".TXT");
}

// True for the member names WhatsApp gives the chat text.
bool IsChatTextName(std::string_view path) {
  const std::string_view base = BaseName(path);
  return base == "_chat.txt" || (EndsWithTxt(base) && !ChatNameFromFileName(base).empty());
}

Result<std::string> ReadEntry(archive* a, const std::string& where, uint64_t limit) {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
    if (n < 0) return Status::Corrupt(where + ": " + EntryReader::SafeError(a));
    if (n == 0) break;
    if (out.size() + static_cast<uint64_t>(n) > limit) {
      return Status::LimitExceeded(where + ": chat text larger than " + std::to_string(limit) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

class StringReader final : public AttachmentReader {
 public:
  explicit StringReader(std::string_view s) : s_(s) {}
  Result<size_t> Read(std::span<uint8_t> out) override {
    const size_t n = std::min(out.size(), s_.size() - pos_);
    std::memcpy(out.data(), s_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Links messages that name an attachment to its member (by file name), recording first use.
class AttachmentLinker {
 public:
  explicit AttachmentLinker(std::vector<AttachmentFile>& files) : files_(files) {
    for (size_t i = 0; i < files_.size(); ++i) by_name_.emplace(BaseName(files_[i].name), i);
  }
  void Link(Message& m) {
    if (m.kind != MessageKind::kMedia || m.attachment_omitted || m.attachment.empty()) return;
    auto it = by_name_.find(m.attachment);
    if (it == by_name_.end()) return;
    m.attachment_member = static_cast<int64_t>(it->second);
    if (files_[it->second].first_message < 0) files_[it->second].first_message = static_cast<int64_t>(m.index);
  }

 private:
  std::vector<AttachmentFile>& files_;
  std::unordered_map<std::string_view, size_t> by_name_;
};

// Reads an opened archive: the chat text and the attachment list.
Result<Chat> ReadArchive(archive* a, const std::string& source, const WhatsAppOptions& options,
                         const AttachmentVisitor& visitor, const MessageSink& sink) {
  std::string chat_text;
  std::string chat_member;
  bool have_chat = false;
  std::string fallback_text;  // the first other .txt, used when no member has a chat-text name
  AttachmentFile fallback_file;
  bool have_fallback = false;
  std::vector<AttachmentFile> attachments;
  archive_entry* entry = nullptr;
  for (;;) {
    const int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return Status::Corrupt(source + ": " + EntryReader::SafeError(a));
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* raw_name = archive_entry_pathname_utf8(entry);
    if (raw_name == nullptr) raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name ? raw_name : "";
    const std::string where = source + "/" + name;
    AttachmentFile file;
    file.name = name;
    file.size = archive_entry_size_is_set(entry) ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
    if (!have_chat && IsChatTextName(name)) {
      CAIRN_ASSIGN_OR_RETURN(chat_text, ReadEntry(a, where, options.max_text_bytes));
      chat_member = name;
      have_chat = true;
      continue;
    }
    if (!have_chat && !have_fallback && EndsWithTxt(name)) {
      CAIRN_ASSIGN_OR_RETURN(fallback_text, ReadEntry(a, where, options.max_text_bytes));
      fallback_file = file;
      fallback_file.size = fallback_text.size();
      have_fallback = true;
      continue;
    }
    if (visitor) {
      EntryReader reader(a, where);
      CAIRN_RETURN_IF_ERROR(visitor(file, reader));
    }
    attachments.push_back(std::move(file));
  }
  std::string note;
  if (!have_chat) {
    if (!have_fallback) return Status::Corrupt(source + ": no chat text (.txt) member in the archive");
    chat_text = std::move(fallback_text);
    chat_member = fallback_file.name;
    note = "chat text taken from '" + chat_member + "' (no _chat.txt or 'WhatsApp Chat' member)";
  } else if (have_fallback) {
    if (visitor) {
      StringReader reader(fallback_text);
      CAIRN_RETURN_IF_ERROR(visitor(fallback_file, reader));
    }
    attachments.push_back(std::move(fallback_file));
  }
  WhatsAppOptions text_options = options;
  text_options.source = source + "/" + chat_member;
  if (text_options.chat_name.empty()) {
    std::string from_member = ChatNameFromFileName(chat_member);
    text_options.chat_name = !from_member.empty() ? from_member : ChatNameFromFileName(source);
  }
  AttachmentLinker linker(attachments);
  Chat chat = internal::ParseWhatsAppTextWithHook(
      chat_text, text_options,
      [&](Message& m) {
        linker.Link(m);
        if (sink) sink(m);
      },
      /*store=*/!sink);
  if (options.chat_name.empty() && chat.title_source == "option") chat.title_source = "file name";
  chat.attachments = std::move(attachments);
  if (!note.empty()) chat.report.notes.push_back(std::move(note));
  return chat;
}

bool IsZip(std::span<const uint8_t> head) {
  return head.size() >= 4 && head[0] == 'P' && head[1] == 'K' &&
         ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
}

ArchivePtr NewZipReader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_format_zip(a.get());
  archive_read_support_filter_none(a.get());
  return a;
}

}  // namespace

Result<Chat> ParseWhatsAppZip(std::span<const uint8_t> bytes, const WhatsAppOptions& options,
                              const AttachmentVisitor& visitor, const MessageSink& sink) {
  const std::string source = options.source.empty() ? "<memory>" : options.source;
  ArchivePtr a = NewZipReader();
  if (!a) return Status::Internal("libarchive: out of memory");
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return Status::Corrupt(source + ": " + EntryReader::SafeError(a.get()));
  }
  return ReadArchive(a.get(), source, options, visitor, sink);
}

Result<Chat> ParseWhatsAppFile(const std::filesystem::path& path, const WhatsAppOptions& options,
                               const AttachmentVisitor& visitor, const MessageSink& sink) {
  const std::string source = options.source.empty() ? path.string() : options.source;
  CAIRN_ASSIGN_OR_RETURN(ReadOnlyFile file, ReadOnlyFile::Open(path));
  uint8_t head[4] = {};
  CAIRN_ASSIGN_OR_RETURN(size_t got, file.ReadAt(0, head));
  if (IsZip(std::span<const uint8_t>(head, got))) {
    // libarchive reads the file itself (streaming); evidence stays read-only (O_RDONLY).
    ArchivePtr a = NewZipReader();
    if (!a) return Status::Internal("libarchive: out of memory");
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      return Status::IoError(source + ": " + EntryReader::SafeError(a.get()));
    }
    WhatsAppOptions o = options;
    o.source = source;
    if (o.chat_name.empty()) {
      // The zip's own name carries the title when its member is "_chat.txt".
      std::string from_zip = ChatNameFromFileName(path.filename().string());
      if (!from_zip.empty()) {
        Result<Chat> chat = ReadArchive(a.get(), source, o, visitor, sink);
        if (chat.ok() && chat->title.empty()) {
          chat->title = from_zip;
          chat->title_source = "file name";
        }
        return chat;
      }
    }
    return ReadArchive(a.get(), source, o, visitor, sink);
  }
  if (file.size() > options.max_text_bytes) {
    return Status::LimitExceeded(source + ": chat text larger than " + std::to_string(options.max_text_bytes) + " bytes");
  }
  std::string text(file.size(), '\0');
  size_t done = 0;
  while (done < text.size()) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, file.ReadAt(done, std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()) + done,
                                                                          text.size() - done)));
    if (n == 0) break;
    done += n;
  }
  text.resize(done);
  WhatsAppOptions o = options;
  o.source = source;
  bool title_from_file = false;
  if (o.chat_name.empty()) {
    o.chat_name = ChatNameFromFileName(path.filename().string());
    title_from_file = !o.chat_name.empty();
  }
  Chat chat = ParseWhatsAppText(text, o, sink);
  if (title_from_file) chat.title_source = "file name";
  return chat;
}

}  // namespace cairn::chat
