#include "cairn/core/atomic_write.h"

#include <fstream>
#include <string>
#include <system_error>
#include <thread>

namespace cairn {

Status WriteFileAtomically(const std::filesystem::path& path,
                           const std::function<Status(std::ostream&)>& fill) {
  const std::filesystem::path tmp =
      path.string() + ".tmp" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  Status written = [&] {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    if (!o) return Status::IoError(tmp.string() + ": cannot create");
    CAIRN_RETURN_IF_ERROR(fill(o));
    o.flush();
    if (!o) return Status::IoError(tmp.string() + ": write failed");
    return Status::Ok();
  }();
  std::error_code ec;
  if (written.ok()) {
    std::filesystem::rename(tmp, path, ec);
    if (!ec) return Status::Ok();
    written = Status::IoError(path.string() + ": cannot rename into place: " + ec.message());
  }
  std::filesystem::remove(tmp, ec);
  return written;
}

}  // namespace cairn
