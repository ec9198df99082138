// The host → platform table (DATA). Maintained by hand: one row per host suffix; the longest
// matching suffix wins, so "drive.google.com" can be a platform while "google.com" is not.
// Kinds: file_hosting (upload-and-share services), cloud_storage (personal storage with share
// links), messaging (invite and profile links), paste, url_shortener, image_hosting.
// Keep docs/IDENTIFIERS.md in step when adding rows (a test checks every row is listed there).
#include "cairn/extract/platforms.h"

namespace cairn::extract {
namespace {

constexpr PlatformRow kPlatforms[] = {
    // ------------------------------------------------------------ file hosting
    {"mega.nz", "MEGA", "file_hosting"},
    {"mega.co.nz", "MEGA", "file_hosting"},
    {"mega.io", "MEGA", "file_hosting"},
    {"mediafire.com", "MediaFire", "file_hosting"},
    {"gofile.io", "Gofile", "file_hosting"},
    {"anonfiles.com", "AnonFiles", "file_hosting"},
    {"anonfile.com", "AnonFiles", "file_hosting"},
    {"bayfiles.com", "BayFiles", "file_hosting"},
    {"letsupload.cc", "LetsUpload", "file_hosting"},
    {"anonymfile.com", "AnonymFile", "file_hosting"},
    {"wetransfer.com", "WeTransfer", "file_hosting"},
    {"we.tl", "WeTransfer", "file_hosting"},
    {"sendspace.com", "SendSpace", "file_hosting"},
    {"zippyshare.com", "Zippyshare", "file_hosting"},
    {"rapidgator.net", "Rapidgator", "file_hosting"},
    {"rg.to", "Rapidgator", "file_hosting"},
    {"uploaded.net", "Uploaded", "file_hosting"},
    {"ul.to", "Uploaded", "file_hosting"},
    {"nitroflare.com", "Nitroflare", "file_hosting"},
    {"4shared.com", "4shared", "file_hosting"},
    {"files.fm", "Files.fm", "file_hosting"},
    {"krakenfiles.com", "KrakenFiles", "file_hosting"},
    {"pixeldrain.com", "Pixeldrain", "file_hosting"},
    {"catbox.moe", "Catbox", "file_hosting"},
    {"transfer.sh", "transfer.sh", "file_hosting"},
    {"filebin.net", "Filebin", "file_hosting"},
    {"uploadhaven.com", "UploadHaven", "file_hosting"},
    {"filechan.org", "Filechan", "file_hosting"},
    {"sendgb.com", "SendGB", "file_hosting"},
    {"dropmefiles.com", "DropMeFiles", "file_hosting"},
    {"turbobit.net", "Turbobit", "file_hosting"},
    {"k2s.cc", "Keep2Share", "file_hosting"},
    {"keep2share.cc", "Keep2Share", "file_hosting"},
    {"fileditch.com", "FileDitch", "file_hosting"},
    {"bunkr.su", "Bunkr", "file_hosting"},
    {"cyberdrop.me", "Cyberdrop", "file_hosting"},
    // ------------------------------------------------------------ cloud storage
    {"dropbox.com", "Dropbox", "cloud_storage"},
    {"db.tt", "Dropbox", "cloud_storage"},
    {"dropboxusercontent.com", "Dropbox", "cloud_storage"},
    {"drive.google.com", "Google Drive", "cloud_storage"},
    {"docs.google.com", "Google Drive", "cloud_storage"},
    {"drive.usercontent.google.com", "Google Drive", "cloud_storage"},
    {"onedrive.live.com", "OneDrive", "cloud_storage"},
    {"1drv.ms", "OneDrive", "cloud_storage"},
    {"sharepoint.com", "OneDrive", "cloud_storage"},
    {"box.com", "Box", "cloud_storage"},
    {"pcloud.com", "pCloud", "cloud_storage"},
    {"pcloud.link", "pCloud", "cloud_storage"},
    {"icloud.com", "iCloud", "cloud_storage"},
    {"terabox.com", "TeraBox", "cloud_storage"},
    {"teraboxapp.com", "TeraBox", "cloud_storage"},
    {"1024terabox.com", "TeraBox", "cloud_storage"},
    {"terabox.app", "TeraBox", "cloud_storage"},
    {"4funbox.com", "TeraBox", "cloud_storage"},
    {"disk.yandex.ru", "Yandex Disk", "cloud_storage"},
    {"disk.yandex.com", "Yandex Disk", "cloud_storage"},
    {"yadi.sk", "Yandex Disk", "cloud_storage"},
    {"cloud.mail.ru", "Mail.ru Cloud", "cloud_storage"},
    {"pan.baidu.com", "Baidu Netdisk", "cloud_storage"},
    {"jumpshare.com", "Jumpshare", "cloud_storage"},
    {"sync.com", "Sync.com", "cloud_storage"},
    {"icedrive.net", "Icedrive", "cloud_storage"},
    {"koofr.net", "Koofr", "cloud_storage"},
    // ------------------------------------------------------------ messaging
    {"t.me", "Telegram", "messaging"},
    {"telegram.me", "Telegram", "messaging"},
    {"telegram.dog", "Telegram", "messaging"},
    {"telegram.org", "Telegram", "messaging"},
    {"wa.me", "WhatsApp", "messaging"},
    {"chat.whatsapp.com", "WhatsApp", "messaging"},
    {"whatsapp.com", "WhatsApp", "messaging"},
    {"signal.group", "Signal", "messaging"},
    {"signal.me", "Signal", "messaging"},
    {"discord.gg", "Discord", "messaging"},
    {"discord.com", "Discord", "messaging"},
    {"discordapp.com", "Discord", "messaging"},
    {"cdn.discordapp.com", "Discord CDN", "file_hosting"},
    {"kik.me", "Kik", "messaging"},
    {"threema.id", "Threema", "messaging"},
    {"session.id", "Session", "messaging"},
    {"wickr.me", "Wickr", "messaging"},
    {"line.me", "LINE", "messaging"},
    {"viber.com", "Viber", "messaging"},
    {"invite.viber.com", "Viber", "messaging"},
    {"m.me", "Messenger", "messaging"},
    {"matrix.to", "Matrix", "messaging"},
    {"element.io", "Matrix", "messaging"},
    {"snapchat.com", "Snapchat", "messaging"},
    {"wechat.com", "WeChat", "messaging"},
    // ------------------------------------------------------------ paste sites
    {"pastebin.com", "Pastebin", "paste"},
    {"paste.ee", "Paste.ee", "paste"},
    {"ghostbin.co", "Ghostbin", "paste"},
    {"rentry.co", "Rentry", "paste"},
    {"rentry.org", "Rentry", "paste"},
    {"justpaste.it", "JustPaste.it", "paste"},
    {"controlc.com", "ControlC", "paste"},
    {"privatebin.net", "PrivateBin", "paste"},
    {"hastebin.com", "Hastebin", "paste"},
    {"dpaste.org", "dpaste", "paste"},
    {"dpaste.com", "dpaste", "paste"},
    {"pastes.io", "Pastes.io", "paste"},
    {"paste.gg", "paste.gg", "paste"},
    {"telegra.ph", "Telegraph", "paste"},
    // ------------------------------------------------------------ URL shorteners
    {"bit.ly", "Bitly", "url_shortener"},
    {"bitly.com", "Bitly", "url_shortener"},
    {"tinyurl.com", "TinyURL", "url_shortener"},
    {"t.co", "Twitter t.co", "url_shortener"},
    {"goo.gl", "goo.gl", "url_shortener"},
    {"ow.ly", "Hootsuite ow.ly", "url_shortener"},
    {"is.gd", "is.gd", "url_shortener"},
    {"v.gd", "v.gd", "url_shortener"},
    {"buff.ly", "Buffer", "url_shortener"},
    {"rebrand.ly", "Rebrandly", "url_shortener"},
    {"cutt.ly", "Cuttly", "url_shortener"},
    {"shorturl.at", "ShortURL", "url_shortener"},
    {"tiny.cc", "tiny.cc", "url_shortener"},
    {"rb.gy", "rb.gy", "url_shortener"},
    {"shorte.st", "Shorte.st", "url_shortener"},
    {"adf.ly", "AdFly", "url_shortener"},
    {"ouo.io", "ouo.io", "url_shortener"},
    {"linktr.ee", "Linktree", "url_shortener"},
    {"s.id", "s.id", "url_shortener"},
    // ------------------------------------------------------------ image hosts
    {"imgur.com", "Imgur", "image_hosting"},
    {"imgbb.com", "ImgBB", "image_hosting"},
    {"ibb.co", "ImgBB", "image_hosting"},
    {"postimg.cc", "Postimages", "image_hosting"},
    {"postimages.org", "Postimages", "image_hosting"},
    {"imagebam.com", "ImageBam", "image_hosting"},
    {"imagevenue.com", "ImageVenue", "image_hosting"},
    {"imagetwist.com", "ImageTwist", "image_hosting"},
    {"pixhost.to", "PiXhost", "image_hosting"},
    {"prnt.sc", "Lightshot", "image_hosting"},
    {"gyazo.com", "Gyazo", "image_hosting"},
    {"flickr.com", "Flickr", "image_hosting"},
    {"tinypic.com", "TinyPic", "image_hosting"},
    {"imgbox.com", "imgbox", "image_hosting"},
    {"fastpic.org", "FastPic", "image_hosting"},
    {"radikal.ru", "Radikal", "image_hosting"},
    {"turboimagehost.com", "TurboImageHost", "image_hosting"},
    {"imx.to", "IMX.to", "image_hosting"},
};

}  // namespace

std::span<const PlatformRow> PlatformTable() { return kPlatforms; }

std::optional<PlatformRow> LookupPlatform(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const PlatformRow* best = nullptr;
  for (const PlatformRow& row : kPlatforms) {
    const std::string_view s = row.host_suffix;
    if (host.size() < s.size() || host.substr(host.size() - s.size()) != s) continue;
    if (host.size() > s.size() && host[host.size() - s.size() - 1] != '.') continue;
    if (best == nullptr || s.size() > best->host_suffix.size()) best = &row;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace cairn::extract
