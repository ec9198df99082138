// The host → platform table: which service a URL or e-mail host belongs to (file hosting,
// cloud storage, messaging, paste sites, URL shorteners, image hosts). The rows are data in
// src/extract/platforms.cc and listed in docs/IDENTIFIERS.md. Immutable; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace cairn::extract {

struct PlatformRow {
  std::string_view host_suffix;  // "mega.nz" matches "mega.nz" and "x.mega.nz", never "notmega.nz"
  std::string_view platform;     // "MEGA"
  std::string_view kind;         // "file_hosting", "cloud_storage", "messaging", "paste",
                                 // "url_shortener", "image_hosting"
};

// Every row of the table.
std::span<const PlatformRow> PlatformTable();

// The row with the longest host suffix matching `host` (lower case, no port, no trailing dot
// needed), or nullopt.
std::optional<PlatformRow> LookupPlatform(std::string_view host);

}  // namespace cairn::extract

namespace cairn::extract {

struct UpiHandleRow {
  std::string_view handle;  // the part after '@' in a UPI VPA, lower case ("okaxis")
  std::string_view psp;     // the payment app / bank that issues it ("Google Pay (Axis Bank)")
};

// Every known UPI PSP handle (NPCI's published list of handles, by hand).
std::span<const UpiHandleRow> UpiHandleTable();
// The PSP for a lower-case handle, or nullopt.
std::optional<std::string_view> LookupUpiHandle(std::string_view handle);

}  // namespace cairn::extract
