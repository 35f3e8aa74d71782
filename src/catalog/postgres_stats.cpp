#include "catalog/postgres_stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>

#include "catalog/column_profile.h"
#include "catalog/profiler.h"
#include "common/strings.h"

namespace da {

namespace {

// Rows per FETCH (Redshift allows at most 1,000 on a single-node cluster).
constexpr int kFetchRows = 10000;
constexpr int kRedshiftFetchRows = 1000;
// The smallest space a heap row takes (tuple header + line pointer): a table of S bytes holds
// at most S / kMinRowBytes rows, so a small table is read whole without asking how many.
constexpr int64_t kMinRowBytes = 28;
constexpr int64_t kPageBytes = 8192;
// Pages a never-analysed big table's row estimate is counted over.
constexpr double kProbePages = 1000;

std::string Quoted(std::string_view name) { return QuoteIdentifier(name); }

bool IsNumber(ColumnType t) { return t == ColumnType::kInteger || t == ColumnType::kReal; }

// Redshift types whose values read as text (SUPER, GEOMETRY, VARBYTE, HLLSKETCH do not).
bool RedshiftStringType(std::string_view declared) {
  const std::string d = ToLower(declared);
  for (const char* prefix : {"character", "char", "varchar", "text", "bpchar", "nchar", "nvarchar"})
    if (d.starts_with(prefix)) return true;
  return false;
}

// The select expression reading a column for statistics; "" when its values cannot be read.
std::string ReadExpression(const ColumnInfo& c, bool redshift) {
  const std::string q = Quoted(c.name);
  if (c.type == ColumnType::kText) {
    if (redshift && !RedshiftStringType(c.declared_type)) return "";
    return "left(" + q + (redshift ? "" : "::text") + ", " + std::to_string(kSampledTextChars) + ")";
  }
  if (c.declared_type == "money") return q + "::numeric";  // "$1,234.50" is not a number
  return q;
}

void FeedReal(std::string_view text, ColumnAccumulator* acc) {
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc() && end == text.data() + text.size()) acc->AddReal(d);
  else acc->AddText(text);
}

// Feeds one value as PostgreSQL writes it in text form (ISO dates, 't'/'f' booleans).
void Feed(ColumnType type, std::string_view text, ColumnAccumulator* acc) {
  switch (type) {
    case ColumnType::kInteger: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size()) acc->AddInteger(v);
      else FeedReal(text, acc);  // numeric(30,0) beyond int64
      return;
    }
    case ColumnType::kReal: FeedReal(text, acc); return;
    case ColumnType::kBoolean: acc->AddText(text == "t" ? "true" : text == "f" ? "false" : text); return;
    default: acc->AddText(text); return;
  }
}

// Values of eligible text columns, held until the relation's read has succeeded.
struct PendingValue {
  size_t column;
  std::string value;
  int64_t count;
};
using PendingValues = std::vector<PendingValue>;

// The rows read from one relation, counted per column.
struct Sample {
  int64_t rows = 0;   // rows counted
  bool more = false;  // the relation returned more rows than were counted
  std::vector<std::unique_ptr<ColumnAccumulator>> columns;  // per table column; null when not read
};

// One scan (a cursor fetched in batches, so memory stays bounded) of `source` ("t" or
// "t TABLESAMPLE ..."): the first `max_rows` rows are counted; one more row sets `more`.
Status ScanRows(PgCatalogSession& session, const TableInfo& table, const std::string& source, int64_t max_rows,
                Sample* out) {
  std::string select = "SELECT 1";
  std::vector<size_t> read;  // table column of each selected expression after the first
  out->columns.clear();
  out->columns.resize(table.columns.size());
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const std::string expr = ReadExpression(table.columns[i], session.redshift());
    if (expr.empty()) continue;
    select += ", " + expr;
    read.push_back(i);
    out->columns[i] = std::make_unique<ColumnAccumulator>(/*infer_type=*/false);
  }
  select += " FROM " + source + " LIMIT " + std::to_string(max_rows + 1);
  const std::string what = "catalog: read " + table.name;
  DA_RETURN_IF_ERROR(session.Query("DECLARE da_scan CURSOR FOR " + select, what).status());
  out->rows = 0;
  out->more = false;
  const int fetch_rows = session.redshift() ? kRedshiftFetchRows : kFetchRows;
  for (;;) {
    DA_ASSIGN_OR_RETURN(PgResult batch, session.Query("FETCH FORWARD " + std::to_string(fetch_rows) + " FROM da_scan", what));
    const int n = PQntuples(batch.get());
    for (int r = 0; r < n; ++r) {
      if (out->rows == max_rows) {
        out->more = true;
        break;
      }
      for (size_t k = 0; k < read.size(); ++k) {
        ColumnAccumulator* acc = out->columns[read[k]].get();
        const int col = static_cast<int>(k) + 1;
        if (PgIsNull(batch.get(), r, col)) {
          acc->AddNull();
        } else {
          Feed(table.columns[read[k]].type,
               std::string_view(PQgetvalue(batch.get(), r, col), PQgetlength(batch.get(), r, col)), acc);
        }
      }
      ++out->rows;
    }
    if (n < fetch_rows || out->more) break;
  }
  return session.Query("CLOSE da_scan", what).status();
}

int64_t Scaled(int64_t count, double scale) { return std::max<int64_t>(1, std::llround(count * scale)); }

// Turns a sample into statistics. `total` is the relation's row count when the sample is only
// part of it (the statistics are then estimates), < 0 when the sample is every row.
void FinishFromSample(const Sample& sample, double total, const PostgresCatalogOptions& options, TableInfo* table,
                      PendingValues* values) {
  const int64_t n = sample.rows;
  const bool whole = total < 0;
  const double scale = whole || n == 0 ? 1.0 : total / static_cast<double>(n);
  table->row_count = whole ? n : std::llround(total);
  for (size_t i = 0; i < table->columns.size(); ++i) {
    ColumnInfo& col = table->columns[i];
    ColumnAccumulator* acc = sample.columns[i].get();
    if (!acc) {
      col.distinct_is_estimate = true;
      continue;
    }
    acc->Finish(n, options.top_values, &col);
    if (!whole) {
      // PostgreSQL's own ANALYZE rules: a sample in which every value appears at least twice
      // holds every value there is; one in which no value repeats is of a unique column.
      int64_t singletons = -1;
      if (col.type == ColumnType::kText) {
        singletons = 0;
        if (!acc->ForEachExactText([&](std::string_view, int64_t count) { singletons += count == 1; }))
          singletons = -1;
      }
      const bool complete = singletons == 0 && col.distinct_count > 0 && !col.distinct_is_estimate;
      if (!complete) {
        col.distinct_is_estimate = true;
        const int64_t non_null = n - acc->nulls();
        if (non_null > 1 && col.distinct_count == non_null) col.distinct_count = std::llround(non_null * scale);
      }
      for (auto& top : col.top_values) top.count = Scaled(top.count, scale);
    }
    if (values && ValueIndex::ColumnEligible(*table, col)) {
      acc->ForEachExactText([&](std::string_view v, int64_t count) {
        values->push_back({i, std::string(v), whole ? count : Scaled(count, scale)});
      });
    }
  }
}

// A statistics value (pg_stats text) as our Value of the column's type.
Value StatValue(ColumnType type, const std::string& text) {
  if (type == ColumnType::kInteger) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return v;
  }
  if (IsNumber(type)) {
    double d = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec == std::errc() && end == text.data() + text.size()) return d;
  }
  if (type == ColumnType::kBoolean) return std::string(text == "t" ? "true" : text == "f" ? "false" : text);
  return CutUtf8(text, kMaxStoredTextBytes);
}

// Numbers before text; numbers by value, text bytewise (ISO dates and times sort by time).
bool ValueLess(const Value& a, const Value& b) {
  auto number = [](const Value& v, long double* out) {
    if (auto* i = std::get_if<int64_t>(&v)) *out = static_cast<long double>(*i);
    else if (auto* d = std::get_if<double>(&v)) *out = *d;
    else return false;
    return true;
  };
  long double x = 0, y = 0;
  const bool nx = number(a, &x), ny = number(b, &y);
  if (nx && ny) return x < y;
  if (nx != ny) return nx;
  return std::get<std::string>(a) < std::get<std::string>(b);
}

using PgArray = std::vector<std::optional<std::string>>;

PgArray ArrayCell(const PGresult* r, int row, int col) {
  if (PgIsNull(r, row, col)) return {};
  return ParsePgArray(PgStr(r, row, col)).value_or(PgArray{});
}

// Statistics of one column from its pg_stats row (r, row).
void ColumnFromPgStats(const PGresult* r, int row, double total, size_t column,
                       const PostgresCatalogOptions& options, const TableInfo& table, ColumnInfo* col,
                       PendingValues* values) {
  col->null_fraction = std::stod(PgStr(r, row, 1));
  const double n_distinct = std::stod(PgStr(r, row, 2));
  const bool array_column = col->declared_type.ends_with("]");
  const PgArray mcv = array_column ? PgArray{} : ArrayCell(r, row, 3);
  const PgArray freqs = ArrayCell(r, row, 4);
  const PgArray bounds = array_column ? PgArray{} : ArrayCell(r, row, 5);
  col->distinct_count = std::llround(n_distinct >= 0 ? n_distinct : -n_distinct * total);
  double freq_sum = 0;
  for (const auto& f : freqs) freq_sum += f ? std::stod(*f) : 0;
  // ANALYZE keeps every value of its sample in the list when each appeared at least twice
  // and they fit; then n_distinct is their number and the list is the column's values.
  const bool complete = n_distinct > 0 && !mcv.empty() && mcv.size() == freqs.size() &&
                        static_cast<double>(mcv.size()) == n_distinct &&
                        std::fabs(freq_sum + col->null_fraction - 1.0) < 0.01;
  col->distinct_is_estimate = !complete;

  std::vector<Value> seen;
  for (const auto* list : {&mcv, &bounds})
    for (const auto& v : *list)
      if (v) seen.push_back(StatValue(col->type, *v));
  if (!seen.empty() && col->declared_type != "money") {  // money prints with its locale's symbols
    col->min = *std::min_element(seen.begin(), seen.end(), ValueLess);
    col->max = *std::max_element(seen.begin(), seen.end(), ValueLess);
  }
  if (mcv.size() != freqs.size()) return;
  if (TopValuesApply(col->type)) {
    for (size_t i = 0; i < mcv.size() && col->top_values.size() < options.top_values; ++i) {
      if (!mcv[i] || !freqs[i]) continue;
      col->top_values.push_back({std::get<std::string>(StatValue(col->type, *mcv[i])),
                                 Scaled(1, std::stod(*freqs[i]) * total)});
    }
  }
  if (values && complete && ValueIndex::ColumnEligible(table, *col)) {
    for (size_t i = 0; i < mcv.size(); ++i)
      if (mcv[i] && freqs[i]) values->push_back({column, *mcv[i], Scaled(1, std::stod(*freqs[i]) * total)});
  }
}

// Statistics from pg_stats (no rows read). False when the relation has none (never analysed).
Result<bool> ReadPgStats(PgCatalogSession& session, const PostgresCatalogOptions& options, const PgRelation& rel,
                         double total, TableInfo* table, PendingValues* values) {
  DA_ASSIGN_OR_RETURN(
      PgResult r,
      session.Query("SELECT attname, null_frac, n_distinct, most_common_vals::text, most_common_freqs::text, "
                    "histogram_bounds::text FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND inherited = $3",
                    {PgText(options.schema), PgText(rel.name), PgText(rel.kind == 'p' ? "true" : "false")},
                    "catalog: statistics of " + rel.name));
  if (PQntuples(r.get()) == 0) return false;
  std::map<std::string, int> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) rows[PgStr(r.get(), i, 0)] = i;
  table->row_count = std::llround(total);
  for (size_t i = 0; i < table->columns.size(); ++i) {
    ColumnInfo& col = table->columns[i];
    auto it = rows.find(col.name);
    if (it == rows.end()) {
      col.distinct_is_estimate = true;  // added after the last ANALYZE
      continue;
    }
    ColumnFromPgStats(r.get(), it->second, total, i, options, *table, &col, values);
  }
  return true;
}

// For an analysed table small enough to count (and without a declared key): columns that
// pg_stats says are unique and never NULL are checked with one exact count, so key inference
// (which needs exact counts) still works on them.
Status CheckUniqueColumns(PgCatalogSession& session, const std::string& source, TableInfo* table) {
  std::vector<ColumnInfo*> candidates;
  for (auto& c : table->columns)
    if (c.null_fraction == 0 && c.distinct_is_estimate && c.distinct_count >= table->row_count &&
        c.type != ColumnType::kText)
      candidates.push_back(&c);
  if (candidates.empty()) return Status::Ok();
  std::string sql = "SELECT count(*)";
  for (const ColumnInfo* c : candidates) sql += ", count(DISTINCT " + Quoted(c->name) + ")";
  DA_ASSIGN_OR_RETURN(PgResult r, session.Query(sql + " FROM " + source, "catalog: count " + table->name));
  const int64_t rows = PgInt64(r.get(), 0, 0);
  table->row_count = rows;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const int64_t distinct = PgInt64(r.get(), 0, static_cast<int>(i) + 1);
    if (distinct == rows) {
      candidates[i]->distinct_count = distinct;
      candidates[i]->distinct_is_estimate = false;
    }
  }
  return Status::Ok();
}

Result<int64_t> CountRows(PgCatalogSession& session, const std::string& source, const std::string& table) {
  DA_ASSIGN_OR_RETURN(PgResult r, session.Query("SELECT count(*) FROM " + source, "catalog: count " + table));
  return PgInt64(r.get(), 0, 0);
}

std::string Percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", std::clamp(p, 0.000001, 100.0));
  return buf;
}

// How many rows a stored relation holds: the estimate of the last ANALYZE, else count(*) when
// it is small enough, else an estimate from the rows on a sample of its pages.
Result<double> StoredRowCount(PgCatalogSession& session, const PgRelation& rel, const std::string& source,
                              std::vector<std::string>* warnings) {
  if (rel.reltuples > 0) return rel.reltuples;
  if (session.redshift() || rel.size_bytes < kExactCountMaxBytes) {
    DA_ASSIGN_OR_RETURN(int64_t rows, CountRows(session, source, rel.name));
    return static_cast<double>(rows);
  }
  const double pages = static_cast<double>(rel.size_bytes) / kPageBytes;
  const double percent = std::min(100.0, 100.0 * kProbePages / pages);
  DA_ASSIGN_OR_RETURN(int64_t probed,
                      CountRows(session, source + " TABLESAMPLE SYSTEM (" + Percent(percent) + ") REPEATABLE (0)",
                                rel.name));
  warnings->push_back("table \"" + rel.name + "\" was never analysed and holds " +
                      FormatBytes(static_cast<double>(rel.size_bytes)) +
                      ": its row count is estimated from a sample of its pages (ANALYZE it for better estimates)");
  return probed * 100.0 / percent;
}

// Views, foreign and external tables: the first sample_rows rows (a view may be any query).
Status ReadViewStatistics(PgCatalogSession& session, const PostgresCatalogOptions& options,
                          const std::string& source, TableInfo* table, PendingValues* values) {
  Sample sample;
  DA_RETURN_IF_ERROR(ScanRows(session, *table, source, options.sample_rows, &sample));
  FinishFromSample(sample, -1, options, table, values);
  if (sample.more) {
    table->row_count_is_lower_bound = true;
    for (auto& c : table->columns) c.distinct_is_estimate = true;
  }
  return Status::Ok();
}

Status ReadStoredStatistics(PgCatalogSession& session, const PostgresCatalogOptions& options, const PgRelation& rel,
                            const std::string& source, TableInfo* table, PendingValues* values,
                            std::vector<std::string>* warnings) {
  const bool small_by_size = rel.size_bytes >= 0 && rel.size_bytes / kMinRowBytes <= options.sample_rows;
  double total = 0;
  if (!small_by_size) {
    DA_ASSIGN_OR_RETURN(total, StoredRowCount(session, rel, source, warnings));
  }
  Sample sample;
  if (small_by_size || total <= static_cast<double>(options.sample_rows)) {
    DA_RETURN_IF_ERROR(ScanRows(session, *table, source, options.sample_rows, &sample));
    // Every row was read, unless the estimate was stale and the table has grown past it.
    FinishFromSample(sample, sample.more ? std::max(total, options.sample_rows + 1.0) : -1, options, table, values);
    return Status::Ok();
  }
  if (!session.redshift() && rel.reltuples > 0) {
    DA_ASSIGN_OR_RETURN(bool analysed, ReadPgStats(session, options, rel, total, table, values));
    if (analysed) {
      if (table->primary_key.empty() && rel.size_bytes >= 0 && rel.size_bytes < kExactCountMaxBytes)
        DA_RETURN_IF_ERROR(CheckUniqueColumns(session, source, table));
      return Status::Ok();
    }
  }
  // A bounded sample: PostgreSQL reads a share of the pages (TABLESAMPLE SYSTEM); Redshift has
  // no TABLESAMPLE and reads the first rows.
  std::string sampled = source;
  if (!session.redshift()) {
    const double percent = std::min(100.0, 125.0 * static_cast<double>(options.sample_rows) / total);
    sampled += " TABLESAMPLE SYSTEM (" + Percent(percent) + ") REPEATABLE (0)";
  }
  DA_RETURN_IF_ERROR(ScanRows(session, *table, sampled, options.sample_rows, &sample));
  FinishFromSample(sample, total, options, table, values);
  return Status::Ok();
}

}  // namespace

std::string PgQualifiedName(std::string_view schema, std::string_view name) {
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(name);
}

Status ReadTableStatistics(PgCatalogSession& session, const PostgresCatalogOptions& options, const PgRelation& rel,
                           TableInfo* table, ValueIndexBuilder* values, std::vector<std::string>* warnings) {
  const std::string source = PgQualifiedName(options.schema, rel.name);
  const bool stored = rel.kind == 'r' || rel.kind == 'p' || rel.kind == 'm';
  // Values are added only once the whole read succeeded, so a failed one adds none.
  PendingValues pending;
  std::vector<std::string> read_warnings;
  Status status;
  DA_RETURN_IF_ERROR(session.Attempt(
      [&] {
        return stored ? ReadStoredStatistics(session, options, rel, source, table, &pending, &read_warnings)
                      : ReadViewStatistics(session, options, source, table, &pending);
      },
      &status));
  if (!status.ok()) {
    warnings->push_back(std::string(table->is_view ? "view" : "table") + " \"" + rel.name +
                        "\" has no statistics: " + status.message());
    for (auto& c : table->columns) c.distinct_is_estimate = true;
    return Status::Ok();
  }
  warnings->insert(warnings->end(), read_warnings.begin(), read_warnings.end());
  if (values)
    for (const auto& v : pending) values->Add(table->name, table->columns[v.column].name, v.value, v.count);
  return Status::Ok();
}

InclusionMeasure PgInclusionMeasure(PgCatalogSession& session, const PostgresCatalogOptions& options,
                                    std::vector<std::string>* warnings) {
  return [&session, &options, warnings](const TableInfo& table, const ColumnInfo& column, const TableInfo& parent,
                                        const ColumnInfo& parent_column, int64_t* distinct) -> Result<double> {
    *distinct = 0;
    const bool comparable = column.type == parent_column.type || (IsNumber(column.type) && IsNumber(parent_column.type));
    if (!comparable) return 0.0;
    const std::string child_values = "SELECT DISTINCT v FROM (SELECT " + Quoted(column.name) + " AS v FROM " +
                                     PgQualifiedName(options.schema, table.name) + " LIMIT " +
                                     std::to_string(options.sample_rows) + ") s WHERE v IS NOT NULL";
    const std::string parent_source = PgQualifiedName(options.schema, parent.name);
    // PostgreSQL probes the parent's key (an index when declared); Redshift joins.
    const std::string sql =
        session.redshift()
            ? "SELECT count(*), count(p.k) FROM (" + child_values + ") d LEFT JOIN (SELECT DISTINCT " +
                  Quoted(parent_column.name) + " AS k FROM " + parent_source + ") p ON p.k = d.v"
            : "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM " + parent_source + " p WHERE p." +
                  Quoted(parent_column.name) + " = d.v)) FROM (" + child_values + ") d";
    int64_t found = 0;
    Status status;
    DA_RETURN_IF_ERROR(session.Attempt(
        [&]() -> Status {
          DA_ASSIGN_OR_RETURN(PgResult r, session.Query(sql, "catalog: measure " + table.name + "." + column.name));
          *distinct = PgInt64(r.get(), 0, 0);
          found = PgInt64(r.get(), 0, 1);
          return Status::Ok();
        },
        &status));
    if (!status.ok()) {
      warnings->push_back("no key inferred from \"" + table.name + "\"." + column.name + " to \"" + parent.name +
                          "\": " + status.message());
      *distinct = 0;
      return 0.0;
    }
    return *distinct > 0 ? static_cast<double>(found) / static_cast<double>(*distinct) : 1.0;
  };
}

std::optional<std::vector<std::optional<std::string>>> ParsePgArray(std::string_view text) {
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::nullopt;
  std::vector<std::optional<std::string>> out;
  size_t i = 1;
  const size_t end = text.size() - 1;
  if (i == end) return out;
  for (;;) {
    std::string value;
    bool quoted = false;
    if (text[i] == '{') return std::nullopt;  // nested array
    if (text[i] == '"') {
      quoted = true;
      for (++i;; ++i) {
        if (i >= end) return std::nullopt;
        if (text[i] == '\\' && i + 1 < end) value += text[++i];
        else if (text[i] == '"') break;
        else value += text[i];
      }
      ++i;
    } else {
      while (i < end && text[i] != ',') value += text[i++];
    }
    if (!quoted && value == "NULL") out.push_back(std::nullopt);
    else out.push_back(std::move(value));
    if (i == end) return out;
    if (text[i] != ',') return std::nullopt;
    ++i;
  }
}

}  // namespace da
