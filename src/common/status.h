// Status and Result<T>: how every fallible operation in DataAnalyst reports failure.
//
// A Status is either OK or carries a code and a human-readable message that names the
// problem (file, line, column, what was expected). Messages never contain secrets.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace da {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad user input: a malformed file, an unknown flag value
    kNotFound,         // a dataset, table, column or file that does not exist
    kAlreadyExists,
    kIoError,          // the operating system failed us
    kCorruption,       // stored state we wrote ourselves is unreadable
    kRefused,          // a guard said no (write statement, path traversal, zip bomb)
    kTimeout,          // a time limit interrupted the work
    kCancelled,        // the caller (or its client going away) stopped the work
    kUnsupported,      // a valid request we do not handle
    kInternal,         // a bug
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return Status(Code::kInvalidArgument, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status AlreadyExists(std::string m) { return Status(Code::kAlreadyExists, std::move(m)); }
  static Status IoError(std::string m) { return Status(Code::kIoError, std::move(m)); }
  static Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status Refused(std::string m) { return Status(Code::kRefused, std::move(m)); }
  static Status Timeout(std::string m) { return Status(Code::kTimeout, std::move(m)); }
  static Status Cancelled(std::string m) { return Status(Code::kCancelled, std::move(m)); }
  static Status Unsupported(std::string m) { return Status(Code::kUnsupported, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: sales.csv:17: expected 5 fields, found 7"
  std::string ToString() const;
  // Stable machine-readable name of the code ("invalid_argument"), used in JSON errors.
  static const char* CodeName(Code code);

  // Returns a copy whose message is prefixed with `context` ("orders.csv: ...").
  Status WithContext(const std::string& context) const;
  // Returns a copy with the same code and `message` instead of this one's.
  Status WithMessage(std::string message) const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                       // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace da

// Propagates a non-OK Status to the caller.
#define DA_RETURN_IF_ERROR(expr)          \
  do {                                    \
    ::da::Status _da_st = (expr);         \
    if (!_da_st.ok()) return _da_st;      \
  } while (0)

#define DA_CONCAT_INNER(a, b) a##b
#define DA_CONCAT(a, b) DA_CONCAT_INNER(a, b)
// Declares `lhs` from a Result, or returns its Status.
#define DA_ASSIGN_OR_RETURN(lhs, expr) DA_ASSIGN_OR_RETURN_IMPL(DA_CONCAT(_da_res_, __LINE__), lhs, expr)
#define DA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
