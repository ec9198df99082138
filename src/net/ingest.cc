// `cairn net ingest`: chat exports → net_* tables in the case (see docs/NET.md).
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cairn/chat/telegram.h"
#include "cairn/chat/whatsapp.h"
#include "cairn/core/text.h"
#include "cairn/core/time.h"
#include "cairn/core/digest.h"
#include "cairn/core/file.h"
#include "cairn/core/hex.h"
#include "cairn/extract/extractor.h"
#include "cairn/net/network.h"
#include "cairn/scan/file_hasher.h"
#include "cairn/store/database.h"
#include "net_internal.h"

namespace cairn::net {
namespace {

using store::Statement;

constexpr std::string_view kMigrations[] = {
    R"sql(
CREATE TABLE net_exports(export_id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL, ingested_utc TEXT NOT NULL, chats INTEGER, messages INTEGER, notes TEXT);
CREATE TABLE net_chats(chat_id INTEGER PRIMARY KEY, export_id INTEGER NOT NULL REFERENCES net_exports(export_id),
  platform TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL,
  platform_chat_id INTEGER, date_order TEXT, date_order_source TEXT);
CREATE TABLE net_people(person_id TEXT PRIMARY KEY, key_kind TEXT NOT NULL, weak INTEGER NOT NULL,
  e164 TEXT NOT NULL, region TEXT NOT NULL, country TEXT NOT NULL, platform_id TEXT NOT NULL,
  display_name TEXT NOT NULL);
CREATE TABLE net_aliases(person_id TEXT NOT NULL, alias TEXT NOT NULL, chat_id INTEGER NOT NULL,
  PRIMARY KEY(person_id, alias, chat_id)) WITHOUT ROWID;
CREATE TABLE net_memberships(chat_id INTEGER NOT NULL, person_id TEXT NOT NULL,
  first_seen INTEGER, last_seen INTEGER, messages INTEGER NOT NULL, media INTEGER NOT NULL,
  joined INTEGER, left_at INTEGER, zone_known INTEGER NOT NULL,
  PRIMARY KEY(chat_id, person_id)) WITHOUT ROWID;
CREATE TABLE net_media(media_id INTEGER PRIMARY KEY, media_key TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  size INTEGER, md5 TEXT, sha1 TEXT, sha256 TEXT, known_hits TEXT NOT NULL DEFAULT '',
  first_person TEXT, first_chat INTEGER, first_time INTEGER, first_message INTEGER);
CREATE TABLE net_messages(message_id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, person_id TEXT,
  time INTEGER NOT NULL, zone_known INTEGER NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL,
  event TEXT NOT NULL, attachment TEXT, media_id INTEGER);
CREATE TABLE net_links(link_id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, chat_id INTEGER NOT NULL,
  person_id TEXT, time INTEGER NOT NULL, url TEXT NOT NULL, host TEXT NOT NULL, platform TEXT NOT NULL,
  platform_kind TEXT NOT NULL);
CREATE INDEX net_messages_chat ON net_messages(chat_id, time);
CREATE INDEX net_messages_person ON net_messages(person_id);
CREATE INDEX net_messages_media ON net_messages(media_id, time, message_id) WHERE media_id IS NOT NULL;
CREATE INDEX net_links_person ON net_links(person_id);
CREATE INDEX net_links_url ON net_links(url);
CREATE INDEX net_memberships_person ON net_memberships(person_id);
)sql",
    "ALTER TABLE net_media ADD COLUMN pdq TEXT; ALTER TABLE net_media ADD COLUMN pdq_quality INTEGER;",
    // Media messages: "hashed" (bytes found in the export and digested), "missing" (named, not
    // there), "omitted" (the export says it left the file out); NULL for other messages.
    "ALTER TABLE net_messages ADD COLUMN attachment_status TEXT;",
    // Per-person lookups of messages are only ever of media posts: a partial index instead of one
    // over every message (a random B-tree insert per message was the largest cost of a bulk load).
    "DROP INDEX IF EXISTS net_messages_person;"
    " CREATE INDEX net_messages_person_media ON net_messages(person_id, chat_id) WHERE kind='media';",
};

struct Membership {
  int64_t first = 0, last = 0;
  bool seen = false;
  uint64_t messages = 0, media = 0;
  std::optional<int64_t> joined, left;
  bool zone_known = false;
};

struct PendingMedia {
  int64_t message_id;
  std::string name;
};

struct AttachmentDigest {
  uint64_t size = 0;
  FileDigests digests;
  std::optional<pdq::PdqHash> pdq;
  std::string known_hits;  // "list@version entry N: rule distance D <= threshold T; ..."
};

// A match's numbers as the examiner reads them: distance and threshold, and for the vPDQ rule
// both percentages against the percent and frame thresholds.
std::string MatchNumbers(const scan::Match& m) {
  if (!m.vpdq) return "distance " + std::to_string(m.distance) + " <= threshold " + std::to_string(m.threshold);
  char buf[192];
  std::snprintf(buf, sizeof buf,
                "query %.1f%% / reference %.1f%% of frames within distance < %d (quality >= %d), "
                "match at >= %.1f%%",
                m.vpdq->query_match_percent, m.vpdq->reference_match_percent, m.vpdq->distance,
                m.vpdq->min_quality, m.vpdq->min_percent);
  return buf;
}

std::string Basename(const std::string& s) {
  size_t p = s.find_last_of('/');
  return p == std::string::npos ? s : s.substr(p + 1);
}

bool IsYou(const std::string& s) { return s == "You" || s == "you" || s.empty(); }

class Ingester {
 public:
  Ingester(store::Case& c, const IngestOptions& o, extract::Extractor phones, extract::Extractor urls)
      : c_(c), db_(c.db()), options_(o), phones_(std::move(phones)), urls_(std::move(urls)) {}

  Status Prepare() {
    // Messages are written kMessageBatch rows per INSERT with ids assigned here (one writer: the
    // transaction is open), so links and media can refer to a message before its row is flushed.
    std::string sql =
        "INSERT INTO net_messages(message_id, chat_id, person_id, time, zone_known, line, kind, event, attachment,"
        " attachment_status) VALUES(?,?,?,?,?,?,?,?,?,?)";
    CAIRN_ASSIGN_OR_RETURN(Statement one, db_.Prepare(sql));
    insert_message_ = std::make_unique<Statement>(std::move(one));
    for (size_t i = 1; i < kMessageBatch; ++i) sql += ",(?,?,?,?,?,?,?,?,?,?)";
    CAIRN_ASSIGN_OR_RETURN(Statement batch, db_.Prepare(sql));
    insert_messages_ = std::make_unique<Statement>(std::move(batch));
    rows_.resize(kMessageBatch);
    CAIRN_ASSIGN_OR_RETURN(Statement next, db_.Prepare("SELECT coalesce(max(message_id), 0) + 1 FROM net_messages"));
    CAIRN_ASSIGN_OR_RETURN(bool row, next.Step());
    next_message_id_ = row ? next.ColumnInt(0) : 1;
    CAIRN_ASSIGN_OR_RETURN(Statement l, db_.Prepare(
        "INSERT INTO net_links(message_id, chat_id, person_id, time, url, host, platform, platform_kind)"
        " VALUES(?,?,?,?,?,?,?,?)"));
    insert_link_ = std::make_unique<Statement>(std::move(l));
    return Status::Ok();
  }

  // Person for a sender; remembers it for writing.
  const PersonKey& Resolve(const std::string& name, const std::string& phone, const std::string& user_id) {
    std::string cache_key = name + '\x1f' + phone + '\x1f' + user_id + '\x1f' + chat_title_;
    auto it = cache_.find(cache_key);
    if (it != cache_.end()) return it->second;
    PersonKey key;
    std::string tel = phone;
    if (tel.empty() && !user_id.empty()) {
      auto ct = contact_phones_.find(StripUser(user_id));
      if (ct != contact_phones_.end()) tel = ct->second;
    }
    if (tel.empty() && chat::LooksLikePhoneNumber(name)) tel = name;
    if (!tel.empty()) {
      for (const extract::Identifier& id : phones_.Extract(std::string_view(tel))) {
        if (id.kind == extract::IdentifierKind::kPhone && !id.e164.empty() && id.length + 2 >= tel.size()) {
          key.id = "tel:" + id.e164;
          key.e164 = id.e164;
          key.region = id.region;
          key.country = id.country;
          break;
        }
      }
    }
    if (key.id.empty() && !user_id.empty()) key.id = "tg:" + StripUser(user_id);
    if (key.id.empty()) {
      key.id = "name:" + name + "@" + chat_title_;
      key.weak = true;
    }
    auto& person = people_[key.id];
    if (person.id.empty()) {
      person = key;
      platform_ids_[key.id] = user_id.empty() ? "" : StripUser(user_id);
    }
    if (!name.empty()) aliases_.insert({key.id, name, chat_id_});
    return cache_.emplace(cache_key, key).first->second;
  }

  static std::string StripUser(const std::string& id) {
    if (id.rfind("user", 0) == 0) return id.substr(4);
    return id;
  }

  Membership& Member(const std::string& person) { return memberships_[{chat_id_, person}]; }

  // The sender of a message in the current chat, with its membership (one lookup per message
  // into a per-chat cache; the key buffer is reused).
  std::pair<const PersonKey*, Membership*> Sender(const chat::Message& msg) {
    sender_key_.assign(msg.sender_name);
    sender_key_.push_back('\x1f');
    sender_key_.append(msg.sender_phone);
    sender_key_.push_back('\x1f');
    sender_key_.append(msg.sender_id);
    auto it = chat_senders_.find(sender_key_);
    if (it != chat_senders_.end()) return it->second;
    const PersonKey& p = Resolve(msg.sender_name, msg.sender_phone, msg.sender_id);
    return chat_senders_.emplace(sender_key_, std::pair{&p, &Member(p.id)}).first->second;
  }

  void Seen(Membership& m, const chat::Timestamp& t) {
    if (!m.seen) {
      m.first = m.last = t.seconds;
      m.seen = true;
    } else {
      m.first = std::min(m.first, t.seconds);
      m.last = std::max(m.last, t.seconds);
    }
    m.zone_known = t.zone_known;
  }

  Status OnMessage(const chat::Message& msg) {
    const PersonKey* sender = nullptr;
    Membership* membership = nullptr;
    if (msg.kind != chat::MessageKind::kSystem && !(msg.sender_name.empty() && msg.sender_id.empty())) {
      std::tie(sender, membership) = Sender(msg);
    }
    const int64_t message_id = next_message_id_++;
    Row& row = rows_[rows_used_++];
    row.id = message_id;
    row.chat = chat_id_;
    row.person = sender ? &sender->id : nullptr;
    row.time = msg.time.seconds;
    row.zone_known = msg.time.zone_known;
    row.line = static_cast<int64_t>(msg.line);
    row.kind = msg.kind;
    row.event = msg.event;
    row.has_attachment = msg.kind == chat::MessageKind::kMedia && !msg.attachment.empty();
    if (row.has_attachment) row.attachment.assign(msg.attachment);
    // Named attachments get "hashed" or "missing" when the chat's media are resolved.
    row.omitted = msg.kind == chat::MessageKind::kMedia && (msg.attachment.empty() || msg.attachment_omitted);
    if (row.omitted) ++result_.attachments_omitted;
    if (rows_used_ == kMessageBatch) CAIRN_RETURN_IF_ERROR(FlushMessages());
    ++result_.messages;
    if (sender) {
      Membership& m = *membership;
      Seen(m, msg.time);
      ++m.messages;
      if (msg.kind == chat::MessageKind::kMedia) {
        ++m.media;
        ++result_.media;
        if (!msg.attachment.empty() && !msg.attachment_omitted) {
          pending_media_.push_back({message_id, msg.attachment});
        }
      }
      CAIRN_RETURN_IF_ERROR(Links(msg, message_id, sender->id));
    }
    if (msg.kind == chat::MessageKind::kSystem) CAIRN_RETURN_IF_ERROR(Event(msg));
    return Status::Ok();
  }

  // Writes the buffered message rows: full batches with one statement, the rest one by one.
  Status FlushMessages() {
    const bool full = rows_used_ == kMessageBatch;
    for (size_t r = 0; r < rows_used_; ++r) {
      Statement& st = full ? *insert_messages_ : *insert_message_;
      const int base = full ? static_cast<int>(r) * 10 : 0;
      const Row& row = rows_[r];
      CAIRN_RETURN_IF_ERROR(st.BindInt(base + 1, row.id));
      CAIRN_RETURN_IF_ERROR(st.BindInt(base + 2, row.chat));
      if (row.person) {
        CAIRN_RETURN_IF_ERROR(st.BindText(base + 3, *row.person));
      } else {
        CAIRN_RETURN_IF_ERROR(st.BindNull(base + 3));
      }
      CAIRN_RETURN_IF_ERROR(st.BindInt(base + 4, row.time));
      CAIRN_RETURN_IF_ERROR(st.BindInt(base + 5, row.zone_known ? 1 : 0));
      CAIRN_RETURN_IF_ERROR(st.BindInt(base + 6, row.line));
      CAIRN_RETURN_IF_ERROR(st.BindText(base + 7, chat::MessageKindName(row.kind)));
      CAIRN_RETURN_IF_ERROR(st.BindText(base + 8, chat::SystemEventName(row.event)));
      if (row.has_attachment) {
        CAIRN_RETURN_IF_ERROR(st.BindText(base + 9, row.attachment));
      } else {
        CAIRN_RETURN_IF_ERROR(st.BindNull(base + 9));
      }
      if (row.omitted) {
        CAIRN_RETURN_IF_ERROR(st.BindText(base + 10, "omitted"));
      } else {
        CAIRN_RETURN_IF_ERROR(st.BindNull(base + 10));
      }
      if (!full) CAIRN_RETURN_IF_ERROR(st.Run());
    }
    if (full) CAIRN_RETURN_IF_ERROR(insert_messages_->Run());
    rows_used_ = 0;
    return Status::Ok();
  }

  Status Links(const chat::Message& msg, int64_t message_id, const std::string& person) {
    std::set<std::string> seen;
    auto scan = [&](std::string_view text) -> Status {
      if (text.find('.') == std::string_view::npos) return Status::Ok();
      for (const extract::Identifier& id : urls_.Extract(text)) {
        if (id.kind != extract::IdentifierKind::kUrl) continue;
        const std::string& url = id.normalized.empty() ? id.value : id.normalized;
        if (!seen.insert(url).second) continue;
        Statement& st = *insert_link_;
        CAIRN_RETURN_IF_ERROR(st.BindInt(1, message_id));
        CAIRN_RETURN_IF_ERROR(st.BindInt(2, chat_id_));
        CAIRN_RETURN_IF_ERROR(st.BindText(3, person));
        CAIRN_RETURN_IF_ERROR(st.BindInt(4, msg.time.seconds));
        CAIRN_RETURN_IF_ERROR(st.BindText(5, url));
        CAIRN_RETURN_IF_ERROR(st.BindText(6, id.host));
        CAIRN_RETURN_IF_ERROR(st.BindText(7, id.platform));
        CAIRN_RETURN_IF_ERROR(st.BindText(8, id.platform_kind));
        CAIRN_RETURN_IF_ERROR(st.Run());
        ++result_.links;
      }
      return Status::Ok();
    };
    CAIRN_RETURN_IF_ERROR(scan(msg.text));
    for (const chat::TextEntity& e : msg.entities) {
      if (!e.href.empty()) CAIRN_RETURN_IF_ERROR(scan(e.href));
    }
    return Status::Ok();
  }

  Status Event(const chat::Message& msg) {
    auto person_for = [&](const std::string& who) -> const PersonKey* {
      if (IsYou(who)) return nullptr;
      // Telegram names the actor with an id, the targets by name only: a name is the chat member
      // of that name (with its id and contact phone) when the parser saw one.
      if (who == msg.event_actor && !msg.sender_id.empty()) return &Resolve(who, "", msg.sender_id);
      if (auto it = chat_members_.find(who); it != chat_members_.end()) {
        return &Resolve(who, it->second->phone, it->second->user_id);
      }
      return &Resolve(who, chat::LooksLikePhoneNumber(who) ? who : "", "");
    };
    auto joined = [&](const std::string& who) {
      const PersonKey* p = person_for(who);
      if (!p) return;
      Membership& m = Member(p->id);
      Seen(m, msg.time);
      if (!m.joined || msg.time.seconds < *m.joined) m.joined = msg.time.seconds;
    };
    auto left = [&](const std::string& who) {
      const PersonKey* p = person_for(who);
      if (!p) return;
      Membership& m = Member(p->id);
      Seen(m, msg.time);
      if (!m.left || msg.time.seconds > *m.left) m.left = msg.time.seconds;
    };
    switch (msg.event) {
      case chat::SystemEvent::kAdded:
        for (const std::string& t : msg.event_targets) joined(t);
        break;
      case chat::SystemEvent::kJoinedByLink:
      case chat::SystemEvent::kCreatedGroup:
        joined(msg.event_actor);
        break;
      case chat::SystemEvent::kLeft:
        left(msg.event_actor);
        break;
      case chat::SystemEvent::kRemoved:
        for (const std::string& t : msg.event_targets) left(t);
        break;
      default:
        break;
    }
    return Status::Ok();
  }

  Status BeginChat(const chat::Chat& chat_meta, const std::string& title) {
    CAIRN_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "INSERT INTO net_chats(export_id, platform, title, source, type, platform_chat_id) VALUES(?,?,?,?,?,?)"));
    CAIRN_RETURN_IF_ERROR(st.BindInt(1, export_id_));
    CAIRN_RETURN_IF_ERROR(st.BindText(2, chat::PlatformName(chat_meta.platform)));
    CAIRN_RETURN_IF_ERROR(st.BindText(3, title));
    CAIRN_RETURN_IF_ERROR(st.BindText(4, chat_meta.source));
    CAIRN_RETURN_IF_ERROR(st.BindText(5, chat::ChatTypeName(chat_meta.type)));
    if (chat_meta.platform_chat_id >= 0) {
      CAIRN_RETURN_IF_ERROR(st.BindInt(6, chat_meta.platform_chat_id));
    } else {
      CAIRN_RETURN_IF_ERROR(st.BindNull(6));
    }
    CAIRN_RETURN_IF_ERROR(st.Run());
    chat_id_ = db_.LastInsertRowId();
    chat_title_ = title;
    chat_senders_.clear();
    ++result_.chats;
    return Status::Ok();
  }

  Status EndChat(const chat::Chat& chat) {
    CAIRN_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
        "UPDATE net_chats SET title=?, source=?, type=?, date_order=?, date_order_source=? WHERE chat_id=?"));
    std::string title = chat.title.empty() ? chat_title_ : chat.title;
    CAIRN_RETURN_IF_ERROR(st.BindText(1, title));
    CAIRN_RETURN_IF_ERROR(st.BindText(2, chat.source));
    CAIRN_RETURN_IF_ERROR(st.BindText(3, chat::ChatTypeName(chat.type)));
    CAIRN_RETURN_IF_ERROR(st.BindText(4, chat::DateOrderName(chat.report.date_order)));
    CAIRN_RETURN_IF_ERROR(st.BindText(5, chat::DecisionSourceName(chat.report.date_order_source)));
    CAIRN_RETURN_IF_ERROR(st.BindInt(6, chat_id_));
    CAIRN_RETURN_IF_ERROR(st.Run());
    // Members the parser saw that never wrote (e.g. Telegram member lists) still belong.
    for (const chat::Member& m : chat.members) {
      if (IsYou(m.name) && m.user_id.empty()) continue;
      const PersonKey& p = Resolve(m.name, m.phone, m.user_id);
      memberships_[{chat_id_, p.id}];
    }
    if (chat.report.date_order_ambiguous || !chat.report.date_order_reason.empty()) {
      result_.notes.push_back(chat.source + ": date order " + std::string(chat::DateOrderName(chat.report.date_order)) +
                              " (" + std::string(chat::DecisionSourceName(chat.report.date_order_source)) + "): " +
                              chat.report.date_order_reason);
    }
    if (!chat.report.skipped.empty()) {
      result_.notes.push_back(chat.source + ": " + std::to_string(chat.report.skipped.size()) + " lines skipped");
    }
    for (const std::string& n : chat.report.notes) result_.notes.push_back(chat.source + ": " + n);
    return ResolveMedia();
  }

  Status ResolveMedia() {
    CAIRN_RETURN_IF_ERROR(FlushMessages());
    CAIRN_ASSIGN_OR_RETURN(Statement ins, db_.Prepare(
        "INSERT INTO net_media(media_key, name, size, md5, sha1, sha256, pdq, pdq_quality, known_hits)"
        " VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(media_key) DO UPDATE SET known_hits=excluded.known_hits"
        " WHERE excluded.known_hits<>'' AND net_media.known_hits=''"));
    CAIRN_ASSIGN_OR_RETURN(Statement get, db_.Prepare("SELECT media_id FROM net_media WHERE media_key=?"));
    CAIRN_ASSIGN_OR_RETURN(Statement upd, db_.Prepare(
        "UPDATE net_messages SET media_id=?, attachment_status=? WHERE message_id=?"));
    for (const PendingMedia& pm : pending_media_) {
      std::string key;
      const AttachmentDigest* d = nullptr;
      auto it = attachments_.find(pm.name);
      if (it == attachments_.end()) it = attachments_.find(Basename(pm.name));
      if (it != attachments_.end()) {
        d = &it->second;
        key = "sha256:" + d->digests.sha256.ToHex();
      } else {
        key = "name:" + std::to_string(chat_id_) + ":" + pm.name;
      }
      CAIRN_RETURN_IF_ERROR(ins.BindText(1, key));
      CAIRN_RETURN_IF_ERROR(ins.BindText(2, pm.name));
      if (d) {
        CAIRN_RETURN_IF_ERROR(ins.BindInt(3, static_cast<int64_t>(d->size)));
        CAIRN_RETURN_IF_ERROR(ins.BindText(4, d->digests.md5.ToHex()));
        CAIRN_RETURN_IF_ERROR(ins.BindText(5, d->digests.sha1.ToHex()));
        CAIRN_RETURN_IF_ERROR(ins.BindText(6, d->digests.sha256.ToHex()));
        if (d->pdq) {
          CAIRN_RETURN_IF_ERROR(ins.BindText(7, d->pdq->hash.ToHex()));
          CAIRN_RETURN_IF_ERROR(ins.BindInt(8, d->pdq->quality));
        } else {
          CAIRN_RETURN_IF_ERROR(ins.BindNull(7));
          CAIRN_RETURN_IF_ERROR(ins.BindNull(8));
        }
        CAIRN_RETURN_IF_ERROR(ins.BindText(9, d->known_hits));
      } else {
        for (int i = 3; i <= 8; ++i) CAIRN_RETURN_IF_ERROR(ins.BindNull(i));
        CAIRN_RETURN_IF_ERROR(ins.BindText(9, ""));
      }
      CAIRN_RETURN_IF_ERROR(ins.Run());
      CAIRN_RETURN_IF_ERROR(get.BindText(1, key));
      CAIRN_ASSIGN_OR_RETURN(bool row, get.Step());
      if (!row) return Status::Corrupt(db_.path().string() + ": media row vanished");
      const int64_t media_id = get.ColumnInt(0);
      get.Reset();
      CAIRN_RETURN_IF_ERROR(upd.BindInt(1, media_id));
      CAIRN_RETURN_IF_ERROR(upd.BindText(2, d ? "hashed" : "missing"));
      CAIRN_RETURN_IF_ERROR(upd.BindInt(3, pm.message_id));
      if (!d) ++result_.attachments_missing;
      CAIRN_RETURN_IF_ERROR(upd.Run());
    }
    pending_media_.clear();
    attachments_.clear();
    return Status::Ok();
  }

  scan::FileHasher& Hasher() {
    if (!hasher_) {
      scan::HashOptions ho;
      ho.dihedral = options_.matcher != nullptr;
      ho.max_image_bytes = options_.max_attachment_bytes;
      hasher_ = std::make_unique<scan::FileHasher>(ho);
    }
    return *hasher_;
  }

  // A zip member: digested while streamed, decoded (PDQ) when it fits in max_attachment_bytes.
  Status OnAttachment(const chat::AttachmentFile& file, chat::AttachmentReader& reader) {
    if (!options_.hash_attachments) return Status::Ok();
    std::vector<uint8_t> bytes;
    std::vector<uint8_t> buf(1 << 16);
    MultiDigester digester;
    uint64_t size = 0;
    bool whole = true;
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(size_t n, reader.Read(buf));
      if (n == 0) break;
      digester.Update(std::span<const uint8_t>(buf.data(), n));
      size += n;
      if (whole && size <= options_.max_attachment_bytes) {
        bytes.insert(bytes.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      } else {
        whole = false;
        bytes.clear();
      }
    }
    const FileDigests digests = digester.Finish();
    if (!whole) return Remember(file.name, size, digests, nullptr);
    const scan::FileHashRecord rec = Hasher().HashBytes(file.name, bytes);
    return Remember(file.name, size, digests, &rec);
  }

  // Telegram Desktop: the chat's media messages name files relative to the export folder
  // ("photos/photo_1@01-01-2024_10-00-00.jpg", "files/…", "video_files/…"); those present
  // beside the JSON are hashed like zip members. Names that leave the folder are not followed.
  Status HashFilesBeside(const std::filesystem::path& folder) {
    if (!options_.hash_attachments) return Status::Ok();
    std::set<std::string> done;
    for (const PendingMedia& pm : pending_media_) {
      if (!done.insert(pm.name).second || attachments_.count(pm.name)) continue;
      const std::filesystem::path rel(pm.name);
      bool inside = rel.is_relative() && !rel.empty();
      for (const auto& part : rel) inside = inside && part != "..";
      if (!inside) {
        result_.notes.push_back(folder.string() + ": attachment '" + pm.name + "' is outside the export folder; not read");
        continue;
      }
      const std::filesystem::path full = folder / rel;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(full, ec)) continue;
      const scan::FileHashRecord rec = Hasher().HashFile(full);
      if (!rec.digests) {
        result_.notes.push_back(full.string() + ": cannot be read (" + rec.error.ToString() + "); recorded as missing");
        continue;
      }
      CAIRN_RETURN_IF_ERROR(Remember(pm.name, rec.size, *rec.digests, &rec));
    }
    return Status::Ok();
  }

  // Records one attachment's digests (and PDQ from `rec` when it decoded) and its list matches.
  Status Remember(const std::string& name, uint64_t size, const FileDigests& digests, const scan::FileHashRecord* rec) {
    AttachmentDigest d{size, digests, std::nullopt, ""};
    // PDQ and vPDQ frames from `rec` when it decoded; digests from the stream in any case.
    scan::MatchQuery q = rec ? scan::QueryFor(*rec) : scan::MatchQuery{};
    q.md5 = d.digests.md5;
    q.sha1 = d.digests.sha1;
    q.sha256 = d.digests.sha256;
    if (rec) d.pdq = rec->pdq;
    if (options_.matcher) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<scan::Match> hits, options_.matcher->Find(q));
      for (const scan::Match& m : hits) {
        if (!d.known_hits.empty()) d.known_hits += "; ";
        d.known_hits += m.list->info().name + "@" + m.list->info().version + " entry " + std::to_string(m.entry_id) +
                        ": " + std::string(scan::MatchRuleName(m.rule)) + " " + MatchNumbers(m);
      }
      if (!hits.empty()) ++result_.known_hits;
    }
    attachments_[name] = d;
    attachments_.emplace(Basename(name), d);
    ++result_.attachments_hashed;
    return Status::Ok();
  }

  Status Finish() {
    // People: new ones into net_people and the shared registry.
    CAIRN_ASSIGN_OR_RETURN(Statement ins, db_.Prepare(
        "INSERT INTO net_people(person_id, key_kind, weak, e164, region, country, platform_id, display_name)"
        " VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(person_id) DO NOTHING"));
    CAIRN_ASSIGN_OR_RETURN(Statement exists, db_.Prepare("SELECT 1 FROM people WHERE person_id=?"));
    CAIRN_ASSIGN_OR_RETURN(Statement ch, db_.Prepare("SELECT changes()"));
    std::map<std::string, std::string> display;
    for (const auto& a : aliases_) {
      const std::string& alias = std::get<1>(a);
      auto& d = display[std::get<0>(a)];
      if (d.empty() || (chat::LooksLikePhoneNumber(d) && !chat::LooksLikePhoneNumber(alias))) d = alias;
    }
    for (const auto& [id, p] : people_) {
      std::string name = display[id];
      if (name.empty()) name = p.e164;
      CAIRN_RETURN_IF_ERROR(ins.BindText(1, id));
      CAIRN_RETURN_IF_ERROR(ins.BindText(2, !p.e164.empty() ? "phone" : p.weak ? "name" : "platform_id"));
      CAIRN_RETURN_IF_ERROR(ins.BindInt(3, p.weak ? 1 : 0));
      CAIRN_RETURN_IF_ERROR(ins.BindText(4, p.e164));
      CAIRN_RETURN_IF_ERROR(ins.BindText(5, p.region));
      CAIRN_RETURN_IF_ERROR(ins.BindText(6, p.country));
      CAIRN_RETURN_IF_ERROR(ins.BindText(7, platform_ids_[id]));
      CAIRN_RETURN_IF_ERROR(ins.BindText(8, name));
      CAIRN_RETURN_IF_ERROR(ins.Run());
      CAIRN_ASSIGN_OR_RETURN(bool r, ch.Step());
      if (r && ch.ColumnInt(0) > 0) ++result_.people_new;
      ch.Reset();
      CAIRN_RETURN_IF_ERROR(exists.BindText(1, id));
      CAIRN_ASSIGN_OR_RETURN(bool known, exists.Step());
      exists.Reset();
      if (!known) CAIRN_RETURN_IF_ERROR(c_.UpsertPerson(id, name, p.e164, "", false, ""));
    }
    CAIRN_ASSIGN_OR_RETURN(Statement al, db_.Prepare(
        "INSERT OR IGNORE INTO net_aliases(person_id, alias, chat_id) VALUES(?,?,?)"));
    for (const auto& [pid, alias, chat] : aliases_) {
      CAIRN_RETURN_IF_ERROR(al.BindText(1, pid));
      CAIRN_RETURN_IF_ERROR(al.BindText(2, alias));
      CAIRN_RETURN_IF_ERROR(al.BindInt(3, chat));
      CAIRN_RETURN_IF_ERROR(al.Run());
    }
    CAIRN_ASSIGN_OR_RETURN(Statement mem, db_.Prepare(
        "INSERT INTO net_memberships(chat_id, person_id, first_seen, last_seen, messages, media, joined, left_at,"
        " zone_known) VALUES(?,?,?,?,?,?,?,?,?)"));
    for (const auto& [k, m] : memberships_) {
      CAIRN_RETURN_IF_ERROR(mem.BindInt(1, k.first));
      CAIRN_RETURN_IF_ERROR(mem.BindText(2, k.second));
      if (m.seen) {
        CAIRN_RETURN_IF_ERROR(mem.BindInt(3, m.first));
        CAIRN_RETURN_IF_ERROR(mem.BindInt(4, m.last));
      } else {
        CAIRN_RETURN_IF_ERROR(mem.BindNull(3));
        CAIRN_RETURN_IF_ERROR(mem.BindNull(4));
      }
      CAIRN_RETURN_IF_ERROR(mem.BindInt(5, static_cast<int64_t>(m.messages)));
      CAIRN_RETURN_IF_ERROR(mem.BindInt(6, static_cast<int64_t>(m.media)));
      if (m.joined) { CAIRN_RETURN_IF_ERROR(mem.BindInt(7, *m.joined)); } else { CAIRN_RETURN_IF_ERROR(mem.BindNull(7)); }
      if (m.left) { CAIRN_RETURN_IF_ERROR(mem.BindInt(8, *m.left)); } else { CAIRN_RETURN_IF_ERROR(mem.BindNull(8)); }
      CAIRN_RETURN_IF_ERROR(mem.BindInt(9, m.zone_known ? 1 : 0));
      CAIRN_RETURN_IF_ERROR(mem.Run());
    }
    // First poster of every media item posted in this export: the earliest post (time, then
    // message order) over all exports. Items this export does not post keep theirs.
    CAIRN_ASSIGN_OR_RETURN(Statement first, db_.Prepare(
        "UPDATE net_media SET (first_person, first_chat, first_time, first_message) = "
        "(SELECT person_id, chat_id, time, message_id FROM net_messages m WHERE m.media_id = net_media.media_id "
        "ORDER BY time, message_id LIMIT 1) WHERE media_id IN (SELECT media_id FROM net_messages WHERE "
        "media_id IS NOT NULL AND chat_id IN (SELECT chat_id FROM net_chats WHERE export_id=?))"));
    CAIRN_RETURN_IF_ERROR(first.BindInt(1, export_id_));
    CAIRN_RETURN_IF_ERROR(first.Run());
    // Posters of media matching a list are flagged in the shared registry (with the evidence).
    CAIRN_ASSIGN_OR_RETURN(Statement flagged, db_.Prepare(
        "SELECT m.person_id, group_concat(DISTINCT x.known_hits), p.display_name, p.e164 FROM net_messages m"
        " JOIN net_media x USING(media_id) JOIN net_people p USING(person_id)"
        " WHERE x.known_hits<>'' AND m.person_id IS NOT NULL AND m.chat_id IN"
        " (SELECT chat_id FROM net_chats WHERE export_id=?) GROUP BY m.person_id"));
    CAIRN_RETURN_IF_ERROR(flagged.BindInt(1, export_id_));
    std::vector<std::array<std::string, 4>> to_flag;
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, flagged.Step());
      if (!row) break;
      to_flag.push_back({std::string(flagged.ColumnText(0)), std::string(flagged.ColumnText(1)),
                         std::string(flagged.ColumnText(2)), std::string(flagged.ColumnText(3))});
    }
    CAIRN_ASSIGN_OR_RETURN(Statement prior, db_.Prepare("SELECT flagged, flag_reason FROM people WHERE person_id=?"));
    for (const auto& f : to_flag) {
      std::string reason = "posted media matching a hash list (net): " + f[1];
      if (reason.size() > 2000) reason = reason.substr(0, 2000) + "...";
      // Keep another module's reason: append ours unless it is already there.
      CAIRN_RETURN_IF_ERROR(prior.BindText(1, f[0]));
      CAIRN_ASSIGN_OR_RETURN(bool has_prior, prior.Step());
      if (has_prior && prior.ColumnInt(0) != 0) {
        const std::string old(prior.ColumnText(1));
        if (old.find(reason) != std::string::npos) reason = old;
        else if (!old.empty()) reason = old + " | " + reason;
      }
      prior.Reset();
      CAIRN_RETURN_IF_ERROR(c_.UpsertPerson(f[0], f[2], f[3], "", true, reason));
    }
    return Status::Ok();
  }

  store::Case& c_;
  store::Database& db_;
  IngestOptions options_;
  extract::Extractor phones_, urls_;
  std::unique_ptr<Statement> insert_message_, insert_messages_, insert_link_;
  static constexpr size_t kMessageBatch = 128;
  // A message row waiting for its batch (strings keep their capacity between batches).
  struct Row {
    int64_t id = 0, chat = 0, time = 0, line = 0;
    const std::string* person = nullptr;  // PersonKey::id in cache_ (nodes do not move)
    bool zone_known = false, has_attachment = false, omitted = false;
    chat::MessageKind kind = chat::MessageKind::kText;
    chat::SystemEvent event = chat::SystemEvent::kNone;
    std::string attachment;
  };
  std::vector<Row> rows_;
  size_t rows_used_ = 0;
  int64_t next_message_id_ = 1;
  std::unique_ptr<scan::FileHasher> hasher_;
  int64_t export_id_ = 0;
  int64_t chat_id_ = 0;
  std::string chat_title_;
  IngestResult result_;
  std::unordered_map<std::string, PersonKey> cache_;
  // Current chat: sender "name\x1fphone\x1fuser id" → person (in cache_) and membership (a
  // memberships_ node; std::map nodes do not move).
  std::unordered_map<std::string, std::pair<const PersonKey*, Membership*>> chat_senders_;
  std::string sender_key_;
  std::map<std::string, PersonKey> people_;
  std::map<std::string, std::string> platform_ids_;
  std::set<std::tuple<std::string, std::string, int64_t>> aliases_;
  std::map<std::pair<int64_t, std::string>, Membership> memberships_;
  std::vector<PendingMedia> pending_media_;
  std::unordered_map<std::string, AttachmentDigest> attachments_;
  std::unordered_map<std::string, std::string> contact_phones_;
  // Telegram: the chat's members by display name (for service messages naming targets).
  std::unordered_map<std::string, const chat::Member*> chat_members_;
  Status sink_status_;
};

bool LooksLikeJson(std::span<const uint8_t> head) {
  // '{', or '[' followed by '{' or ']' (an iOS WhatsApp line starts with "[dd/mm/yy").
  bool bracket = false;
  for (uint8_t b : head) {
    if (b == ' ' || b == '\n' || b == '\r' || b == '\t') continue;
    if (!bracket && (b == 0xEF || b == 0xBB || b == 0xBF)) continue;  // BOM
    if (bracket) return b == '{' || b == ']';
    if (b == '[') {
      bracket = true;
      continue;
    }
    return b == '{';
  }
  return false;
}

}  // namespace

Status EnsureSchema(store::Case& c) { return store::ApplyMigrations(c.db(), "net", kMigrations); }

Result<IngestResult> IngestExport(store::Case& c, const std::filesystem::path& path, const IngestOptions& options) {
  CAIRN_RETURN_IF_ERROR(EnsureSchema(c));
  extract::ExtractOptions po;
  po.default_region = options.default_region;
  po.scan_utf16 = false;
  po.decode_streams = false;  // message text and phone fields, not byte streams holding documents
  po.kinds = 1u << static_cast<int>(extract::IdentifierKind::kPhone);
  CAIRN_ASSIGN_OR_RETURN(extract::Extractor phones, extract::Extractor::Create(po));
  extract::ExtractOptions uo;
  uo.scan_utf16 = false;
  uo.decode_streams = false;
  uo.kinds = 1u << static_cast<int>(extract::IdentifierKind::kUrl);
  CAIRN_ASSIGN_OR_RETURN(extract::Extractor urls, extract::Extractor::Create(uo));

  // Export identity: SHA-256 of the file, streamed.
  Sha256Digester file_digest;
  std::vector<uint8_t> head;
  {
    CAIRN_ASSIGN_OR_RETURN(ReadOnlyFile f, ReadOnlyFile::Open(path));
    std::vector<uint8_t> buf(1 << 20);
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(size_t n, f.Read(buf));
      if (n == 0) break;
      if (head.size() < 64) head.insert(head.end(), buf.begin(), buf.begin() + std::min<size_t>(n, 64));
      file_digest.Update(std::span<const uint8_t>(buf.data(), n));
    }
  }
  IngestResult result;
  result.path = path.string();
  result.sha256 = file_digest.Finish().ToHex();
  {
    CAIRN_ASSIGN_OR_RETURN(Statement st, c.db().Prepare("SELECT export_id FROM net_exports WHERE sha256=?"));
    CAIRN_RETURN_IF_ERROR(st.BindText(1, result.sha256));
    CAIRN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      result.already_ingested = true;
      result.export_id = st.ColumnInt(0);
      return result;
    }
  }
  const bool is_json = LooksLikeJson(head);

  // A bulk load touches the message indexes all over (by person): a page cache of 256 MiB instead
  // of SQLite's 2 MiB keeps them in memory. The connection's setting is restored afterwards.
  int64_t cache_pages = -2000;
  {
    CAIRN_ASSIGN_OR_RETURN(Statement st, c.db().Prepare("PRAGMA cache_size"));
    CAIRN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) cache_pages = st.ColumnInt(0);
  }
  CAIRN_RETURN_IF_ERROR(c.db().Exec("PRAGMA cache_size=-262144"));
  struct RestoreCache {
    store::Database& db;
    int64_t pages;
    ~RestoreCache() { (void)db.Exec("PRAGMA cache_size=" + std::to_string(pages)); }
  } restore_cache{c.db(), cache_pages};

  CAIRN_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(c.db()));
  Ingester in(c, options, std::move(phones), std::move(urls));
  CAIRN_RETURN_IF_ERROR(in.Prepare());
  {
    CAIRN_ASSIGN_OR_RETURN(Statement st, c.db().Prepare(
        "INSERT INTO net_exports(path, sha256, format, ingested_utc) VALUES(?,?,?,?)"));
    CAIRN_RETURN_IF_ERROR(st.BindText(1, result.path));
    CAIRN_RETURN_IF_ERROR(st.BindText(2, result.sha256));
    CAIRN_RETURN_IF_ERROR(st.BindText(3, is_json ? std::string("telegram_json")
                                                 : std::string(chat::PlatformName(options.text_platform))));
    CAIRN_RETURN_IF_ERROR(st.BindText(4, UtcNow()));
    CAIRN_RETURN_IF_ERROR(st.Run());
    in.export_id_ = c.db().LastInsertRowId();
  }
  if (is_json) {
    CAIRN_ASSIGN_OR_RETURN(chat::ChatExport ex, chat::ParseTelegramFile(path));
    for (const chat::Contact& ct : ex.contacts) {
      if (!ct.phone.empty() && !ct.user_id.empty()) in.contact_phones_[Ingester::StripUser(ct.user_id)] = ct.phone;
    }
    for (const chat::Chat& ch : ex.chats) {
      std::string title = ch.title.empty() ? path.filename().string() : ch.title;
      CAIRN_RETURN_IF_ERROR(in.BeginChat(ch, title));
      in.chat_members_.clear();
      for (const chat::Member& m : ch.members) {
        if (!m.name.empty() && !m.user_id.empty()) in.chat_members_.emplace(m.name, &m);
      }
      for (const chat::Message& m : ch.messages) CAIRN_RETURN_IF_ERROR(in.OnMessage(m));
      CAIRN_RETURN_IF_ERROR(in.HashFilesBeside(path.parent_path()));
      CAIRN_RETURN_IF_ERROR(in.EndChat(ch));
    }
  } else {
    chat::WhatsAppOptions wo;
    wo.date_order = options.date_order;
    wo.platform = options.text_platform;
    chat::Chat meta;
    meta.platform = options.text_platform;
    meta.source = path.string();
    std::string title = chat::ChatNameFromFileName(path.filename().string());
    if (title.empty()) title = path.stem().string();
    CAIRN_RETURN_IF_ERROR(in.BeginChat(meta, title));
    Status sink_status;
    auto sink = [&](const chat::Message& m) {
      if (!sink_status.ok()) return;
      sink_status = in.OnMessage(m);
    };
    auto visitor = [&](const chat::AttachmentFile& f, chat::AttachmentReader& r) -> Status {
      return in.OnAttachment(f, r);
    };
    CAIRN_ASSIGN_OR_RETURN(chat::Chat ch, chat::ParseWhatsAppFile(path, wo, visitor, sink));
    CAIRN_RETURN_IF_ERROR(sink_status);
    CAIRN_RETURN_IF_ERROR(in.EndChat(ch));
  }
  CAIRN_RETURN_IF_ERROR(in.Finish());
  IngestResult r = in.result_;
  r.path = result.path;
  r.sha256 = result.sha256;
  r.export_id = in.export_id_;
  {
    std::string notes;
    for (const std::string& n : r.notes) notes += n + "\n";
    CAIRN_ASSIGN_OR_RETURN(Statement st, c.db().Prepare(
        "UPDATE net_exports SET chats=?, messages=?, notes=? WHERE export_id=?"));
    CAIRN_RETURN_IF_ERROR(st.BindInt(1, static_cast<int64_t>(r.chats)));
    CAIRN_RETURN_IF_ERROR(st.BindInt(2, static_cast<int64_t>(r.messages)));
    CAIRN_RETURN_IF_ERROR(st.BindText(3, notes));
    CAIRN_RETURN_IF_ERROR(st.BindInt(4, r.export_id));
    CAIRN_RETURN_IF_ERROR(st.Run());
  }
  CAIRN_RETURN_IF_ERROR(c.AppendAudit("net.ingest", "{\"path\":" + JsonQuote(r.path) + ",\"sha256\":\"" + r.sha256 +
                                                         "\",\"chats\":" + std::to_string(r.chats) +
                                                         ",\"messages\":" + std::to_string(r.messages) +
                                                         ",\"known_hits\":" + std::to_string(r.known_hits) + "}"));
  CAIRN_RETURN_IF_ERROR(tx.Commit());
  return r;
}

}  // namespace cairn::net
