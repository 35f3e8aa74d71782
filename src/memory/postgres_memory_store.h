// The PostgreSQL backend of MemoryStore: one memory shared by several servers. Every store opened
// on the same database and schema sees the others' writes at once (each statement commits unless
// it runs inside InTransaction).
#pragma once

#include <memory>
#include <string>

#include "memory/memory_store.h"

namespace da::memory {

// Where a PostgreSQL database is and how to log in. The password is never kept here (configs are
// shared and printed): it comes from the environment variable named by `password_env`, or from
// libpq's own sources (PGPASSWORD, ~/.pgpass). A password written into `conninfo` still works
// but is never shown.
struct PostgresConnection {
  std::string conninfo;        // libpq "host=... dbname=..." or "postgresql://user@host:port/db"
  std::string password_env;    // e.g. "DATAANALYST_PG_PASSWORD"; "" for none
  std::string schema = "dataanalyst";  // holds the memory's tables; created when missing
  int connect_timeout_seconds = 10;    // per connection attempt
};

// Connects and opens the memory in `conn.schema`, creating the schema and its tables when
// missing (several servers may do so at once). The schema is versioned; one written by a newer
// DataAnalyst is refused with a message saying so. Errors and description() name the server as
// "postgresql://user@host:port/db" and never contain the password.
//
// The store is safe to use from several threads (one connection, one statement at a time;
// InTransaction holds the connection until it ends). A statement that finds the connection
// broken (server restarted) reconnects once and runs again, except inside a transaction, which
// then fails as a whole.
Result<std::unique_ptr<MemoryStore>> OpenPostgresMemoryStore(const PostgresConnection& conn);

}  // namespace da::memory
