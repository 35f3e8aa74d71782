#include "common/postgres.h"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "common/strings.h"

namespace da {

namespace {

struct PgOptionsFreer {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using PgOptions = std::unique_ptr<PQconninfoOption, PgOptionsFreer>;

std::string Option(const PQconninfoOption* options, const char* keyword) {
  for (const PQconninfoOption* o = options; o->keyword; ++o) {
    if (std::strcmp(o->keyword, keyword) == 0 && o->val) return o->val;
  }
  return "";
}

// "postgresql://user@host:port/db"; a socket directory host is percent-encoded as in libpq URIs.
std::string FormatDescription(std::string_view user, std::string_view host, std::string_view port,
                              std::string_view db) {
  std::string out = "postgresql://";
  if (!user.empty()) out.append(user).append("@");
  for (char c : host) out += c == '/' ? std::string("%2F") : std::string(1, c);
  if (!port.empty()) out.append(":").append(port);
  out.append("/").append(db);
  return out;
}

Result<PgOptions> Parse(const std::string& conninfo) {
  char* parse_error = nullptr;
  PgOptions parsed(PQconninfoParse(conninfo.c_str(), &parse_error));
  if (!parsed) {
    PQfreemem(parse_error);  // withheld: it quotes the connection string, password and all
    return Status::InvalidArgument(
        "the PostgreSQL connection is neither libpq key=value pairs nor a postgresql:// URI");
  }
  return parsed;
}

// The first line of `path`, which only its owner may read.
Result<std::string> ReadPasswordFile(const std::string& path, const std::string& description) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::InvalidArgument(description + ": the password file " + path + " cannot be read: " +
                                   std::strerror(errno));
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::InvalidArgument(description + ": the password file " + path +
                                   " is readable by others; make it private with: chmod 600 " + path);
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Status::InvalidArgument(description + ": the password file " + path + " is empty or unreadable");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::InvalidArgument(description + ": the password file " + path + " is empty");
  return line;
}

bool Succeeded(const PgResult& r) {
  if (!r) return false;
  const ExecStatusType status = PQresultStatus(r.get());
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

Result<std::string> PgLogin::Describe() const {
  DA_ASSIGN_OR_RETURN(PgOptions parsed, Parse(conninfo));
  std::string host = Option(parsed.get(), "host");
  if (host.empty()) host = Option(parsed.get(), "hostaddr");
  return FormatDescription(Option(parsed.get(), "user"), host, Option(parsed.get(), "port"),
                           Option(parsed.get(), "dbname"));
}

bool PgLogin::ConninfoHasPassword() const {
  auto parsed = Parse(conninfo);
  return parsed.ok() && !Option(parsed->get(), "password").empty();
}

PgParam PgText(std::string_view text) { return {std::string(text), false, false}; }
PgParam PgInt(int64_t n) { return {std::to_string(n), false, false}; }
PgParam PgBytes(std::string_view bytes) { return {std::string(bytes), true, false}; }
PgParam PgNull() { return {"", false, true}; }

std::string PgStr(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
int64_t PgInt64(const PGresult* r, int row, int col) { return std::strtoll(PQgetvalue(r, row, col), nullptr, 10); }
bool PgIsNull(const PGresult* r, int row, int col) { return PQgetisnull(r, row, col) != 0; }
int64_t PgAffectedRows(const PGresult* r) {
  return std::strtoll(PQcmdTuples(const_cast<PGresult*>(r)), nullptr, 10);
}
std::string PgSqlState(const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

Result<PgClient> PgClient::Connect(const PgLogin& login) {
  DA_ASSIGN_OR_RETURN(PgOptions parsed, Parse(login.conninfo));
  PgClient client;
  DA_ASSIGN_OR_RETURN(client.description_, login.Describe());
  client.password_ = Option(parsed.get(), "password");
  if (!login.password_env.empty()) {
    const char* password = std::getenv(login.password_env.c_str());
    if (!password || !*password) {
      return Status::InvalidArgument(client.description_ + ": the password variable " + login.password_env +
                                     " is not set in the environment");
    }
    client.password_ = password;
  } else if (!login.password_file.empty()) {
    DA_ASSIGN_OR_RETURN(client.password_, ReadPasswordFile(login.password_file, client.description_));
  }
  // Later keywords override the ones in the expanded connection string.
  const std::string timeout = std::to_string(login.connect_timeout_seconds);
  std::vector<const char*> keys = {"dbname", "client_encoding", "fallback_application_name"};
  std::vector<const char*> values = {login.conninfo.c_str(), "UTF8", login.application_name.c_str()};
  if (login.connect_timeout_seconds > 0) {
    keys.push_back("connect_timeout");
    values.push_back(timeout.c_str());
  }
  if (!login.password_env.empty() || !login.password_file.empty()) {
    keys.push_back("password");
    values.push_back(client.password_.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  client.conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!client.conn_) return Status::IoError(client.description_ + ": cannot connect: out of memory");
  if (PQstatus(client.conn_.get()) != CONNECTION_OK) {
    return client.Error("cannot connect", PQerrorMessage(client.conn_.get()));
  }
  PGconn* c = client.conn_.get();
  client.description_ = FormatDescription(PQuser(c), PQhost(c), PQport(c), PQdb(c));
  return client;
}

std::string PgClient::CleanMessage(const char* message) const {
  std::string out;
  for (char c : Trim(message ? message : "")) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  if (password_.empty()) return out;
  for (size_t pos; (pos = out.find(password_)) != std::string::npos;) out.replace(pos, password_.size(), "***");
  return out;
}

Status PgClient::Error(std::string_view what, const char* message) const {
  return Status::IoError(description_ + ": " + std::string(what) + ": " + CleanMessage(message));
}

PgResult PgClient::Run(const std::string& sql, const std::vector<PgParam>& params) {
  // Always the extended protocol, even without parameters: it runs exactly one statement.
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const PgParam& p : params) {
    values.push_back(p.null ? nullptr : p.value.c_str());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  return PgResult(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                               values.data(), lengths.data(), formats.data(), /*resultFormat=*/0));
}

Result<PgResult> PgClient::Exec(const std::string& sql, const std::vector<PgParam>& params, std::string_view what) {
  PgResult r = Run(sql, params);
  if (!Succeeded(r) && !in_transaction_ && PQstatus(conn_.get()) == CONNECTION_BAD) {
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      return Error(std::string(what) + ": lost the connection and cannot reconnect", PQerrorMessage(conn_.get()));
    }
    r = Run(sql, params);
  }
  if (Succeeded(r)) return r;
  const char* message = r ? PQresultErrorMessage(r.get()) : "";
  return Error(what, *message ? message : PQerrorMessage(conn_.get()));
}

Status PgClient::Begin(std::string_view what, std::string_view begin_sql) {
  DA_RETURN_IF_ERROR(Exec(std::string(begin_sql), what).status());
  in_transaction_ = true;
  return Status::Ok();
}

Status PgClient::Commit(std::string_view what) {
  auto r = Exec("COMMIT", what);
  in_transaction_ = false;
  if (!r.ok()) return r.status();
  // COMMIT of a transaction in which a statement failed rolls back and still "succeeds".
  if (std::strcmp(PQcmdStatus(r->get()), "COMMIT") != 0) {
    return Status::IoError(description_ + ": " + std::string(what) + ": the transaction was rolled back after an error in it");
  }
  return Status::Ok();
}

void PgClient::Rollback() {
  if (healthy()) PgResult(PQexec(conn_.get(), "ROLLBACK"));
  in_transaction_ = false;
}

bool PgClient::healthy() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

Status PgClient::Reset() {
  in_transaction_ = false;
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK) return Error("cannot reconnect", PQerrorMessage(conn_.get()));
  return Status::Ok();
}

}  // namespace da
