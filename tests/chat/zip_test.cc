// WhatsApp .zip exports: the chat member is found, attachments are listed, streamed to the
// visitor with their exact bytes, and linked to the messages that name them.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cairn/chat/whatsapp.h"
#include "cairn_test_support.h"

namespace cairn::chat {
namespace {

std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  EXPECT_EQ(archive_write_open_memory(a, buf.data(), buf.size(), &used), ARCHIVE_OK);
  for (const auto& [name, bytes] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    EXPECT_EQ(archive_write_data(a, bytes.data(), bytes.size()), static_cast<la_ssize_t>(bytes.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

TEST(WhatsAppZip, IosExportWithAttachments) {
  const std::string photo = std::string("\xFF\xD8\xFF\xE0 not really a jpeg", 22);
  const std::string zip = MakeZip({
      {"00000012-PHOTO-2020-01-13-09-01-00.jpg", photo},
      {"_chat.txt",
       "[13/01/2020, 09:00:00] Bob: hello\n"
       "[13/01/2020, 09:01:00] Bob: \xE2\x80\x8E<attached: 00000012-PHOTO-2020-01-13-09-01-00.jpg>\n"
       "[13/01/2020, 09:02:00] Ann: \xE2\x80\x8E<attached: 00000013-VIDEO-missing.mp4>\n"},
      {"notes.txt", "an unrelated text file"},
  });
  testing::TempDir dir;
  testing::WriteFile(dir / "WhatsApp Chat - Night Owls.zip", zip);
  std::map<std::string, std::string> seen;
  AttachmentVisitor visitor = [&](const AttachmentFile& file, AttachmentReader& reader) -> Status {
    std::string bytes;
    uint8_t buf[7];  // small reads on purpose
    for (;;) {
      Result<size_t> n = reader.Read(buf);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      bytes.append(reinterpret_cast<const char*>(buf), *n);
    }
    seen[file.name] = bytes;
    return Status::Ok();
  };
  Result<Chat> chat = ParseWhatsAppFile(dir / "WhatsApp Chat - Night Owls.zip", {}, visitor);
  ASSERT_TRUE(chat.ok()) << chat.status().ToString();
  EXPECT_EQ(chat->title, "Night Owls");
  ASSERT_EQ(chat->messages.size(), 3u);
  EXPECT_EQ(chat->messages[0].source, (dir / "WhatsApp Chat - Night Owls.zip").string() + "/_chat.txt");
  ASSERT_EQ(chat->attachments.size(), 2u);
  EXPECT_EQ(chat->attachments[0].name, "00000012-PHOTO-2020-01-13-09-01-00.jpg");
  EXPECT_EQ(chat->attachments[0].size, photo.size());
  EXPECT_EQ(chat->attachments[0].first_message, 1);
  EXPECT_EQ(chat->attachments[1].name, "notes.txt");
  EXPECT_EQ(chat->attachments[1].first_message, -1);
  EXPECT_EQ(chat->messages[1].attachment_member, 0);
  EXPECT_EQ(chat->messages[2].attachment_member, -1);  // named, but not in the archive
  EXPECT_EQ(seen["00000012-PHOTO-2020-01-13-09-01-00.jpg"], photo);
  EXPECT_EQ(seen["notes.txt"], "an unrelated text file");
}

TEST(WhatsAppZip, AndroidExportInMemoryAndVisitorErrorsStopTheRead) {
  const std::string zip = MakeZip({
      {"WhatsApp Chat with Ann.txt", "13/01/2020, 10:00 - Ann: IMG-20200113-WA0001.jpg (file attached)\n"},
      {"IMG-20200113-WA0001.jpg", "pixels"},
  });
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(zip.data()), zip.size());
  Result<Chat> chat = ParseWhatsAppZip(bytes);
  ASSERT_TRUE(chat.ok()) << chat.status().ToString();
  EXPECT_EQ(chat->title, "Ann");
  EXPECT_EQ(chat->title_source, "file name");
  ASSERT_EQ(chat->messages.size(), 1u);
  EXPECT_EQ(chat->messages[0].attachment_member, 0);
  EXPECT_EQ(chat->attachments[0].size, 6u);

  // Streaming: messages arrive already linked; the chat keeps the attachment list.
  std::vector<Message> streamed;
  Result<Chat> summary = ParseWhatsAppZip(bytes, {}, nullptr, [&](const Message& m) { streamed.push_back(m); });
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->messages.empty());
  ASSERT_EQ(streamed.size(), 1u);
  EXPECT_EQ(streamed[0].attachment_member, 0);
  EXPECT_EQ(summary->attachments[0].first_message, 0);

  AttachmentVisitor failing = [](const AttachmentFile&, AttachmentReader&) { return Status::Cancelled("stop"); };
  EXPECT_EQ(ParseWhatsAppZip(bytes, {}, failing).status().code(), StatusCode::kCancelled);
}

TEST(WhatsAppZip, BrokenOrChatlessArchives) {
  const std::string no_chat = MakeZip({{"a.jpg", "x"}});
  EXPECT_EQ(ParseWhatsAppZip({reinterpret_cast<const uint8_t*>(no_chat.data()), no_chat.size()}).status().code(),
            StatusCode::kCorrupt);
  std::string truncated = MakeZip({{"_chat.txt", std::string(5000, 'a')}});
  truncated.resize(truncated.size() / 2);
  Result<Chat> r = ParseWhatsAppZip({reinterpret_cast<const uint8_t*>(truncated.data()), truncated.size()});
  EXPECT_FALSE(r.ok());
  WhatsAppOptions small;
  small.max_text_bytes = 10;
  const std::string big = MakeZip({{"_chat.txt", std::string(100, 'a')}});
  EXPECT_EQ(ParseWhatsAppZip({reinterpret_cast<const uint8_t*>(big.data()), big.size()}, small).status().code(),
            StatusCode::kLimitExceeded);
}

}  // namespace
}  // namespace cairn::chat
