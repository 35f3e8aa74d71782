// The PostgreSQL / Amazon Redshift implementation of QueryConnection: how every query of a
// connection dataset reaches its database.
//
// Defence in depth, each layer on its own enough to stop writes:
//  1. the statement text is checked before anything is sent (postgres_policy.h): one statement,
//     a query (SELECT, WITH, VALUES, TABLE), no write hidden in a WITH body, no SELECT INTO or
//     FOR UPDATE, no function with side effects or access beyond the dataset (pg_read_file,
//     lo_import, dblink, set_config, nextval, pg_sleep...), no other schema, no hidden table;
//  2. pooled connections are read-only by default (default_transaction_read_only) and each
//     query runs in BEGIN ... READ ONLY, so a write the text checks cannot see (a user function
//     that inserts) is refused by the server: Refused "... (the database refused a write)";
//  3. the query is sent with the extended protocol inside DECLARE CURSOR, which the server
//     accepts for exactly one query (never a utility statement or a second statement);
//  4. the transaction is always rolled back: nothing a query did can persist;
//  5. rows come through FETCH FORWARD max_rows+1, so rows beyond the cap never leave the server;
//     statement_timeout (and lock_timeout) stop it on the server, and a client-side deadline
//     cancels it (PQcancel) and, when even that gets no answer, drops the connection, so a hung
//     server or network cannot hold the calling thread.
//
// Thread safety: one thread runs Execute()/Validate() at a time per connection; Interrupt() may
// be called from any thread. Connections of one target share a process-wide pool.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "common/postgres.h"
#include "common/status.h"
#include "guard/postgres_pool.h"
#include "guard/query_connection.h"

namespace da {

struct PostgresQueryTarget {
  PgLogin login;                        // common/postgres.h
  std::string schema = "public";        // search_path of every query: the dataset's schema
  bool redshift = false;                // Amazon Redshift (no cursors WITH HOLD etc.)
  std::set<std::string> hidden_tables;  // lowercase names that must not be read (may be empty)
  int pool_size = 8;                    // most connections open at once for this target
};

// A QueryConnection that leases a pooled connection for each Execute. The pool is process-wide and
// shared by every connection opened with the same target (login + schema). Opening does NOT
// connect (so a dataset whose server is down still opens and its schema can be shown); the first
// Execute does, and reports a server that cannot be reached as IoError naming
// "postgresql://user@host:port/db" (never the password).
// Errors: InvalidArgument when the conninfo does not parse, the schema is empty or pool_size < 1.
Result<std::unique_ptr<QueryConnection>> OpenPostgresConnection(const PostgresQueryTarget& target);

// The pool behind a connection made by OpenPostgresConnection (zeros for any other connection):
// for tests and metrics.
PgPoolStats PostgresPoolStats(const QueryConnection& connection);

}  // namespace da
