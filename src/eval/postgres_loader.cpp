#include "eval/postgres_loader.h"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

#include "common/sqlite.h"
#include "common/strings.h"
#include "ingest/column_type.h"
#include "ingest/type_inference.h"

namespace da {

namespace fs = std::filesystem;

namespace {

// Bumped whenever a change here changes what a load produces, so older loads are redone.
constexpr int kLoaderVersion = 2;
constexpr const char* kCommentPrefix = "dataanalyst sqlite load ";
constexpr size_t kCopyChunk = 1 << 20;
constexpr int64_t kMaxExactDoubleInt = int64_t{1} << 53;

// ---- What a column's values allow -----------------------------------------------------------

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;  // NUL: valid UTF-8, but PostgreSQL text cannot hold it
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

// Whether `v` is a date (or a timestamp to the second) that PostgreSQL prints back as the same
// text: ISO form, a real calendar day.
bool IsExactTemporal(std::string_view v, ColumnType type) {
  const size_t expected = type == ColumnType::kDate ? 10 : 19;
  if (v.size() != expected || v[4] != '-') return false;
  char formatted[64];
  const size_t n = FormatTemporal(v, type, DateOrder::kMonthFirst, formatted);
  return n == v.size() && std::memcmp(formatted, v.data(), n) == 0;
}

bool IsCanonicalInteger(std::string_view text) {
  if (text.empty() || text.size() > 19) return false;
  int64_t i = 0;
  double d = 0;
  return ParseNumber(text, &i, &d) == NumberShape::kInteger && std::to_string(i) == text;
}

struct ColumnValues {
  int64_t integers = 0, reals = 0, texts = 0, blobs = 0;
  bool ints_are_bits = true;     // every integer is 0 or 1
  bool big_integer = false;      // some |integer| > 2^53
  bool texts_are_utf8 = true;    // valid UTF-8 without NUL
  bool texts_are_dates = true;
  bool texts_are_timestamps = true;
  bool texts_are_integers = true;  // every text is an integer as SQLite would print it ("12", not "012")

  void Observe(sqlite3_stmt* st, int i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_NULL:
        return;
      case SQLITE_INTEGER: {
        ++integers;
        const int64_t v = sqlite3_column_int64(st, i);
        if (v != 0 && v != 1) ints_are_bits = false;
        if (v > kMaxExactDoubleInt || v < -kMaxExactDoubleInt) big_integer = true;
        return;
      }
      case SQLITE_FLOAT:
        ++reals;
        return;
      case SQLITE_BLOB:
        ++blobs;
        return;
      default: {
        ++texts;
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        std::string_view text(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i)));
        if (texts_are_utf8 && !IsValidUtf8(text)) texts_are_utf8 = false;
        if (texts_are_dates && !IsExactTemporal(text, ColumnType::kDate)) texts_are_dates = false;
        if (texts_are_timestamps && !IsExactTemporal(text, ColumnType::kTimestamp)) texts_are_timestamps = false;
        if (texts_are_integers && !IsCanonicalInteger(text)) texts_are_integers = false;
      }
    }
  }
};

// The PostgreSQL type for a column (header comment of postgres_loader.h).
std::string ChooseType(const ColumnValues& v, const std::string& declared) {
  const ColumnType decl = ColumnTypeFromDeclared(declared);
  const int64_t numbers = v.integers + v.reals;
  if (numbers + v.texts + v.blobs == 0) return PostgresTypeName(decl);
  if (v.blobs > 0 || (v.texts > 0 && !v.texts_are_utf8)) return "bytea";
  if (v.texts == 0) {
    if (v.reals == 0) return decl == ColumnType::kBoolean && v.ints_are_bits ? "boolean" : "bigint";
    return v.big_integer ? "numeric" : "double precision";
  }
  if (numbers == 0) {
    if (decl == ColumnType::kDate && v.texts_are_dates) return "date";
    if (decl == ColumnType::kTimestamp && v.texts_are_timestamps) return "timestamp";
    if (decl == ColumnType::kTimestamp && v.texts_are_dates) return "date";
  }
  return "text";
}

// ---- Reading the SQLite file ----------------------------------------------------------------

struct SourceColumn {
  std::string name, declared;
  int pk_position = 0;  // 1-based position in the primary key; 0 = not in it
  std::string pg_type;
  bool integer_text = false;  // a text column whose every value is an integer's text
};

struct SourceForeignKey {
  std::vector<std::string> from, to;  // `to` empty: the referenced table's primary key
  std::string table;
};

struct SourceTable {
  std::string name;
  std::vector<SourceColumn> columns;
  std::vector<SourceForeignKey> foreign_keys;
};

Result<std::vector<std::string>> ListObjects(sqlite3* db, const char* type) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, std::string("SELECT name FROM sqlite_master WHERE type = '") + type +
                                                        "' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
  std::vector<std::string> names;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW)
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)));
  if (rc != SQLITE_DONE) return SqliteError(db, "listing tables");
  return names;
}

std::string ColumnText(sqlite3_stmt* st, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return p ? p : "";
}

Result<SourceTable> DescribeTable(sqlite3* db, const std::string& name) {
  SourceTable table;
  table.name = name;
  {
    DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, "SELECT name, type, pk FROM pragma_table_info(?)"));
    sqlite3_bind_text(st.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st.get()) == SQLITE_ROW)
      table.columns.push_back({ColumnText(st.get(), 0), ColumnText(st.get(), 1), sqlite3_column_int(st.get(), 2), ""});
  }
  DA_ASSIGN_OR_RETURN(SqliteStmt st,
                      PrepareSql(db, "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq"));
  sqlite3_bind_text(st.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  int last_id = -1;
  while (sqlite3_step(st.get()) == SQLITE_ROW) {
    const int id = sqlite3_column_int(st.get(), 0);
    if (id != last_id) table.foreign_keys.push_back({{}, {}, ColumnText(st.get(), 1)});
    last_id = id;
    table.foreign_keys.back().from.push_back(ColumnText(st.get(), 2));
    if (sqlite3_column_type(st.get(), 3) != SQLITE_NULL) table.foreign_keys.back().to.push_back(ColumnText(st.get(), 3));
  }
  return table;
}

std::string SelectAll(const SourceTable& table) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i)
    sql += (i ? ", " : "") + QuoteIdentifier(table.columns[i].name);
  return sql + " FROM " + QuoteIdentifier(table.name);
}

// Scans the table once and sets each column's pg_type; notes columns that became bytea.
Status ChooseTypes(sqlite3* db, SourceTable* table, std::vector<std::string>* notes) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, SelectAll(*table)));
  std::vector<ColumnValues> values(table->columns.size());
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW)
    for (size_t i = 0; i < values.size(); ++i) values[i].Observe(st.get(), static_cast<int>(i));
  if (rc != SQLITE_DONE) return SqliteError(db, "reading table " + table->name);
  for (size_t i = 0; i < values.size(); ++i) {
    SourceColumn& c = table->columns[i];
    c.pg_type = ChooseType(values[i], c.declared);
    c.integer_text = c.pg_type == "text" && values[i].texts > 0 && values[i].texts_are_integers &&
                     values[i].integers + values[i].reals == 0;
    if (c.pg_type == "bytea" && values[i].blobs == 0)
      notes->push_back("column " + table->name + "." + c.name + " is bytea: some text is not UTF-8 or holds NUL bytes");
  }
  return Status::Ok();
}

// ---- COPY -----------------------------------------------------------------------------------

void AppendEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: out->push_back(c);
    }
  }
}

void AppendBytea(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  *out += "\\\\x";  // bytea's hex input form \x..., its backslash escaped for COPY
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 0xF]);
  }
}

void AppendDouble(double d, std::string* out) {
  if (std::isnan(d)) { *out += "NaN"; return; }
  if (std::isinf(d)) { *out += d > 0 ? "Infinity" : "-Infinity"; return; }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  *out += buf;
}

// One cell in COPY text form for a column of `pg_type`.
void AppendCell(sqlite3_stmt* st, int i, const std::string& pg_type, std::string* out) {
  const int type = sqlite3_column_type(st, i);
  if (type == SQLITE_NULL) { *out += "\\N"; return; }
  if (pg_type == "bytea") {
    const void* p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
    const int n = sqlite3_column_bytes(st, i);
    AppendBytea(std::string_view(static_cast<const char*>(p ? p : ""), static_cast<size_t>(n)), out);
  } else if (type == SQLITE_FLOAT && pg_type != "text") {
    AppendDouble(sqlite3_column_double(st, i), out);
  } else {
    // Integers (also booleans 0/1, numerics, doubles) and text; numbers in a text column take
    // SQLite's own text form (what CAST(x AS TEXT) gives).
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    AppendEscaped(std::string_view(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i))), out);
  }
}

Status EndCopy(PgClient& client, const std::string& what, const char* error) {
  PGconn* conn = client.raw();
  if (PQputCopyEnd(conn, error) != 1) return client.Error(what, PQerrorMessage(conn));
  Status status = Status::Ok();
  while (PGresult* raw = PQgetResult(conn)) {
    PgResult r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && status.ok()) status = client.Error(what, PQresultErrorMessage(raw));
  }
  return status;
}

Result<int64_t> CopyTable(sqlite3* db, PgClient& client, const std::string& schema, const SourceTable& table) {
  const std::string what = "copying table " + table.name;
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, SelectAll(table)));
  std::string copy = "COPY " + QuoteIdentifier(schema) + "." + QuoteIdentifier(table.name) + " FROM STDIN";
  PGconn* conn = client.raw();
  {
    PgResult r(PQexec(conn, copy.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) return client.Error(what, PQresultErrorMessage(r.get()));
  }
  std::string buffer;
  int64_t rows = 0;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (i) buffer.push_back('\t');
      AppendCell(st.get(), static_cast<int>(i), table.columns[i].pg_type, &buffer);
    }
    buffer.push_back('\n');
    ++rows;
    if (buffer.size() >= kCopyChunk) {
      if (PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) != 1) {
        Status failed = client.Error(what, PQerrorMessage(conn));
        (void)EndCopy(client, what, "send failed");
        return failed;
      }
      buffer.clear();
    }
  }
  if (rc != SQLITE_DONE) {
    Status failed = SqliteError(db, "reading table " + table.name);
    (void)EndCopy(client, what, "reading the SQLite table failed");
    return failed;
  }
  if (!buffer.empty() && PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) != 1) {
    Status failed = client.Error(what, PQerrorMessage(conn));
    (void)EndCopy(client, what, "send failed");
    return failed;
  }
  DA_RETURN_IF_ERROR(EndCopy(client, what, nullptr));
  return rows;
}

// ---- Constraints ----------------------------------------------------------------------------

std::string ColumnList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + QuoteIdentifier(n);
  return out;
}

std::string Described(const std::string& table, const std::vector<std::string>& columns) {
  return table + "(" + Join(columns, ", ") + ")";
}

// The server's own reason, without our "postgresql://...: what: " prefix.
std::string Reason(const Status& status, const std::string& what) {
  const std::string& m = status.message();
  const size_t at = m.find(what + ": ");
  return at == std::string::npos ? m : m.substr(at + what.size() + 2);
}

// Runs `sql` in a savepoint: "" when it succeeded, else the server's reason (the transaction
// goes on without it). Fails only when the transaction cannot go on.
Result<std::string> TryInSavepoint(PgClient& client, const std::string& sql, const std::string& what) {
  DA_RETURN_IF_ERROR(client.Exec("SAVEPOINT da_load_try", what).status());
  auto r = client.Exec(sql, what);
  if (!r.ok()) {
    DA_RETURN_IF_ERROR(client.Exec("ROLLBACK TO SAVEPOINT da_load_try", what).status());
    std::string reason = Reason(r.status(), what);
    return reason.empty() ? std::string("failed") : reason;
  }
  DA_RETURN_IF_ERROR(client.Exec("RELEASE SAVEPOINT da_load_try", what).status());
  return std::string();
}

const SourceTable* FindTable(const std::vector<SourceTable>& tables, const std::string& name) {
  for (const auto& t : tables)
    if (EqualsIgnoreCase(t.name, name)) return &t;
  return nullptr;
}

// Column names as the referenced table spells them (SQLite matches them case-insensitively).
std::optional<std::vector<std::string>> ResolveColumns(const SourceTable& table, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    const SourceColumn* found = nullptr;
    for (const auto& c : table.columns)
      if (EqualsIgnoreCase(c.name, n)) found = &c;
    if (!found) return std::nullopt;
    out.push_back(found->name);
  }
  return out;
}

std::vector<std::string> PrimaryKey(const SourceTable& table) {
  std::map<int, std::string> by_position;
  for (const auto& c : table.columns)
    if (c.pk_position > 0) by_position[c.pk_position] = c.name;
  std::vector<std::string> out;
  for (auto& [pos, name] : by_position) out.push_back(name);
  return out;
}

class ConstraintBuilder {
 public:
  ConstraintBuilder(PgClient& client, const std::string& schema, const std::vector<SourceTable>& tables,
                    const PgLoadOptions& options, PgLoadReport* report)
      : client_(client), schema_(schema), tables_(tables), options_(options), report_(report) {}

  Status AddPrimaryKeys() {
    for (const auto& t : tables_) {
      const std::vector<std::string> pk = PrimaryKey(t);
      if (pk.empty()) continue;
      const std::string what = "primary key " + Described(t.name, pk);
      DA_ASSIGN_OR_RETURN(std::string failed, TryInSavepoint(client_, "ALTER TABLE " + Table(t.name) +
                                                                          " ADD PRIMARY KEY (" + ColumnList(pk) + ")", what));
      if (failed.empty()) {
        ++report_->primary_keys;
        keys_.push_back({t.name, pk});
      } else {
        report_->notes.push_back(what + " skipped: " + failed);
      }
    }
    return Status::Ok();
  }

  Status AddForeignKeys() {
    for (const auto& t : tables_) {
      for (const auto& fk : t.foreign_keys) DA_RETURN_IF_ERROR(AddForeignKey(t, fk));
    }
    return Status::Ok();
  }

 private:
  std::string Table(const std::string& name) const { return QuoteIdentifier(schema_) + "." + QuoteIdentifier(name); }

  bool IsKey(const std::string& table, const std::vector<std::string>& columns) const {
    for (const auto& [t, cols] : keys_)
      if (t == table && cols == columns) return true;
    return false;
  }

  Status AddForeignKey(const SourceTable& t, const SourceForeignKey& fk) {
    std::string what = "foreign key " + Described(t.name, fk.from) + " -> " +
                       Described(fk.table, fk.to.empty() ? std::vector<std::string>{"its primary key"} : fk.to);
    const SourceTable* target = FindTable(tables_, fk.table);
    auto from = ResolveColumns(t, fk.from);
    std::optional<std::vector<std::string>> to;
    if (target) to = fk.to.empty() ? std::optional(PrimaryKey(*target)) : ResolveColumns(*target, fk.to);
    if (!target || !from || !to || to->empty() || to->size() != from->size()) {
      report_->notes.push_back(what + " skipped: it names a table or column that does not exist");
      return Status::Ok();
    }
    what = "foreign key " + Described(t.name, *from) + " -> " + Described(target->name, *to);
    if (!IsKey(target->name, *to)) {
      // PostgreSQL requires the referenced columns to be unique; SQLite does not.
      const std::string unique_what = "unique " + Described(target->name, *to);
      DA_ASSIGN_OR_RETURN(std::string failed, TryInSavepoint(client_, "ALTER TABLE " + Table(target->name) +
                                                                          " ADD UNIQUE (" + ColumnList(*to) + ")", unique_what));
      if (!failed.empty()) {
        report_->notes.push_back(what + " skipped: the referenced columns are not unique (" + failed + ")");
        return Status::Ok();
      }
      keys_.push_back({target->name, *to});
      report_->notes.push_back("unique " + Described(target->name, *to) + " added for a foreign key");
    }
    DA_ASSIGN_OR_RETURN(std::string failed, TryInSavepoint(client_, "ALTER TABLE " + Table(t.name) + " ADD FOREIGN KEY (" +
                                                                        ColumnList(*from) + ") REFERENCES " +
                                                                        Table(target->name) + " (" + ColumnList(*to) + ")",
                                                                    what));
    if (failed.empty()) {
      ++report_->foreign_keys;
    } else if (options_.keep_violated_foreign_keys && failed.find("violates foreign key") != std::string::npos) {
      DA_ASSIGN_OR_RETURN(std::string again, TryInSavepoint(client_, "ALTER TABLE " + Table(t.name) + " ADD FOREIGN KEY (" +
                                                                       ColumnList(*from) + ") REFERENCES " +
                                                                       Table(target->name) + " (" + ColumnList(*to) +
                                                                       ") NOT VALID", what));
      if (again.empty()) {
        ++report_->foreign_keys;
        report_->notes.push_back(what + " declared NOT VALID: " + failed);
      } else {
        report_->notes.push_back(what + " skipped: " + again);
      }
    } else {
      report_->notes.push_back(what + " skipped: " + failed);
    }
    return Status::Ok();
  }

  PgClient& client_;
  const std::string& schema_;
  const std::vector<SourceTable>& tables_;
  const PgLoadOptions& options_;
  PgLoadReport* report_;
  std::vector<std::pair<std::string, std::vector<std::string>>> keys_;  // primary and unique keys made
};

// ---- The load -------------------------------------------------------------------------------

Status CreateTable(PgClient& client, const std::string& schema, const SourceTable& table) {
  std::string sql = "CREATE TABLE " + QuoteIdentifier(schema) + "." + QuoteIdentifier(table.name) + " (";
  for (size_t i = 0; i < table.columns.size(); ++i)
    sql += (i ? ", " : "") + QuoteIdentifier(table.columns[i].name) + " " + table.columns[i].pg_type;
  sql += ")";
  return client.Exec(sql, "creating table " + table.name).status();
}

// The schema's comment; nullopt when the schema does not exist.
Result<std::optional<std::string>> SchemaComment(PgClient& client, const std::string& schema) {
  DA_ASSIGN_OR_RETURN(PgResult r, client.Exec("SELECT coalesce(obj_description(oid, 'pg_namespace'), '') "
                                              "FROM pg_namespace WHERE nspname = $1",
                                              {PgText(schema)}, "reading the schema's fingerprint"));
  if (PQntuples(r.get()) == 0) return std::optional<std::string>();
  return std::optional<std::string>(PgStr(r.get(), 0, 0));
}

// A declared foreign key between a bigint column and a text column holding only integers' text
// (Spider: concert."Stadium_ID" text -> stadium."Stadium_ID" int): SQLite compares the two as
// numbers, PostgreSQL cannot even declare the key. The text side becomes bigint, like its key.
void AlignForeignKeyTypes(std::vector<SourceTable>* tables, std::vector<std::string>* notes) {
  auto column = [&](const std::string& table, const std::string& name) -> SourceColumn* {
    for (auto& t : *tables)
      if (EqualsIgnoreCase(t.name, table))
        for (auto& c : t.columns)
          if (EqualsIgnoreCase(c.name, name)) return &c;
    return nullptr;
  };
  auto align = [&](const std::string& table, SourceColumn* text, const SourceColumn* key) {
    if (!text || !key || !text->integer_text || key->pg_type != "bigint") return;
    text->pg_type = "bigint";
    text->integer_text = false;
    notes->push_back("column " + table + "." + text->name + " is bigint (declared " + text->declared +
                     ", integers stored as text) like the key it joins, " + key->name);
  };
  for (auto& t : *tables) {
    for (const auto& fk : t.foreign_keys) {
      const SourceTable* target = FindTable(*tables, fk.table);
      if (!target) continue;
      const std::vector<std::string> to = fk.to.empty() ? PrimaryKey(*target) : fk.to;
      for (size_t i = 0; i < fk.from.size() && i < to.size(); ++i) {
        SourceColumn* from = column(t.name, fk.from[i]);
        SourceColumn* ref = column(target->name, to[i]);
        align(t.name, from, ref);
        align(target->name, ref, from);
      }
    }
  }
}

Status LoadTables(sqlite3* db, PgClient& client, const std::string& schema, const PgLoadOptions& options,
                  PgLoadReport* report) {
  DA_ASSIGN_OR_RETURN(std::vector<std::string> names, ListObjects(db, "table"));
  DA_ASSIGN_OR_RETURN(std::vector<std::string> views, ListObjects(db, "view"));
  for (const auto& v : views) report->notes.push_back("view " + v + " not copied");
  std::vector<SourceTable> tables;
  for (const auto& name : names) {
    DA_ASSIGN_OR_RETURN(SourceTable table, DescribeTable(db, name));
    DA_RETURN_IF_ERROR(ChooseTypes(db, &table, &report->notes));
    tables.push_back(std::move(table));
  }
  AlignForeignKeyTypes(&tables, &report->notes);
  for (const auto& table : tables) {
    DA_RETURN_IF_ERROR(CreateTable(client, schema, table));
    DA_ASSIGN_OR_RETURN(int64_t rows, CopyTable(db, client, schema, table));
    PgLoadedTable loaded{table.name, rows, {}};
    for (const auto& c : table.columns) loaded.columns.push_back({c.name, c.declared, c.pg_type});
    report->tables.push_back(std::move(loaded));
  }
  ConstraintBuilder constraints(client, schema, tables, options, report);
  DA_RETURN_IF_ERROR(constraints.AddPrimaryKeys());
  return constraints.AddForeignKeys();
}

Status Load(sqlite3* db, PgClient& client, const std::string& schema, const std::string& comment,
            const PgLoadOptions& options, PgLoadReport* report) {
  // Serialises loads of this schema (the lock ends with the transaction).
  DA_RETURN_IF_ERROR(client.Exec("SELECT pg_advisory_xact_lock(hashtext($1))", {PgText("da_load:" + schema)},
                                 "locking the schema").status());
  DA_ASSIGN_OR_RETURN(std::optional<std::string> existing, SchemaComment(client, schema));
  if (existing) {
    if (existing->rfind(kCommentPrefix, 0) != 0)
      return Status::Refused("schema " + schema + " already exists and was not made by the SQLite loader: "
                             "choose another schema or drop it");
    if (*existing == comment && !options.reload) {
      report->up_to_date = true;
      return Status::Ok();
    }
    DA_RETURN_IF_ERROR(client.Exec("DROP SCHEMA " + QuoteIdentifier(schema) + " CASCADE", "dropping the old load").status());
  }
  DA_RETURN_IF_ERROR(client.Exec("CREATE SCHEMA " + QuoteIdentifier(schema), "creating the schema").status());
  DA_RETURN_IF_ERROR(LoadTables(db, client, schema, options, report));
  if (options.analyze) {
    for (const auto& t : report->tables)
      DA_RETURN_IF_ERROR(
          client.Exec("ANALYZE " + QuoteIdentifier(schema) + "." + QuoteIdentifier(t.name), "analyzing " + t.name).status());
  }
  return client.Exec("COMMENT ON SCHEMA " + QuoteIdentifier(schema) + " IS " + QuoteLiteral(comment),
                     "recording the fingerprint").status();
}

}  // namespace

Result<std::string> SqliteFingerprint(const fs::path& sqlite_path) {
  struct stat st {};
  if (::stat(sqlite_path.c_str(), &st) != 0) return Status::NotFound("SQLite file " + sqlite_path.string() + " not found");
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return std::string(kCommentPrefix) + "v" + std::to_string(kLoaderVersion) + " size=" + std::to_string(st.st_size) +
         " mtime_ns=" + std::to_string(mtime_ns);
}

Result<PgLoadReport> LoadSqliteIntoPostgres(PgClient& client, const fs::path& sqlite_path, const std::string& schema,
                                            const PgLoadOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (schema.empty()) return Status::InvalidArgument("no schema name given");
  DA_ASSIGN_OR_RETURN(std::string comment, SqliteFingerprint(sqlite_path));
  if (options.keep_violated_foreign_keys) comment += " violated_foreign_keys=kept";
  DA_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(sqlite_path, OpenMode::kReadOnly));
  PgLoadReport report;
  report.schema = schema;
  DA_RETURN_IF_ERROR(client.Begin("loading " + sqlite_path.filename().string()));
  Status st = Load(db.get(), client, schema, comment, options, &report);
  if (st.ok()) st = client.Commit("loading " + sqlite_path.filename().string());
  if (!st.ok()) {
    client.Rollback();
    return st.WithContext("loading " + sqlite_path.string() + " into schema " + schema);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace da
