// Status and Result<T>: the error channel for expected failures (bad file, bad record, I/O).
// Bugs are not reported through these; they trip CAIRN_ASSERT (core/assert.h).
// Values are plain copyable objects; safe to pass between threads. Shaped after leveldb::Status
// and std::expected: a Result<T> holds either a T or a non-OK Status, never both.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "cairn/core/assert.h"

namespace cairn {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller asked for something malformed (bad option, bad hex)
  kNotFound,         // a named file, list or record does not exist
  kIoError,          // the operating system refused or failed a read or write
  kCorrupt,          // input bytes do not follow their format (truncated, bad checksum)
  kUnsupported,      // a valid input in a variant Cairn does not handle
  kLimitExceeded,    // a safety limit was hit (pixel count, archive ratio, entry count)
  kCancelled,        // the operation was stopped on request
  kInternal,         // a third-party library failed in a way we did not expect
};

// The stable lower-case name of a code ("corrupt", "io_error", ...), used in JSON output.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Corrupt(std::string msg) { return {StatusCode::kCorrupt, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status LimitExceeded(std::string msg) { return {StatusCode::kLimitExceeded, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corrupt: JPEG: premature end of data"; "ok" for OK.
  std::string ToString() const;

  // The same status with "context: " put before the message (e.g. a file name). OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    CAIRN_ASSERT(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; OK when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { CAIRN_ASSERT(ok()); return std::get<T>(v_); }
  const T& value() const& { CAIRN_ASSERT(ok()); return std::get<T>(v_); }
  T&& value() && { CAIRN_ASSERT(ok()); return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cairn

#define CAIRN_CONCAT_INNER_(a, b) a##b
#define CAIRN_CONCAT_(a, b) CAIRN_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define CAIRN_RETURN_IF_ERROR(expr)                    \
  do {                                                 \
    ::cairn::Status cairn_status_ = (expr);            \
    if (!cairn_status_.ok()) return cairn_status_;     \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define CAIRN_ASSIGN_OR_RETURN(lhs, expr) \
  CAIRN_ASSIGN_OR_RETURN_IMPL_(CAIRN_CONCAT_(cairn_result_, __LINE__), lhs, expr)
#define CAIRN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
