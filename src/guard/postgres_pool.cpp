#include "guard/postgres_pool.h"

#include <poll.h>

#include <map>

#include "common/strings.h"

namespace da {

namespace {

// Settings every pooled connection starts with (session level; a guarded query cannot change
// them: SET and set_config are refused, and each query runs in a transaction rolled back).
std::vector<std::string> SessionSetup(const PgPoolOptions& o) {
  std::vector<std::string> sql = {"SET search_path TO " + QuoteIdentifier(o.schema), "SET datestyle TO ISO",
                                  "SET TimeZone TO 'UTC'"};
  if (!o.redshift) {
    // What options=-c default_transaction_read_only=on in the conninfo would do, without
    // rewriting the user's conninfo (URI or key=value, with options of its own).
    sql.insert(sql.begin(), "SET default_transaction_read_only TO on");
  }
  return sql;
}

std::string PoolKey(const PgPoolOptions& o) {
  return o.login.conninfo + '\x1f' + o.login.password_env + '\x1f' + o.login.password_file + '\x1f' +
         o.login.application_name + '\x1f' + std::to_string(o.login.connect_timeout_seconds) + '\x1f' + o.schema +
         '\x1f' + (o.redshift ? "r" : "p");
}

}  // namespace

bool PgIdleConnectionAlive(PGconn* conn) {
  if (!conn || PQstatus(conn) != CONNECTION_OK) return false;
  const int fd = PQsocket(conn);
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, 0);
  if (ready == 0) return true;  // nothing to read: as an idle connection should be
  // Readable while idle: EOF, or the server's FATAL before it closed. Either way unusable;
  // PQconsumeInput also lets libpq notice (its status turns CONNECTION_BAD).
  PQconsumeInput(conn);
  return false;
}

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::move(other.pool_)), client_(std::move(other.client_)), discard_(other.discard_) {}

PgPool::Lease::~Lease() {
  if (pool_ && client_) pool_->Release(std::move(client_), discard_ || !client_->healthy());
}

PgPool::PgPool(PgPoolOptions options) : options_(std::move(options)) {
  auto description = options_.login.Describe();
  description_ = description.ok() ? *description : "postgresql://(unparsable connection)";
}

std::shared_ptr<PgPool> PgPool::Make(const PgPoolOptions& options) {
  return std::shared_ptr<PgPool>(new PgPool(options));
}

std::shared_ptr<PgPool> PgPool::Shared(const PgPoolOptions& options) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<PgPool>> pools;
  std::lock_guard<std::mutex> lock(mu);
  std::weak_ptr<PgPool>& slot = pools[PoolKey(options)];
  if (auto pool = slot.lock()) return pool;
  for (auto it = pools.begin(); it != pools.end();) {  // forget pools nobody holds
    it = it->second.expired() && &it->second != &slot ? pools.erase(it) : std::next(it);
  }
  auto pool = Make(options);
  slot = pool;
  return pool;
}

Result<std::unique_ptr<PgClient>> PgPool::Connect() {
  DA_ASSIGN_OR_RETURN(PgClient client, PgClient::Connect(options_.login));
  for (const std::string& sql : SessionSetup(options_)) {
    DA_RETURN_IF_ERROR(client.Exec(sql, "preparing the connection").status());
  }
  return std::make_unique<PgClient>(std::move(client));
}

void PgPool::CloseExpiredLocked(Clock::time_point now, std::vector<std::unique_ptr<PgClient>>* closing) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (now - it->since >= options_.idle_timeout) {
      closing->push_back(std::move(it->client));
      it = idle_.erase(it);
      --open_;
    } else {
      ++it;
    }
  }
}

Result<PgPool::Lease> PgPool::Acquire(Clock::time_point deadline) {
  std::vector<std::unique_ptr<PgClient>> closing;  // closed outside the lock (PQfinish sends)
  {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      CloseExpiredLocked(Clock::now(), &closing);
      while (!idle_.empty()) {
        std::unique_ptr<PgClient> client = std::move(idle_.back().client);
        idle_.pop_back();
        if (PgIdleConnectionAlive(client->raw())) return Lease(shared_from_this(), std::move(client));
        closing.push_back(std::move(client));  // broken while idle: replaced below
        --open_;
        ++discarded_total_;
      }
      if (open_ < options_.size) break;
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.size) {
        return Status::Timeout("all " + std::to_string(options_.size) + " connections to " + description_ +
                               " are busy");
      }
    }
    ++open_;  // reserved while connecting outside the lock
  }
  closing.clear();
  auto client = Connect();
  std::lock_guard<std::mutex> lock(mu_);
  if (!client.ok()) {
    --open_;
    freed_.notify_one();
    return client.status();
  }
  ++opened_total_;
  return Lease(shared_from_this(), std::move(*client));
}

void PgPool::Release(std::unique_ptr<PgClient> client, bool discard) {
  std::vector<std::unique_ptr<PgClient>> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = Clock::now();
    if (discard) {
      closing.push_back(std::move(client));
      --open_;
      ++discarded_total_;
    } else {
      idle_.push_back({std::move(client), now});
    }
    CloseExpiredLocked(now, &closing);
  }
  freed_.notify_one();
}

PgPoolStats PgPool::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {open_, static_cast<int>(idle_.size()), opened_total_, discarded_total_};
}

}  // namespace da
