// Helpers for Cairn's GoogleTest suites: where ../shared/data is (tests that need it skip with a
// visible message when it is missing, and never write there), scratch folders, running shell
// commands (the `cairn` binary in end-to-end tests) and golden files.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::testing {

// The shared reference data: $CAIRN_SHARED_DATA, else ../shared/data beside the checkout.
inline std::optional<std::filesystem::path> SharedData(std::string_view sub = {}) {
  std::filesystem::path root;
  if (const char* env = std::getenv("CAIRN_SHARED_DATA"); env && *env) {
    root = env;
  } else {
    root = std::filesystem::path(CAIRN_SOURCE_DIR) / ".." / "shared" / "data";
  }
  std::filesystem::path p = sub.empty() ? root : root / sub;
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return std::nullopt;
  return std::filesystem::weakly_canonical(p, ec);
}

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("cairn-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A shell command's exit status (-1 when it did not exit normally) and standard output.
struct ShellRun {
  int exit_code = -1;
  std::string out;
};

inline ShellRun RunShell(const std::string& command) {
  ShellRun r;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Compares `actual` with the golden file (rewritten first when CAIRN_UPDATE_GOLDEN=1, after an
// intended change: read the diff before committing it).
inline void ExpectGoldenFile(const std::filesystem::path& golden, const std::string& actual) {
  if (const char* update = std::getenv("CAIRN_UPDATE_GOLDEN"); update && *update == '1') {
    WriteFile(golden, actual);
  }
  ASSERT_TRUE(std::filesystem::exists(golden)) << "missing golden file " << golden;
  EXPECT_EQ(actual, ReadText(golden)) << "golden file " << golden;
}

}  // namespace cairn::testing

// Binds `var` to a path under ../shared/data, or skips the test saying what is missing.
#define CAIRN_REQUIRE_SHARED_DATA(var, sub)                                              \
  auto var##_opt = ::cairn::testing::SharedData(sub);                                    \
  if (!var##_opt) GTEST_SKIP() << "../shared/data/" << (sub) << " is missing; skipped"; \
  const std::filesystem::path var = *var##_opt
