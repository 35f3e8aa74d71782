// Versioned tables of DataAnalyst's own state in a PostgreSQL schema (the memory, the API keys),
// created on first use by whichever server gets there first.
//
// Several components share one schema ("dataanalyst" by default) and its `meta` table
// (key TEXT PRIMARY KEY, value TEXT); each keeps its own version row there, so one component's
// tables being present says nothing about another's.
#pragma once

#include <string>
#include <vector>

#include "common/postgres.h"
#include "common/status.h"

namespace da {

struct PgSchemaSpec {
  std::string component;         // "memory", "keys": in messages ("keys: create tables")
  std::string schema;            // unquoted; 1-63 bytes
  std::string version_key;       // the component's row in {s}.meta ("keys_schema_version")
  int version = 1;               // what this build writes; a newer one found is refused
  std::vector<std::string> ddl;  // "{s}" stands for the quoted schema; each idempotent (IF NOT EXISTS)
};

// Creates the schema when missing (CREATE on the database is needed only then), its meta table
// and, when the component's version row is missing, runs `ddl` and writes the version. All in one
// transaction of its own, under an advisory lock per schema, so servers starting together take
// turns. Errors: InvalidArgument for a bad schema name, Unsupported for tables written by a newer
// DataAnalyst (the message says which versions), IoError from the server.
Status CreateOrCheckPgSchema(PgClient& session, const PgSchemaSpec& spec);

// `sql` with every "{s}" replaced by `quoted_schema`.
std::string WithPgSchema(std::string_view sql, const std::string& quoted_schema);

}  // namespace da
