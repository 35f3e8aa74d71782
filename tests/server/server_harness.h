// The real `dataanalyst serve` for API tests: a child process on a free loopback port with its
// own data directory, its stderr (the JSON log) kept in a file, stopped with SIGTERM. Requests go
// over real HTTP (cpp-httplib's client), or a raw socket for what that client will not send (a
// partial body, a client that hangs up).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace da::testing {

// One HTTP exchange as the client saw it.
struct Reply {
  int status = 0;  // 0: no response (the connection failed)
  httplib::Headers headers;
  std::string body;
  nlohmann::json json;  // the body parsed; discarded (json.is_discarded()) unless it is JSON

  std::string Header(const std::string& name) const;
  // json["error"]["code"], or "" when the body is not an error.
  std::string ErrorCode() const;
  std::string ErrorMessage() const;
};

// One server-sent event: its name and its data parsed as JSON (discarded when it is not JSON).
struct SseEvent {
  std::string event;
  nlohmann::json data;
};
// The events of a complete text/event-stream body, in order.
std::vector<SseEvent> ParseSse(const std::string& text);
std::vector<std::string> EventNames(const std::vector<SseEvent>& events);

class ServerProcess {
 public:
  // Starts `dataanalyst serve --port 0 --data-dir DATA_DIR ARGS...` and waits for its "serving
  // on" line. On failure adds a test failure (with the server's stderr) and returns nullptr.
  static std::unique_ptr<ServerProcess> Start(const std::filesystem::path& data_dir,
                                              const std::vector<std::string>& args = {});
  ~ServerProcess();  // Stop()

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // SIGTERM, then waits for the process; its exit code (128 + signal when a signal ended it).
  // Later calls return the same code.
  int Stop();

  // A client for this server (reads time out after 60 s, so a hung server fails a test).
  std::unique_ptr<httplib::Client> Client() const;

  // Requests with `key` sent as X-Api-Key (none when empty), plus `headers`.
  Reply Get(const std::string& path, const std::string& key = "", const httplib::Headers& headers = {}) const;
  Reply Delete(const std::string& path, const std::string& key) const;
  Reply PostJson(const std::string& path, const nlohmann::json& body, const std::string& key,
                 const httplib::Headers& headers = {}) const;
  Reply Post(const std::string& path, const std::string& body, const std::string& content_type, const std::string& key,
             const httplib::Headers& headers = {}) const;
  Reply Upload(const httplib::MultipartFormDataItems& items, const std::string& key) const;

  // What the server wrote to stderr so far, and the lines of it that are JSON objects.
  std::string Stderr() const;
  std::vector<nlohmann::json> LogLines() const;
  // Polls the log until a line satisfies `pred`; that line, or null after `timeout`.
  nlohmann::json WaitForLogLine(const std::function<bool(const nlohmann::json&)>& pred,
                                std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  // The "request" log line of the request whose X-Request-Id is `id` (null after `timeout`).
  nlohmann::json RequestLogLine(const std::string& id,
                                std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  int stdout_fd_ = -1;
  std::filesystem::path data_dir_, stderr_path_;
  std::unique_ptr<TempDir> log_dir_;
};

// A suite sharing one server over one data directory: its SetUpTestSuite makes data_ (with the
// datasets and keys it needs) and starts server_; both go when the suite ends.
class SharedServerTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete data_;
    data_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the server did not start"; }

  static inline TempDir* data_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
};

// A raw TCP connection to 127.0.0.1:`port`.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Sends `bytes` unless the peer answers (or fails) first, without blocking on a peer that
  // stopped reading; false when the peer answered, closed, or `timeout` passed.
  bool SendUnlessAnswered(const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Reads one response: its headers and Content-Length body, or until the peer closes or
  // `timeout` passes. Returns what arrived.
  std::string ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  void Close();

 private:
  int fd_ = -1;
};
// The status code of a raw response's status line ("HTTP/1.1 413 ..."), 0 if none.
int RawStatus(const std::string& response);
// The body of a raw response (its Content-Length bytes after the blank line, when it has one).
std::string RawBody(const std::string& response);

// Through the real CLI, against `data_dir`; each fails the calling test on error.
void IngestWithCli(const std::filesystem::path& data_dir, const std::filesystem::path& input,
                   const std::string& dataset);
// `keys create --name NAME FLAGS... --json`; the secret ("" on failure).
std::string CreateKeyWithCli(const std::filesystem::path& data_dir, const std::string& name,
                             const std::vector<std::string>& flags = {});
void RevokeKeyWithCli(const std::filesystem::path& data_dir, const std::string& name);

// Polls GET /api/v1/jobs/{id} until the job is no longer running; the job (null on time-out).
nlohmann::json WaitForJob(const ServerProcess& server, const std::string& key, const std::string& id,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Expects `r` to be the API error `status` with `code` and a message; `what` names the request.
void ExpectApiError(const Reply& r, int status, const std::string& code, const std::string& what);

// Adds a test failure for each way `value` breaks the schema that the OpenAPI document `doc`
// gives for `method` `path`'s `status` JSON response: a missing `required` property or a value of
// another declared type, recursing through $refs, properties and array items.
void ExpectMatchesOpenApi(const nlohmann::json& doc, const std::string& method, const std::string& path, int status,
                          const nlohmann::json& value);

// demo/retail.zip in the source tree.
std::filesystem::path RetailZip();

}  // namespace da::testing
