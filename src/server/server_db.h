// <data_dir>/server.db: the server's own SQLite file (API keys, per-key history). Each store
// opens its own connection and owns its tables; they share only the `meta` table, where each
// records its schema version under its own key so it can migrate on its own.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/sqlite.h"
#include "common/status.h"

namespace da::server {

// Opens (creating the data directory and the file when missing) <data_dir>/server.db in WAL
// mode with synchronous=NORMAL and a busy timeout, then runs `schema` (idempotent DDL) and
// checks or records `version_key` = `version` in `meta`, all in one write transaction so two
// processes opening a fresh file at once do not race. A file whose version is newer than
// `version` is kUnsupported.
Result<SqliteDb> OpenServerDb(const std::filesystem::path& data_dir, std::string_view schema,
                              const std::string& version_key, int version);

// Column `i` of the current row as text ("" for NULL).
std::string ColumnText(sqlite3_stmt* st, int i);
void BindText(sqlite3_stmt* st, int i, std::string_view text);


}  // namespace da::server
