#include "test_util.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "common/sqlite.h"
#include "common/value.h"
#include <stdexcept>

namespace da::testing {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path base = tmp && *tmp ? tmp : "/tmp";
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    auto p = base / ("da_test_" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create temp dir");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteZip(const std::filesystem::path& zip_path,
              const std::vector<std::pair<std::string, std::string>>& entries) {
  int err = 0;
  zip_t* z = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("zip_open failed");
  for (const auto& [name, data] : entries) {
    if (!name.empty() && name.back() == '/') {
      zip_dir_add(z, name.c_str(), ZIP_FL_ENC_UTF_8);
      continue;
    }
    // libzip copies the buffer lazily at zip_close, so keep a heap copy alive via freep=1.
    void* buf = data.empty() ? nullptr : std::malloc(data.size());
    if (buf) std::memcpy(buf, data.data(), data.size());
    zip_source_t* src = zip_source_buffer(z, buf, data.size(), buf ? 1 : 0);
    if (zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
      zip_source_free(src);
      throw std::runtime_error(std::string("zip_file_add failed: ") + zip_strerror(z));
    }
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close failed");
}

nlohmann::json RunCliJson(std::vector<std::string> args, int expected_exit) {
  args.push_back("--json");
  CommandResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  nlohmann::json parsed = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << r.out;
  return parsed;
}

CommandResult RunCli(const std::vector<std::string>& args) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    std::vector<char*> argv;
    std::string bin = DA_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult r;
  // Read both pipes without deadlocking: poll-free approach by reading err after out would
  // block if stderr fills; use a simple alternating non-blocking loop.
  fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    bool progressed = false;
    if (out_open) {
      ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n > 0) { r.out.append(buf, static_cast<size_t>(n)); progressed = true; }
      else if (n == 0) out_open = false;
    }
    if (err_open) {
      ssize_t n = read(err_pipe[0], buf, sizeof buf);
      if (n > 0) { r.err.append(buf, static_cast<size_t>(n)); progressed = true; }
      else if (n == 0) err_open = false;
    }
    if (!progressed) usleep(1000);
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::filesystem::path SharedDir() { return DA_SHARED_DIR; }
std::filesystem::path SourceDir() { return DA_SOURCE_DIR; }

std::vector<std::string> QueryRows(sqlite3* db, const std::string& sql) {
  std::vector<std::string> rows;
  auto st = PrepareSql(db, sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << st.status().ToString();
  if (!st.ok()) return rows;
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st->get()); ++i) {
      if (i > 0) row += "|";
      row += ValueToString(ColumnValue(st->get(), i));
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace da::testing
