#include "guard/sql_policy.h"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "common/strings.h"
#include "guard/sql_text.h"

namespace da {

namespace {

// SQLite's built-in value functions (3.40 plus later additions, so an upgrade keeps working).
// Table-valued functions (json_each, ...) are not here: the authorizer sees them as READs.
constexpr std::string_view kAllowedFunctions[] = {
    // core scalar
    "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "if", "ifnull",
    "iif", "instr", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min",
    "nullif", "octet_length", "printf", "quote", "random", "randomblob", "replace", "round",
    "rtrim", "sign", "soundex", "sqlite_version", "substr", "substring", "trim", "typeof",
    "unhex", "unicode", "unlikely", "upper", "zeroblob",
    // aggregate
    "avg", "count", "group_concat", "string_agg", "sum", "total", "median", "percentile",
    "percentile_cont", "percentile_disc",
    // window
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
    "first_value", "last_value", "nth_value",
    // date and time
    "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
    "current_date", "current_time", "current_timestamp",
    // JSON (-> and ->> are the operators' function names)
    "json", "json_array", "json_array_length", "json_error_position", "json_extract",
    "json_insert", "json_object", "json_patch", "json_pretty", "json_quote", "json_remove",
    "json_replace", "json_set", "json_type", "json_valid", "json_group_array",
    "json_group_object", "jsonb", "jsonb_array", "jsonb_extract", "jsonb_insert",
    "jsonb_object", "jsonb_patch", "jsonb_remove", "jsonb_replace", "jsonb_set",
    "jsonb_group_array", "jsonb_group_object", "->", "->>",
    // math
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos",
    "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
    "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc"};

constexpr std::string_view kForbiddenFunctions[] = {
    "load_extension", "readfile",  "writefile",  "edit",           "fts3_tokenizer",
    "fsdir",          "zipfile",   "lsmode",     "sqlar_compress", "sqlar_uncompress",
    "sqlite_offset",  "sqlite_compileoption_get", "sqlite_compileoption_used"};

bool IsSchemaTable(const std::string& lower) {
  return lower == "sqlite_master" || lower == "sqlite_schema" || lower == "sqlite_temp_master" ||
         lower == "sqlite_temp_schema";
}

bool IsJsonTableFunction(const std::string& lower) {
  return lower == "json_each" || lower == "json_tree" || lower == "jsonb_each" ||
         lower == "jsonb_tree";
}

// SQLite's own virtual tables that expose storage rather than data: never readable.
bool IsInternalTable(const std::string& lower) {
  return lower == "dbstat" || lower == "sqlite_dbpage" || lower == "sqlite_stmt" ||
         lower == "sqlite_dbdata" || lower == "sqlite_dbptr" || lower == "fts3tokenize" ||
         lower == "fts4aux" || lower == "fts5vocab";
}

std::string Text(const char* s) { return s ? s : ""; }

AuthDecision Allow() { return {SQLITE_OK, ""}; }
AuthDecision Deny(std::string reason) { return {SQLITE_DENY, std::move(reason)}; }

std::string WriteMessage(std::string_view verb) {
  return "only read-only queries can run here: " + std::string(verb) + " is a write";
}

AuthDecision AuthorizeRead(const AuthRequest& r, const TableVisibility& tables) {
  std::string name = Text(r.arg1);
  std::string lower = ToLower(name);
  if (IsSchemaTable(lower)) {
    if (tables.hidden_tables.empty()) return Allow();
    return Deny("sqlite_schema is not readable in this dataset because it would reveal hidden "
                "tables");
  }
  if (tables.hidden_tables.count(lower)) {
    return Deny("table " + name + " is not visible in this dataset");
  }
  if (tables.dataset_tables.count(lower) || IsJsonTableFunction(lower)) return Allow();
  if (StartsWithIgnoreCase(lower, "pragma_")) return Deny("PRAGMA is not allowed");
  if (IsInternalTable(lower)) return Deny("table " + name + " is not available here");
  // A CTE or subquery used without reading any of its columns (SELECT count(*) FROM cte)
  // arrives as a READ of its name with an empty column; it exposes nothing stored.
  if (r.arg2 != nullptr && r.arg2[0] == '\0') return Allow();
  return Deny("table " + name + " is not available here");
}

// "tables" / "views" / ... for the object word after CREATE or DROP.
std::string ObjectKind(const std::vector<std::string>& words, size_t i) {
  while (i < words.size() &&
         (words[i] == "TEMP" || words[i] == "TEMPORARY" || words[i] == "UNIQUE" ||
          words[i] == "VIRTUAL")) {
    ++i;
  }
  if (i >= words.size()) return "schema objects";
  const std::string& w = words[i];
  if (w == "TABLE") return "tables";
  if (w == "VIEW") return "views";
  if (w == "INDEX") return "indexes";
  if (w == "TRIGGER") return "triggers";
  return "schema objects";
}

}  // namespace

bool IsAllowedFunction(std::string_view lower_name) {
  return std::find(std::begin(kAllowedFunctions), std::end(kAllowedFunctions), lower_name) !=
         std::end(kAllowedFunctions);
}

bool IsForbiddenFunction(std::string_view lower_name) {
  return std::find(std::begin(kForbiddenFunctions), std::end(kForbiddenFunctions),
                   lower_name) != std::end(kForbiddenFunctions);
}

AuthDecision Authorize(const AuthRequest& r, const TableVisibility& tables) {
  switch (r.action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return Allow();
    case SQLITE_READ:
      return AuthorizeRead(r, tables);
    case SQLITE_FUNCTION: {
      std::string name = ToLower(Text(r.arg2));
      if (IsAllowedFunction(name)) return Allow();
      return Deny("function " + name + " is not allowed");
    }
    case SQLITE_INSERT: return Deny(WriteMessage("INSERT"));
    case SQLITE_UPDATE:
      // User statements cannot get here for the schema table (SQLite refuses "table
      // sqlite_master may not be modified" first); only the first use of an eponymous virtual
      // table the connection did not warm up does.
      if (IsSchemaTable(ToLower(Text(r.arg1)))) {
        return Deny("table-valued functions other than json_each and json_tree are not "
                    "available here");
      }
      return Deny(WriteMessage("UPDATE"));
    case SQLITE_DELETE: return Deny(WriteMessage("DELETE"));
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_VTABLE:
      return Deny("creating tables is not allowed");
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
      return Deny("creating views is not allowed");
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
      return Deny("creating indexes is not allowed");
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
      return Deny("creating triggers is not allowed");
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_VTABLE:
      return Deny("dropping tables is not allowed");
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      return Deny("dropping views is not allowed");
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
      return Deny("dropping indexes is not allowed");
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      return Deny("dropping triggers is not allowed");
    case SQLITE_ALTER_TABLE: return Deny("ALTER TABLE is not allowed");
    case SQLITE_REINDEX: return Deny("REINDEX is not allowed");
    case SQLITE_ANALYZE: return Deny("ANALYZE is not allowed");
    case SQLITE_ATTACH: return Deny("ATTACH is not allowed");
    case SQLITE_DETACH: return Deny("DETACH is not allowed");
    case SQLITE_PRAGMA: return Deny("PRAGMA is not allowed");
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return Deny("transactions are not allowed");
    default:
      return Deny("operation " + std::to_string(r.action) + " is not allowed");
  }
}

std::string DescribeNonQuery(std::string_view sql, size_t pos) {
  std::vector<std::string> words = LeadingWords(sql, pos, 8);
  size_t i = 0;
  if (i < words.size() && words[i] == "EXPLAIN") {
    ++i;
    if (i + 1 < words.size() && words[i] == "QUERY" && words[i + 1] == "PLAN") i += 2;
  }
  if (i >= words.size()) return "";
  const std::string& w = words[i];
  if (w == "INSERT" || w == "REPLACE" || w == "UPDATE" || w == "DELETE") return WriteMessage(w);
  if (w == "CREATE") return "creating " + ObjectKind(words, i + 1) + " is not allowed";
  if (w == "DROP") return "dropping " + ObjectKind(words, i + 1) + " is not allowed";
  if (w == "ALTER") return "ALTER TABLE is not allowed";
  if (w == "ATTACH" || w == "DETACH" || w == "PRAGMA" || w == "VACUUM" || w == "REINDEX" ||
      w == "ANALYZE") {
    return w + " is not allowed";
  }
  if (w == "BEGIN" || w == "COMMIT" || w == "END" || w == "ROLLBACK" || w == "SAVEPOINT" ||
      w == "RELEASE") {
    return "transactions are not allowed";
  }
  return "";
}

}  // namespace da
