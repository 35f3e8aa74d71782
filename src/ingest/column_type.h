// The logical column types DataAnalyst infers and records in the catalog.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace da {

// Storage in SQLite: INTEGER and BOOLEAN (0/1) as integers, REAL as doubles, DATE
// ("YYYY-MM-DD") and TIMESTAMP ("YYYY-MM-DD HH:MM:SS[.fff]") as ISO-8601 text, TEXT as UTF-8.
// The type name is also the column's declared type in the dataset's SQLite file, which is how
// the catalog reads it back; except that DATE and TIMESTAMP columns are declared "DATE TEXT"
// and "TIMESTAMP TEXT": "TEXT" gives them TEXT affinity, so SQLite stores the ISO strings
// as they are instead of first trying to read each one as a number (a bare DATE has NUMERIC
// affinity), and the name still says what the column holds.
enum class ColumnType { kInteger, kReal, kBoolean, kDate, kTimestamp, kText };

const char* ColumnTypeName(ColumnType t);  // "INTEGER", "REAL", ...
// The PostgreSQL type that holds a column of type `t`: bigint, double precision, boolean, date,
// timestamp, text (used when SQLite data is copied into PostgreSQL).
const char* PostgresTypeName(ColumnType t);
// Maps a declared SQLite type ("varchar(20)", "INT", "datetime", "") to our type by SQLite's
// affinity rules plus date/time/bool names. Unknown names map to TEXT.
ColumnType ColumnTypeFromDeclared(std::string_view declared);

}  // namespace da
