// Copies a SQLite database into a PostgreSQL schema: the eval runs the engine against the same
// data on both (`dataanalyst eval --postgres`), and users can move a SQLite dataset to a server.
//
// What a load does, in one transaction (a failed load leaves the server as it was):
//  - CREATE SCHEMA; one table per SQLite table, with its exact (quoted) table and column names:
//    Spider's "Singer" stays "Singer" (PostgreSQL is case-sensitive for quoted names).
//  - Column types from what the values really are, not only from the declaration (SQLite is
//    loosely typed): every non-null value must fit the chosen type, else the column is text.
//      bigint            every value is stored as an integer (boolean when declared bool and
//                        every value is 0 or 1)
//      double precision  integers and reals (numeric when an integer is beyond 2^53, so no
//                        digit is lost)
//      date / timestamp  declared a date/time type and every value is the ISO text PostgreSQL
//                        prints back unchanged ("2024-03-01", "2024-03-01 10:00:00")
//      bytea             any blob, or text that is not valid UTF-8 or holds NUL bytes (the
//                        bytes are kept exactly; PostgreSQL text cannot hold them)
//      text              everything else; numbers in a text column keep SQLite's text form
//    A column without values takes its declared type (ingest/column_type.h).
//    One exception: a text column holding only integers' text ("12") that a declared foreign key
//    joins with a bigint column becomes bigint too (SQLite compares them as numbers; PostgreSQL
//    could not declare the key). Reported.
//  - The data through COPY FROM STDIN (text format), then PRIMARY KEY constraints, then FOREIGN
//    KEY constraints (each in a savepoint): a key the data violates is skipped (or kept NOT
//    VALID, see PgLoadOptions) and reported. A foreign key whose referenced columns are not a
//    key gets a UNIQUE constraint first when the data allows it. Then ANALYZE.
//  - A fingerprint of the file (size, mtime, loader version) in a COMMENT ON SCHEMA: a later
//    load of the same file into the same schema does nothing; a changed file is reloaded
//    (DROP SCHEMA ... CASCADE first). A schema that exists without the loader's comment is
//    someone else's and is never dropped: the load fails instead.
// Views and SQLite's own tables (sqlite_*) are not copied (views are reported).
// Loads of one schema from several processes are serialised by an advisory lock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/postgres.h"
#include "common/status.h"

namespace da {

struct PgLoadOptions {
  bool reload = false;   // reload even when the fingerprint matches
  bool analyze = true;   // ANALYZE the new tables
  // A declared foreign key the data violates is kept as NOT VALID (PostgreSQL records it
  // without checking the existing rows, as SQLite does with foreign_keys off) instead of being
  // skipped. The eval does this so the engine sees the keys the SQLite file declares.
  bool keep_violated_foreign_keys = false;
};

struct PgLoadedColumn {
  std::string name;
  std::string declared;  // in SQLite
  std::string pg_type;   // "bigint", "double precision", "text", ...
};

struct PgLoadedTable {
  std::string name;
  int64_t rows = 0;
  std::vector<PgLoadedColumn> columns;
};

struct PgLoadReport {
  std::string schema;
  bool up_to_date = false;  // the fingerprint matched: nothing was loaded (tables is empty)
  std::vector<PgLoadedTable> tables;
  int64_t primary_keys = 0, foreign_keys = 0;  // constraints created
  // What was not copied as declared, one line each: "foreign key pets(PetID) -> Pets(PetID)
  // skipped: the data violates it (...)", "view v_x not copied", "column t.c is bytea: ...".
  std::vector<std::string> notes;
  double seconds = 0;
};

// The fingerprint recorded for `sqlite_path` (with the options that change what a load makes,
// it decides whether a load is needed).
Result<std::string> SqliteFingerprint(const std::filesystem::path& sqlite_path);

// Loads `sqlite_path` into `schema` (any name: it is quoted) on `client`'s database.
// Errors: NotFound / InvalidArgument for an unreadable SQLite file, Refused when `schema`
// exists and was not made by this loader, IoError for the server's errors (with its message).
Result<PgLoadReport> LoadSqliteIntoPostgres(PgClient& client, const std::filesystem::path& sqlite_path,
                                            const std::string& schema, const PgLoadOptions& options = {});

}  // namespace da
