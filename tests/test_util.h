// Helpers for tests: scratch directories, writing fixture files, running the real binary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct sqlite3;

namespace da::testing {

// A fresh directory under $TMPDIR, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path`, creating parent directories.
void WriteFile(const std::filesystem::path& path, const std::string& bytes);
std::string ReadFile(const std::filesystem::path& path);

// Builds a ZIP at `zip_path` from (entry name, contents) pairs using libzip. An entry name
// ending in '/' is a directory.
void WriteZip(const std::filesystem::path& zip_path,
              const std::vector<std::pair<std::string, std::string>>& entries);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the built `dataanalyst` binary with `args` (no shell), stdin from /dev/null.
CommandResult RunCli(const std::vector<std::string>& args);
// RunCli with `args` plus --json: fails the calling test unless it exits `expected_exit` and
// prints JSON; returns what it printed, parsed (a discarded value when it was not JSON).
nlohmann::json RunCliJson(std::vector<std::string> args, int expected_exit = 0);

// ../shared from the source tree (Spider, walmart).
std::filesystem::path SharedDir();
std::filesystem::path SourceDir();

// Runs `sql` on `db`; each row's values joined by '|', in the order SQLite returns them. A
// statement that does not prepare fails the calling test (and gives no rows).
std::vector<std::string> QueryRows(sqlite3* db, const std::string& sql);

}  // namespace da::testing
