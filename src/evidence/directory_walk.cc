#include "cairn/evidence/directory_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace cairn::evidence {
namespace {

std::string ReadLinkTarget(const std::filesystem::path& p) {
  std::string buf(4096, '\0');
  const ssize_t n = ::readlink(p.c_str(), buf.data(), buf.size());
  if (n < 0) return {};
  buf.resize(static_cast<size_t>(n));
  return buf;
}

WalkEntry ErrorEntry(const std::filesystem::path& p, std::string_view what, int err) {
  WalkEntry e;
  e.kind = WalkEntry::Kind::kError;
  e.path = p;
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(err);
  e.error = err == ENOENT ? Status::NotFound(std::move(msg)) : Status::IoError(std::move(msg));
  return e;
}

void WalkFolder(const std::filesystem::path& dir, const WalkCallback& visit);

void Visit(const std::filesystem::path& p, const WalkCallback& visit) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) {
    visit(ErrorEntry(p, "cannot stat", errno));
    return;
  }
  WalkEntry e;
  e.path = p;
  if (S_ISDIR(st.st_mode)) {
    WalkFolder(p, visit);
    return;
  }
  if (S_ISREG(st.st_mode)) {
    e.kind = WalkEntry::Kind::kFile;
  } else if (S_ISLNK(st.st_mode)) {
    e.kind = WalkEntry::Kind::kSymlink;
    e.symlink_target = ReadLinkTarget(p);
  } else {
    e.kind = WalkEntry::Kind::kSpecial;
  }
  visit(e);
}

void WalkFolder(const std::filesystem::path& dir, const WalkCallback& visit) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
  const int dfd = fd >= 0 || errno != EPERM
                      ? fd
                      : ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) {
    visit(ErrorEntry(dir, "cannot open folder", errno));
    return;
  }
  DIR* d = ::fdopendir(dfd);
  if (d == nullptr) {
    const int err = errno;
    ::close(dfd);
    visit(ErrorEntry(dir, "cannot read folder", err));
    return;
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* ent = ::readdir(d)) {
    if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0) continue;
    names.emplace_back(ent->d_name);
  }
  const int read_err = errno;
  ::closedir(d);
  if (read_err != 0) visit(ErrorEntry(dir, "error while reading folder", read_err));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) Visit(dir / name, visit);
}

}  // namespace

void WalkPath(const std::filesystem::path& root, const WalkCallback& visit) { Visit(root, visit); }

}  // namespace cairn::evidence
