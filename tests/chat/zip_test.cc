// WhatsApp .zip exports: the chat member is found, attachments are listed, streamed to the
// visitor with their exact bytes, and linked to the messages that name them.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cairn/chat/whatsapp.h"
#include "cairn_test_support.h"
#include "cairn_zip_writer.h"

namespace cairn::chat {
namespace {

TEST(WhatsAppZip, IosExportWithAttachments) {
  const std::string photo = std::string("\xFF\xD8\xFF\xE0 not really a jpeg", 22);
  const std::string zip = cairn::testing::MakeZip({
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
  const std::string zip = cairn::testing::MakeZip({
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
  const std::string no_chat = cairn::testing::MakeZip({{"a.jpg", "x"}});
  EXPECT_EQ(ParseWhatsAppZip({reinterpret_cast<const uint8_t*>(no_chat.data()), no_chat.size()}).status().code(),
            StatusCode::kCorrupt);
  std::string truncated = cairn::testing::MakeZip({{"_chat.txt", std::string(5000, 'a')}});
  truncated.resize(truncated.size() / 2);
  Result<Chat> r = ParseWhatsAppZip({reinterpret_cast<const uint8_t*>(truncated.data()), truncated.size()});
  EXPECT_FALSE(r.ok());
  WhatsAppOptions small;
  small.max_text_bytes = 10;
  const std::string big = cairn::testing::MakeZip({{"_chat.txt", std::string(100, 'a')}});
  EXPECT_EQ(ParseWhatsAppZip({reinterpret_cast<const uint8_t*>(big.data()), big.size()}, small).status().code(),
            StatusCode::kLimitExceeded);
}

}  // namespace
}  // namespace cairn::chat
