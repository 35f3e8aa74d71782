// The PostgreSQL backend of KeyStore (server/api_keys.h): the keys of several servers in one
// schema, so a key made or revoked on one is seen by all at their next request.
#pragma once

#include <memory>
#include <string>

#include "common/postgres.h"
#include "server/api_keys.h"

namespace da::server {

// Connects and opens the keys in `schema` (created with its tables when missing, under an
// advisory lock, versioned: common/postgres_schema.h; the memory may share the schema). The
// password comes only from login.password_env / password_file (or libpq's own PGPASSWORD,
// ~/.pgpass) and never appears in errors or description(). Each Authenticate costs one indexed
// read of one row (the keys' generation); a connection broken by a server restart is reopened by
// the next statement.
Result<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(const PgLogin& login, const std::string& schema);

}  // namespace da::server
