#include "common/sql_dialect.h"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <cctype>

#include "common/strings.h"

namespace da {
namespace {

// PostgreSQL 15 keywords that may not stand bare as a column or table name everywhere
// (Appendix C: "reserved", "reserved (can be function or type)" and "non-reserved (cannot be
// function or type)"), lowercase.
constexpr std::string_view kPostgresKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
    "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float",
    "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having",
    "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into",
    "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime",
    "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null",
    "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps",
    "overlay", "placing", "position", "precision", "primary", "real", "references", "returning",
    "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
    "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
};

// Amazon Redshift's reserved words (docs: "Reserved words") that PostgreSQL lacks above.
constexpr std::string_view kRedshiftKeywords[] = {
    "aes128", "aes256", "allowoverwrite", "az64", "backup", "blanksasnull", "bytedict", "bzip2",
    "credentials", "current_user_id", "deflate", "defrag", "delta", "delta32k", "disable",
    "emptyasnull", "enable", "encode", "encrypt", "encryption", "explicit", "globaldict256",
    "globaldict64k", "gzip", "identity", "ignore", "lun", "luns", "lzo", "lzop", "minus",
    "mostly16", "mostly32", "mostly8", "new", "nulls", "off", "offline", "oid", "old", "open",
    "parallel", "partition", "percent", "permissions", "pivot", "raw", "readratio", "recover",
    "rejectlog", "resort", "respect", "restore", "snapshot", "sysdate", "system", "tag", "tdes",
    "text255", "text32k", "top", "truncatecolumns", "unnest", "unpivot", "wallet", "without",
    "connect", "start",  // not reserved, but Redshift fails on them as bare aliases
};

bool InList(const std::string_view* begin, const std::string_view* end, std::string_view word) {
  return std::find(begin, end, word) != end;
}

bool PlainLowercase(std::string_view name) {
  if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return std::islower(u) || std::isdigit(u) || c == '_';
  });
}

bool PlainAscii(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

const char* DateFormat(DatePart part) { return part == DatePart::kYear ? "YEAR" : "MONTH"; }

}  // namespace

SqlDialect DialectOfDatasetKind(std::string_view kind) {
  if (EqualsIgnoreCase(kind, "postgres") || EqualsIgnoreCase(kind, "postgresql")) return SqlDialect::kPostgres;
  if (EqualsIgnoreCase(kind, "redshift")) return SqlDialect::kRedshift;
  return SqlDialect::kSqlite;
}

std::string_view DialectName(SqlDialect d) {
  switch (d) {
    case SqlDialect::kSqlite: return "SQLite";
    case SqlDialect::kPostgres: return "PostgreSQL";
    case SqlDialect::kRedshift: return "Amazon Redshift";
  }
  return "SQLite";
}

std::optional<SqlDialect> ParseSqlDialect(std::string_view name) {
  name = Trim(name);
  if (EqualsIgnoreCase(name, "sqlite")) return SqlDialect::kSqlite;
  if (EqualsIgnoreCase(name, "postgresql") || EqualsIgnoreCase(name, "postgres")) return SqlDialect::kPostgres;
  if (EqualsIgnoreCase(name, "redshift") || EqualsIgnoreCase(name, "amazon redshift")) return SqlDialect::kRedshift;
  return std::nullopt;
}

bool IsPostgresFamily(SqlDialect d) { return d == SqlDialect::kPostgres || d == SqlDialect::kRedshift; }

bool IsReservedWord(SqlDialect d, std::string_view word) {
  if (d == SqlDialect::kSqlite) return sqlite3_keyword_check(word.data(), static_cast<int>(word.size())) != 0;
  const std::string lower = ToLower(word);
  if (InList(std::begin(kPostgresKeywords), std::end(kPostgresKeywords), lower)) return true;
  return d == SqlDialect::kRedshift && InList(std::begin(kRedshiftKeywords), std::end(kRedshiftKeywords), lower);
}

std::string QuoteName(SqlDialect d, std::string_view name) {
  const bool plain = d == SqlDialect::kSqlite ? PlainAscii(name) : PlainLowercase(name);
  if (plain && !IsReservedWord(d, name)) return std::string(name);
  return QuoteIdentifier(name);
}

std::string StringLiteral(std::string_view text) { return QuoteLiteral(text); }

std::string BooleanLiteral(SqlDialect d, bool value) {
  if (d == SqlDialect::kSqlite) return value ? "1" : "0";
  return value ? "TRUE" : "FALSE";
}

std::string DatePartOf(SqlDialect d, DatePart part, std::string_view expr) {
  if (d == SqlDialect::kSqlite) {
    return std::string("strftime('") + (part == DatePart::kYear ? "%Y" : "%m") + "', " + std::string(expr) + ")";
  }
  return std::string("CAST(EXTRACT(") + DateFormat(part) + " FROM " + std::string(expr) + ") AS INTEGER)";
}

std::string DatePartValue(SqlDialect d, DatePart part, int value) {
  if (d != SqlDialect::kSqlite) return std::to_string(value);
  std::string digits = std::to_string(value);
  if (part == DatePart::kMonth && digits.size() < 2) digits = "0" + digits;
  return "'" + digits + "'";
}

std::string YearMonthOf(SqlDialect d, std::string_view expr) {
  if (d == SqlDialect::kSqlite) return "strftime('%Y-%m', " + std::string(expr) + ")";
  return "to_char(" + std::string(expr) + ", 'YYYY-MM')";
}

std::string DateTruncOf(SqlDialect d, std::string_view unit, std::string_view expr) {
  const std::string u = ToLower(unit);
  if (d == SqlDialect::kSqlite) {
    if (u == "year") return "strftime('%Y-01-01', " + std::string(expr) + ")";
    if (u == "month") return "strftime('%Y-%m-01', " + std::string(expr) + ")";
    return "date(" + std::string(expr) + ")";
  }
  const std::string_view pg = u == "year" || u == "month" ? std::string_view(u) : std::string_view("day");
  return "date_trunc('" + std::string(pg) + "', " + std::string(expr) + ")";
}

std::string_view CaseInsensitiveLike(SqlDialect d, bool negated) {
  if (d == SqlDialect::kSqlite) return negated ? "NOT LIKE" : "LIKE";
  return negated ? "NOT ILIKE" : "ILIKE";
}

std::string RealOf(SqlDialect d, std::string_view expr) {
  return "CAST(" + std::string(expr) + (d == SqlDialect::kSqlite ? " AS REAL)" : " AS DOUBLE PRECISION)");
}

std::string AverageOf(SqlDialect d, std::string_view expr, bool integer_argument) {
  if (d == SqlDialect::kRedshift && integer_argument) return "avg(" + RealOf(d, expr) + ")";
  return "avg(" + std::string(expr) + ")";
}

std::string ConcatOf(SqlDialect, std::string_view a, std::string_view b) {
  return std::string(a) + " || " + std::string(b);
}

std::string LimitClause(SqlDialect, int n) { return " LIMIT " + std::to_string(n); }

std::string OrderDirection(SqlDialect d, bool desc) {
  if (!desc) return " ASC";
  return d == SqlDialect::kSqlite ? " DESC" : " DESC NULLS LAST";
}

std::string DerivedTableAlias(SqlDialect d, std::string_view alias) {
  return d == SqlDialect::kSqlite ? std::string() : " AS " + std::string(alias);
}

bool StrictGrouping(SqlDialect d) { return d != SqlDialect::kSqlite; }

}  // namespace da
