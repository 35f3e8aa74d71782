#include "server/server_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace da::testing {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(20);
constexpr auto kPollEvery = std::chrono::milliseconds(20);

Reply ToReply(const httplib::Result& result) {
  Reply r;
  if (!result) return r;
  r.status = result->status;
  r.headers = result->headers;
  r.body = result->body;
  r.json = json::parse(r.body, nullptr, false);
  return r;
}

httplib::Headers WithKey(const std::string& key, httplib::Headers headers) {
  if (!key.empty()) headers.emplace("X-Api-Key", key);
  return headers;
}

// Reads one line from `fd` (a pipe) before `deadline`; false on EOF, error or time-out.
bool ReadLine(int fd, Clock::time_point deadline, std::string* line) {
  line->clear();
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char c;
    const ssize_t n = read(fd, &c, 1);
    if (n <= 0) return false;
    if (c == '\n') return true;
    *line += c;
  }
}

}  // namespace

std::string Reply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string Reply::ErrorCode() const {
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object()) return "";
  return json["error"].value("code", "");
}

std::string Reply::ErrorMessage() const {
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object()) return "";
  return json["error"].value("message", "");
}

void ExpectApiError(const Reply& r, int status, const std::string& code, const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(r.ErrorCode(), code) << what << ": " << r.body;
  EXPECT_FALSE(r.ErrorMessage().empty()) << what << ": " << r.body;
}

std::vector<SseEvent> ParseSse(const std::string& text) {
  std::vector<SseEvent> events;
  std::istringstream in(text);
  std::string line, name, data;
  auto flush = [&] {
    if (!name.empty() || !data.empty())
      events.push_back({name.empty() ? "message" : name, json::parse(data, nullptr, false)});
    name.clear();
    data.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      flush();
    } else if (line.rfind("event:", 0) == 0) {
      name = line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6);
    } else if (line.rfind("data:", 0) == 0) {
      if (!data.empty()) data += '\n';
      data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
    }
  }
  flush();
  return events;
}

std::vector<std::string> EventNames(const std::vector<SseEvent>& events) {
  std::vector<std::string> names;
  for (const auto& e : events) names.push_back(e.event);
  return names;
}

// ---------------------------------------------------------------------------------------------
// ServerProcess

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::filesystem::path& data_dir,
                                                    const std::vector<std::string>& args) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->data_dir_ = data_dir;
  server->log_dir_ = std::make_unique<TempDir>();
  server->stderr_path_ = server->log_dir_->path() / "server.stderr";

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return nullptr;
  }
  std::vector<std::string> words = {DA_BINARY, "serve", "--port", "0", "--data-dir", data_dir.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, server->stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = posix_spawn(&server->pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    ADD_FAILURE() << "posix_spawn " << argv[0] << ": " << std::strerror(rc);
    return nullptr;
  }
  server->stdout_fd_ = out[0];

  // The one line the server prints once it accepts connections.
  std::string line;
  const bool got = ReadLine(server->stdout_fd_, Clock::now() + kStartTimeout, &line);
  static const std::regex kServing(R"(serving on http://[^ ]*:(\d+)/)");
  std::smatch m;
  if (!got || !std::regex_search(line, m, kServing)) {
    server->Stop();
    ADD_FAILURE() << "the server did not start (stdout: '" << line << "'); stderr:\n" << server->Stderr();
    return nullptr;
  }
  server->port_ = std::stoi(m[1].str());
  return server;
}

ServerProcess::~ServerProcess() { Stop(); }

int ServerProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = Clock::now() + kStopTimeout;
    pid_t done = 0;
    while ((done = waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(kPollEvery);
    }
    if (done == 0) {
      ADD_FAILURE() << "the server did not stop within " << kStopTimeout.count() << " s of SIGTERM";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
  return exit_code_;
}

std::unique_ptr<httplib::Client> ServerProcess::Client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_read_timeout(60, 0);
  client->set_write_timeout(60, 0);
  client->set_connection_timeout(10, 0);
  return client;
}

Reply ServerProcess::Get(const std::string& path, const std::string& key, const httplib::Headers& headers) const {
  return ToReply(Client()->Get(path, WithKey(key, headers)));
}

Reply ServerProcess::Delete(const std::string& path, const std::string& key) const {
  return ToReply(Client()->Delete(path, WithKey(key, {})));
}

Reply ServerProcess::PostJson(const std::string& path, const json& body, const std::string& key,
                              const httplib::Headers& headers) const {
  return Post(path, body.dump(), "application/json", key, headers);
}

Reply ServerProcess::Post(const std::string& path, const std::string& body, const std::string& content_type,
                          const std::string& key, const httplib::Headers& headers) const {
  return ToReply(Client()->Post(path, WithKey(key, headers), body, content_type));
}

Reply ServerProcess::Upload(const httplib::MultipartFormDataItems& items, const std::string& key) const {
  return ToReply(Client()->Post("/api/v1/datasets", WithKey(key, {}), items));
}

std::string ServerProcess::Stderr() const { return ReadFile(stderr_path_); }

std::vector<json> ServerProcess::LogLines() const {
  std::vector<json> lines;
  std::istringstream in(Stderr());
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object()) lines.push_back(std::move(j));
  }
  return lines;
}

json ServerProcess::WaitForLogLine(const std::function<bool(const json&)>& pred,
                                   std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (const json& line : LogLines()) {
      if (pred(line)) return line;
    }
    if (Clock::now() >= deadline) return nullptr;
    std::this_thread::sleep_for(kPollEvery);
  }
}

json ServerProcess::RequestLogLine(const std::string& id, std::chrono::milliseconds timeout) const {
  return WaitForLogLine(
      [&](const json& line) { return line.value("event", "") == "request" && line.value("request_id", "") == id; },
      timeout);
}

// ---------------------------------------------------------------------------------------------
// RawConnection

RawConnection::RawConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Close();
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

bool RawConnection::SendUnlessAnswered(const std::string& bytes, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN | POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) return false;  // an answer (or an end) came first
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

std::string RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  std::string got;
  const auto deadline = Clock::now() + timeout;
  while (fd_ >= 0) {
    const size_t head_end = got.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      static const std::regex kLength(R"((^|\r\n)content-length:\s*(\d+))", std::regex::icase);
      std::smatch m;
      const std::string head = got.substr(0, head_end);
      if (std::regex_search(head, m, kLength) && got.size() >= head_end + 4 + std::stoull(m[2].str())) break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[8192];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

int RawStatus(const std::string& response) {
  static const std::regex kStatus(R"(^HTTP/1\.[01] (\d{3}))");
  std::smatch m;
  return std::regex_search(response, m, kStatus) ? std::stoi(m[1].str()) : 0;
}

std::string RawBody(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) return "";
  static const std::regex kLength(R"((^|\r\n)content-length:\s*(\d+))", std::regex::icase);
  std::smatch m;
  const std::string head = response.substr(0, end);
  // Only this response's body: what a kept-alive connection sent after it is not part of it.
  if (std::regex_search(head, m, kLength)) return response.substr(end + 4, std::stoull(m[2].str()));
  return response.substr(end + 4);
}

// ---------------------------------------------------------------------------------------------
// The CLI

void IngestWithCli(const std::filesystem::path& data_dir, const std::filesystem::path& input,
                   const std::string& dataset) {
  CommandResult r = RunCli({"ingest", input.string(), "--dataset", dataset, "--data-dir", data_dir.string()});
  ASSERT_EQ(r.exit_code, 0) << "ingest " << input << ": " << r.err << r.out;
}

std::string CreateKeyWithCli(const std::filesystem::path& data_dir, const std::string& name,
                             const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"keys", "create", "--name", name, "--json", "--data-dir", data_dir.string()};
  args.insert(args.end(), flags.begin(), flags.end());
  CommandResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << "keys create " << name << ": " << r.err;
  json j = json::parse(r.out, nullptr, false);
  if (!j.is_object() || !j.contains("secret")) {
    ADD_FAILURE() << "keys create printed no secret: " << r.out;
    return "";
  }
  return j["secret"].get<std::string>();
}

void RevokeKeyWithCli(const std::filesystem::path& data_dir, const std::string& name) {
  CommandResult r = RunCli({"keys", "revoke", name, "--data-dir", data_dir.string()});
  EXPECT_EQ(r.exit_code, 0) << "keys revoke " << name << ": " << r.err;
}

json WaitForJob(const ServerProcess& server, const std::string& key, const std::string& id,
                std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    Reply r = server.Get("/api/v1/jobs/" + id, key);
    if (r.status != 200) {
      ADD_FAILURE() << "GET /api/v1/jobs/" << id << ": " << r.status << " " << r.body;
      return nullptr;
    }
    if (r.json.value("state", "") != "running") return r.json;
    if (Clock::now() >= deadline) {
      ADD_FAILURE() << "job " << id << " still running after " << timeout.count() << " ms";
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

namespace {

const json& Resolve(const json& doc, const json& schema) {
  if (!schema.is_object() || !schema.contains("$ref")) return schema;
  const std::string ref = schema["$ref"].get<std::string>();  // "#/components/schemas/Name"
  const std::string name = ref.substr(ref.rfind('/') + 1);
  return doc["components"]["schemas"][name];
}

// `text` as one JSON pointer token ("/api/v1/x" -> "~1api~1v1~1x").
std::string PointerToken(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

bool HasType(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return true;
}

void ExpectSchema(const json& doc, const json& ref_or_schema, const json& value, const std::string& where) {
  const json& schema = Resolve(doc, ref_or_schema);
  if (!schema.is_object()) return;
  if (value.is_null()) {
    EXPECT_TRUE(schema.value("nullable", false) || !schema.contains("type")) << where << " is null";
    return;
  }
  if (schema.contains("type")) {
    EXPECT_TRUE(HasType(value, schema["type"].get<std::string>()))
        << where << " should be " << schema["type"] << ", is " << value.dump().substr(0, 200);
  }
  if (schema.contains("required") && value.is_object()) {
    for (const auto& name : schema["required"]) {
      EXPECT_TRUE(value.contains(name.get<std::string>()))
          << where << " lacks required '" << name.get<std::string>() << "': " << value.dump().substr(0, 300);
    }
  }
  if (schema.contains("properties") && value.is_object()) {
    for (const auto& [name, sub] : schema["properties"].items()) {
      if (value.contains(name)) ExpectSchema(doc, sub, value[name], where + "." + name);
    }
  }
  if (schema.contains("items") && value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i)
      ExpectSchema(doc, schema["items"], value[i], where + "[" + std::to_string(i) + "]");
  }
}

}  // namespace

void ExpectMatchesOpenApi(const json& doc, const std::string& method, const std::string& path, int status,
                          const json& value) {
  std::string lower = method;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const json::json_pointer pointer("/paths/" + PointerToken(path) + "/" + lower + "/responses/" +
                                   std::to_string(status) + "/content/application~1json/schema");
  ASSERT_TRUE(doc.contains(pointer)) << "no JSON schema for " << method << " " << path << " " << status;
  ExpectSchema(doc, doc[pointer], value, method + " " + path);
}

std::filesystem::path RetailZip() { return SourceDir() / "demo" / "retail.zip"; }

}  // namespace da::testing
