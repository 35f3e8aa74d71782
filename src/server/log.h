// The server's log: one JSON object per line (to stderr by default), so a log shipper can read
// it without parsing prose. Callers pass fields, never secrets or rows of data: keys appear by
// name, questions are not logged. Thread-safe; each line is written with one call.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace da::server {

class Log {
 public:
  explicit Log(FILE* out = stderr) : out_(out) {}

  // {"ts": ISO-8601 UTC with milliseconds, "level", "event", ...fields}.
  void Write(const std::string& level, const std::string& event, const nlohmann::json& fields = {});
  void Info(const std::string& event, const nlohmann::json& fields = {}) { Write("info", event, fields); }
  void Warn(const std::string& event, const nlohmann::json& fields = {}) { Write("warn", event, fields); }
  void Error(const std::string& event, const nlohmann::json& fields = {}) { Write("error", event, fields); }

 private:
  FILE* out_;
  std::mutex mu_;
};

}  // namespace da::server
