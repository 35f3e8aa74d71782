#include "common/postgres_schema.h"

#include <cstdlib>

#include "common/strings.h"

namespace da {

namespace {

constexpr size_t kMaxIdentifierBytes = 63;  // PostgreSQL silently truncates longer names

Status CreateOrCheckLocked(PgClient& session, const PgSchemaSpec& spec) {
  const std::string quoted = QuoteIdentifier(spec.schema);
  const std::string what = spec.component + ": ";
  // One lock per schema: every component creates the schema and the meta table.
  DA_RETURN_IF_ERROR(session.Exec("SELECT pg_advisory_xact_lock(hashtext($1))", {PgText("dataanalyst " + spec.schema)},
                                  what + "lock the schema")
                         .status());
  // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
  DA_ASSIGN_OR_RETURN(PgResult ns, session.Exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", {PgText(spec.schema)},
                                                what + "look for the schema"));
  if (PQntuples(ns.get()) == 0) {
    DA_RETURN_IF_ERROR(session.Exec("CREATE SCHEMA " + quoted, what + "create schema " + quoted).status());
  }
  // Looked up first: IF NOT EXISTS on an existing table makes the server send a NOTICE, which
  // libpq prints on stderr (the server's log is JSON lines).
  DA_ASSIGN_OR_RETURN(PgResult meta, session.Exec("SELECT to_regclass($1) IS NOT NULL", {PgText(quoted + ".meta")},
                                                  what + "look for the schema"));
  if (PgStr(meta.get(), 0, 0) != "t") {
    DA_RETURN_IF_ERROR(session.Exec(WithPgSchema("CREATE TABLE {s}.meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                                                 quoted),
                                    what + "create tables")
                           .status());
  }
  DA_ASSIGN_OR_RETURN(PgResult version, session.Exec(WithPgSchema("SELECT value FROM {s}.meta WHERE key = $1", quoted),
                                                     {PgText(spec.version_key)}, what + "read the schema version"));
  if (PQntuples(version.get()) == 0) {
    for (const auto& ddl : spec.ddl) {
      DA_RETURN_IF_ERROR(session.Exec(WithPgSchema(ddl, quoted), what + "create tables").status());
    }
    return session
        .Exec(WithPgSchema("INSERT INTO {s}.meta(key, value) VALUES ($1, $2)", quoted),
              {PgText(spec.version_key), PgText(std::to_string(spec.version))}, what + "write the schema version")
        .status();
  }
  const int found = std::atoi(PgStr(version.get(), 0, 0).c_str());
  if (found > spec.version) {
    return Status::Unsupported(session.description() + " schema " + quoted + ": " + spec.component +
                               " written by a newer DataAnalyst (schema version " + std::to_string(found) +
                               ", this one reads up to " + std::to_string(spec.version) + ")");
  }
  return Status::Ok();
}

}  // namespace

std::string WithPgSchema(std::string_view sql, const std::string& quoted_schema) {
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = sql.find("{s}", pos)) != std::string_view::npos; pos = hit + 3) {
    out.append(sql.substr(pos, hit - pos));
    out += quoted_schema;
  }
  out.append(sql.substr(pos));
  return out;
}

Status CreateOrCheckPgSchema(PgClient& session, const PgSchemaSpec& spec) {
  if (spec.schema.empty() || spec.schema.size() > kMaxIdentifierBytes) {
    return Status::InvalidArgument(spec.component + ": the PostgreSQL schema name must be 1 to 63 bytes long");
  }
  DA_RETURN_IF_ERROR(session.Begin(spec.component + ": begin"));
  Status status = CreateOrCheckLocked(session, spec);
  if (!status.ok()) {
    session.Rollback();
    return status;
  }
  return session.Commit(spec.component + ": commit");
}

}  // namespace da
