#include "catalog/keys.h"

#include <algorithm>
#include <optional>

#include "common/sqlite.h"
#include "common/strings.h"

namespace da {

namespace {

// Lower-cased with '_' removed, so "Customer_ID", "customerId" and "customerid" compare equal.
std::string Squashed(std::string_view name) {
  std::string out;
  for (char c : ToLower(name))
    if (c != '_' && c != ' ') out += c;
  return out;
}

// The last word of an identifier: split at '_', ' ', '-' and lower->upper case changes.
std::string LastWord(std::string_view name) {
  size_t start = 0;
  for (size_t i = 1; i < name.size(); ++i) {
    char prev = name[i - 1], c = name[i];
    if (c == '_' || c == ' ' || c == '-') start = i + 1;
    else if (prev >= 'a' && prev <= 'z' && c >= 'A' && c <= 'Z') start = i;
  }
  return ToLower(name.substr(std::min(start, name.size())));
}

// Row numbers written by data frame exports ("index", "level_0", "Unnamed: 0") identify rows
// of one file, never an entity another table refers to.
bool IsRowNumberName(std::string_view squashed) {
  return squashed == "index" || squashed == "level0" || squashed == "rowid" || squashed == "row" ||
         squashed == "rownumber" || squashed == "rownum" || squashed == "unnamed:0" || squashed == "unnamed0";
}

bool IsGenericKeyName(std::string_view squashed) {
  return squashed == "id" || squashed == "code" || squashed == "key" || squashed == "number" ||
         IsRowNumberName(squashed);
}

// How strongly a column name suggests a table's key: 3 "id", 2 names the table
// ("<table>_id", "<singular>id"), 1 ends with an id-like word, 0 not id-like.
int IdLikeScore(const TableInfo& table, std::string_view column) {
  const std::string sq = Squashed(column);
  if (sq == "id") return 3;
  const std::string singular = Squashed(SingularName(table.name));
  const std::string plural = Squashed(table.name);
  for (const char* suffix : {"id", "code", "key", "number"}) {
    if (sq == singular + suffix || sq == plural + suffix) return 2;
  }
  const std::string last = LastWord(column);
  if (last == "id" || last == "code" || last == "key" || last == "number") return 1;
  // The first word of a compound table name: storesize.store.
  if (sq.size() >= 3 && plural.size() > sq.size() && plural.starts_with(sq)) return 2;
  return 0;
}

bool IsUniqueNonNull(const TableInfo& table, const ColumnInfo& c) {
  return table.row_count > 0 && !c.distinct_is_estimate && c.null_fraction == 0 &&
         c.distinct_count == table.row_count;
}

// Share of the child column's distinct non-null values present in the parent column, by
// SQLite's own comparison rules (as a join would match them). `distinct` receives the number of
// distinct non-null child values.
Result<double> MeasureInclusion(sqlite3* db, const std::string& table, const std::string& column,
                                const std::string& ref_table, const std::string& ref_column,
                                int64_t* distinct) {
  const std::string sql = "SELECT count(*), coalesce(sum(v IN (SELECT " + QuoteIdentifier(ref_column) +
                          " FROM " + QuoteIdentifier(ref_table) + ")), 0) FROM (SELECT DISTINCT " +
                          QuoteIdentifier(column) + " AS v FROM " + QuoteIdentifier(table) +
                          " WHERE " + QuoteIdentifier(column) + " IS NOT NULL)";
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, sql));
  if (sqlite3_step(st.get()) != SQLITE_ROW)
    return SqliteError(db, "measuring " + table + "." + column + " -> " + ref_table + "." + ref_column);
  *distinct = sqlite3_column_int64(st.get(), 0);
  const int64_t found = sqlite3_column_int64(st.get(), 1);
  return *distinct > 0 ? static_cast<double>(found) / static_cast<double>(*distinct) : 1.0;
}

bool HasForeignKeyOn(const TableInfo& t, std::string_view column) {
  for (const auto& fk : t.foreign_keys)
    if (EqualsIgnoreCase(fk.column, column)) return true;
  return false;
}

// How a child column name matches a parent table's single-column primary key:
// 2 (strong) when it names the parent table ("customer_id" -> customers.id or
// customers.customer_id), 1 (weak) when it only equals a non-generic key name, 0 no match.
int ForeignKeyNameMatch(std::string_view column, const TableInfo& parent, std::string_view parent_key) {
  const std::string col = Squashed(column);
  const std::string key = Squashed(parent_key);
  for (const std::string& stem : {Squashed(SingularName(parent.name)), Squashed(parent.name)}) {
    if (col == stem + key) return 2;
    if (col == key && col.rfind(stem, 0) == 0) return 2;
  }
  if (col == key && !IsGenericKeyName(key)) return 1;
  return 0;
}

}  // namespace

std::string SingularName(std::string_view table) {
  std::string s = ToLower(table);
  auto ends = [&](std::string_view suf) { return s.size() > suf.size() + 1 && s.ends_with(suf); };
  if (ends("ies")) return s.substr(0, s.size() - 3) + "y";
  if (ends("sses") || ends("xes") || ends("ches") || ends("shes") || ends("zes"))
    return s.substr(0, s.size() - 2);
  if (ends("s") && !ends("ss") && !ends("us")) return s.substr(0, s.size() - 1);
  return s;
}

void InferPrimaryKey(TableInfo* table) {
  if (table->is_view || !table->primary_key.empty()) return;
  const ColumnInfo* best = nullptr;
  int best_score = 0;
  for (const auto& c : table->columns) {
    if (!IsUniqueNonNull(*table, c)) continue;
    const int score = IdLikeScore(*table, c.name);
    if (score > best_score) {
      best = &c;
      best_score = score;
    }
  }
  if (!best && table->row_count >= 2) {
    int unique_integers = 0;
    for (const auto& c : table->columns) {
      if (c.type == ColumnType::kInteger && IsUniqueNonNull(*table, c)) {
        best = &c;
        ++unique_integers;
      }
    }
    if (unique_integers != 1) best = nullptr;
  }
  if (!best) return;
  table->primary_key = {best->name};
  table->primary_key_declared = false;
  for (auto& c : table->columns) c.is_primary_key = (&c == best);
}

Status AddDeclaredForeignKeys(sqlite3* db, Catalog* catalog) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st,
                      PrepareSql(db, "SELECT id, seq, \"table\", \"from\", \"to\" "
                                     "FROM pragma_foreign_key_list(?1) ORDER BY id, seq"));
  for (auto& table : catalog->tables) {
    if (table.is_view) continue;
    sqlite3_reset(st.get());
    sqlite3_bind_text(st.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      auto text = [&](int i) -> std::optional<std::string> {
        if (sqlite3_column_type(st.get(), i) == SQLITE_NULL) return std::nullopt;
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), i)));
      };
      const int seq = sqlite3_column_int(st.get(), 1);
      const TableInfo* parent = catalog->FindTable(text(2).value_or(""));
      const ColumnInfo* child_col = table.FindColumn(text(3).value_or(""));
      if (!parent || parent->is_view || !child_col) continue;  // dangling declaration
      std::optional<std::string> to = text(4);
      const ColumnInfo* parent_col = nullptr;
      if (to) parent_col = parent->FindColumn(*to);
      else if (static_cast<size_t>(seq) < parent->primary_key.size())
        parent_col = parent->FindColumn(parent->primary_key[seq]);
      if (!parent_col) continue;
      ForeignKey fk{child_col->name, parent->name, parent_col->name, true, 1.0};
      table.foreign_keys.push_back(std::move(fk));
    }
    if (rc != SQLITE_DONE) return SqliteError(db, "reading foreign keys of " + table.name);
  }
  for (auto& table : catalog->tables) {
    for (auto& fk : table.foreign_keys) {
      int64_t distinct = 0;
      DA_ASSIGN_OR_RETURN(fk.inclusion,
                          MeasureInclusion(db, table.name, fk.column, fk.ref_table, fk.ref_column, &distinct));
    }
  }
  return Status::Ok();
}

Status InferForeignKeys(sqlite3* db, Catalog* catalog) {
  return InferForeignKeys(catalog, [db](const TableInfo& table, const ColumnInfo& column, const TableInfo& parent,
                                        const ColumnInfo& parent_column, int64_t* distinct) {
    return MeasureInclusion(db, table.name, column.name, parent.name, parent_column.name, distinct);
  });
}

Status InferForeignKeys(Catalog* catalog, const InclusionMeasure& measure) {
  for (auto& child : catalog->tables) {
    if (child.is_view) continue;
    const bool sole_pk = child.primary_key.size() == 1;
    for (const auto& col : child.columns) {
      if (HasForeignKeyOn(child, col.name) || col.null_fraction >= 1.0 || child.row_count == 0) continue;
      const bool is_own_key = sole_pk && EqualsIgnoreCase(child.primary_key[0], col.name);
      std::optional<ForeignKey> best;
      int best_match = 0;
      for (const auto& parent : catalog->tables) {
        if (&parent == &child || parent.is_view || parent.primary_key.size() != 1) continue;
        const int match = ForeignKeyNameMatch(col.name, parent, parent.primary_key[0]);
        // A table's own key names another table only when it clearly refers to it (1:1
        // extension tables such as customer_details.customer_id -> customers).
        if (match == 0 || (is_own_key && match < 2) || match < best_match) continue;
        const ColumnInfo* parent_col = parent.FindColumn(parent.primary_key[0]);
        if (!parent_col) continue;
        int64_t distinct = 0;
        DA_ASSIGN_OR_RETURN(double inclusion, measure(child, col, parent, *parent_col, &distinct));
        if (distinct == 0 || inclusion < kMinInferredInclusion) continue;
        if (match > best_match || !best || inclusion > best->inclusion) {
          best = ForeignKey{col.name, parent.name, parent.primary_key[0], false, inclusion};
          best_match = match;
        }
      }
      if (best) child.foreign_keys.push_back(*best);
    }
  }
  return Status::Ok();
}

}  // namespace da
