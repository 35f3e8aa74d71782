#include "catalog/postgres_catalog.h"

#include <algorithm>
#include <map>

#include "catalog/keys.h"
#include "catalog/postgres_session.h"
#include "catalog/postgres_stats.h"
#include "common/strings.h"

namespace da {

namespace {

// User schemas (not pg_catalog, pg_toast, information_schema), for the error naming them.
Result<std::vector<std::string>> ListSchemas(PgCatalogSession& session) {
  DA_ASSIGN_OR_RETURN(PgResult r, session.Query("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                                                "AND nspname <> 'information_schema' ORDER BY nspname",
                                                "catalog: list schemas"));
  std::vector<std::string> schemas;
  for (int i = 0; i < PQntuples(r.get()); ++i) schemas.push_back(PgStr(r.get(), i, 0));
  return schemas;
}

// A listed relation and whether the login may read it.
struct Listed {
  PgRelation relation;
  bool readable = true;
  bool populated = true;
};

// Tables, views, materialized views, partitioned tables (not their partitions) and foreign
// tables, by name. Sizes of partitioned tables and their row estimates are their partitions'.
Result<std::vector<Listed>> ListPostgresRelations(PgCatalogSession& session, const std::string& schema) {
  DA_ASSIGN_OR_RETURN(
      PgResult r,
      session.Query(
          "SELECT c.relname, c.relkind::text, "
          "  CASE WHEN c.relkind = 'p' AND c.reltuples < 0 THEN (SELECT CASE WHEN bool_or(p.reltuples < 0) THEN -1 "
          "    ELSE sum(p.reltuples) END FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid "
          "    WHERE t.isleaf) ELSE c.reltuples END, "
          "  CASE WHEN c.relkind IN ('r', 'm') THEN pg_relation_size(c.oid) "
          "    WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_relation_size(t.relid)), 0) "
          "      FROM pg_partition_tree(c.oid) t WHERE t.isleaf) ELSE -1 END, "
          "  coalesce(obj_description(c.oid, 'pg_class'), ''), has_table_privilege(c.oid, 'SELECT'), "
          "  c.relispopulated "
          "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition "
          "ORDER BY c.relname COLLATE \"C\"",
          {PgText(schema)}, "catalog: list tables"));
  std::vector<Listed> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    Listed l;
    l.relation.name = PgStr(r.get(), i, 0);
    l.relation.kind = PgStr(r.get(), i, 1)[0];
    l.relation.reltuples = PgIsNull(r.get(), i, 2) ? -1 : std::stod(PgStr(r.get(), i, 2));
    l.relation.size_bytes = PgIsNull(r.get(), i, 3) ? -1 : PgInt64(r.get(), i, 3);
    l.relation.comment = PgStr(r.get(), i, 4);
    l.readable = PgStr(r.get(), i, 5) == "t";
    l.populated = PgStr(r.get(), i, 6) == "t";
    out.push_back(std::move(l));
  }
  return out;
}

// Redshift: SVV_TABLES (tables, views, late-binding views, external tables, with comments) and,
// when the login may read it (superusers, or granted), SVV_TABLE_INFO's row counts.
Result<std::vector<Listed>> ListRedshiftRelations(PgCatalogSession& session, const std::string& schema) {
  DA_ASSIGN_OR_RETURN(
      PgResult r,
      session.Query("SELECT t.table_name, CASE t.table_type WHEN 'VIEW' THEN 'v' WHEN 'EXTERNAL TABLE' THEN 'e' "
                    "ELSE 'r' END, coalesce(t.remarks, ''), "
                    "CASE WHEN t.table_type = 'EXTERNAL TABLE' THEN true ELSE "
                    "has_table_privilege(quote_ident(t.table_schema) || '.' || quote_ident(t.table_name), 'SELECT') END "
                    "FROM svv_tables t WHERE t.table_schema = $1 ORDER BY t.table_name",
                    {PgText(schema)}, "catalog: list tables"));
  std::vector<Listed> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    Listed l;
    l.relation.name = PgStr(r.get(), i, 0);
    l.relation.kind = PgStr(r.get(), i, 1)[0];
    l.relation.comment = PgStr(r.get(), i, 2);
    l.readable = PgStr(r.get(), i, 3) == "t";
    out.push_back(std::move(l));
  }
  std::map<std::string, double> rows;
  Status outcome;
  DA_RETURN_IF_ERROR(session.Attempt(
      [&]() -> Status {
        DA_ASSIGN_OR_RETURN(PgResult info, session.Query("SELECT \"table\", tbl_rows FROM svv_table_info "
                                                         "WHERE \"schema\" = $1",
                                                         {PgText(schema)}, "catalog: row counts"));
        for (int i = 0; i < PQntuples(info.get()); ++i)
          if (!PgIsNull(info.get(), i, 1)) rows[PgStr(info.get(), i, 0)] = std::stod(PgStr(info.get(), i, 1));
        return Status::Ok();
      },
      &outcome));  // unreadable: every table is counted instead
  for (auto& l : out) {
    auto it = rows.find(l.relation.name);
    if (it != rows.end()) l.relation.reltuples = it->second;
  }
  return out;
}

ColumnInfo NewColumn(std::string name, std::string declared, std::string mapped_type, bool not_null,
                     std::string comment) {
  ColumnInfo c;
  c.label = name;
  c.name = std::move(name);
  c.type = ColumnTypeFromPostgres(mapped_type);
  c.declared_type = std::move(declared);
  c.not_null = not_null;
  c.description = std::move(comment);
  return c;
}

// Columns in order, by relation name. Domains are typed by their base type.
Status ReadPostgresColumns(PgCatalogSession& session, const std::string& schema,
                           std::map<std::string, TableInfo*>* tables) {
  DA_ASSIGN_OR_RETURN(
      PgResult r,
      session.Query(
          "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
          "  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) "
          "    ELSE format_type(a.atttypid, a.atttypmod) END, "
          "  a.attnotnull, coalesce(col_description(a.attrelid, a.attnum), '') "
          "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
          "WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
          "ORDER BY c.relname, a.attnum",
          {PgText(schema)}, "catalog: list columns"));
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = tables->find(PgStr(r.get(), i, 0));
    if (it == tables->end()) continue;  // a partition, or a relation left out
    it->second->columns.push_back(NewColumn(PgStr(r.get(), i, 1), PgStr(r.get(), i, 2), PgStr(r.get(), i, 3),
                                            PgStr(r.get(), i, 4) == "t", PgStr(r.get(), i, 5)));
  }
  return Status::Ok();
}

// Redshift's SVV_COLUMNS also covers late-binding views and external tables, which pg_attribute
// does not.
Status ReadRedshiftColumns(PgCatalogSession& session, const std::string& schema,
                           std::map<std::string, TableInfo*>* tables) {
  DA_ASSIGN_OR_RETURN(
      PgResult r,
      session.Query("SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, "
                    "numeric_scale, is_nullable, coalesce(remarks, '') FROM svv_columns WHERE table_schema = $1 "
                    "ORDER BY table_name, ordinal_position",
                    {PgText(schema)}, "catalog: list columns"));
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = tables->find(PgStr(r.get(), i, 0));
    if (it == tables->end()) continue;
    std::string declared = PgStr(r.get(), i, 2);
    const std::string lower = ToLower(declared);
    if (!PgIsNull(r.get(), i, 3) && lower.starts_with("char")) {
      declared += "(" + PgStr(r.get(), i, 3) + ")";
    } else if ((lower == "numeric" || lower == "decimal") && !PgIsNull(r.get(), i, 4)) {
      declared += "(" + PgStr(r.get(), i, 4) + "," + (PgIsNull(r.get(), i, 5) ? "0" : PgStr(r.get(), i, 5)) + ")";
    }
    it->second->columns.push_back(
        NewColumn(PgStr(r.get(), i, 1), declared, declared, ToLower(PgStr(r.get(), i, 6)) == "no", PgStr(r.get(), i, 7)));
  }
  return Status::Ok();
}

// Declared primary and foreign keys, one row per column pair (composite keys in key order).
// conkey[i] through generate_series rather than unnest ... WITH ORDINALITY, which Redshift
// lacks. Foreign keys to tables outside the schema (or left out of it) are dropped.
Status ReadDeclaredKeys(PgCatalogSession& session, const std::string& schema, std::map<std::string, TableInfo*>* tables) {
  DA_ASSIGN_OR_RETURN(
      PgResult r,
      session.Query("SELECT c.contype::text, cl.relname, a.attname, coalesce(rn.nspname, ''), "
                    "  coalesce(rcl.relname, ''), coalesce(ra.attname, '') "
                    "FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid "
                    "JOIN pg_namespace n ON n.oid = cl.relnamespace "
                    "CROSS JOIN generate_series(1, 32) AS k(i) "
                    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[k.i] "
                    "LEFT JOIN pg_class rcl ON rcl.oid = c.confrelid "
                    "LEFT JOIN pg_namespace rn ON rn.oid = rcl.relnamespace "
                    "LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[k.i] "
                    "WHERE n.nspname = $1 AND c.contype IN ('p', 'f') "
                    "ORDER BY cl.relname, c.contype, c.conname, k.i",
                    {PgText(schema)}, "catalog: keys"));
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = tables->find(PgStr(r.get(), i, 1));
    if (it == tables->end()) continue;
    TableInfo* table = it->second;
    const std::string column = PgStr(r.get(), i, 2);
    if (PgStr(r.get(), i, 0) == "p") {
      table->primary_key.push_back(column);
      table->primary_key_declared = true;
      for (auto& c : table->columns)
        if (c.name == column) c.is_primary_key = true;
      continue;
    }
    if (PgStr(r.get(), i, 3) != schema || !tables->count(PgStr(r.get(), i, 4))) continue;
    // PostgreSQL enforces them (Redshift does not: there they are the designer's word).
    table->foreign_keys.push_back({column, PgStr(r.get(), i, 4), PgStr(r.get(), i, 5), true, 1.0});
  }
  return Status::Ok();
}

Status ReadCatalog(PgCatalogSession& session, const PostgresCatalogOptions& options, ValueIndexBuilder* values,
                   PostgresCatalogResult* out) {
  DA_ASSIGN_OR_RETURN(std::vector<std::string> schemas, ListSchemas(session));
  if (std::find(schemas.begin(), schemas.end(), options.schema) == schemas.end()) {
    return Status::NotFound("schema '" + options.schema + "' does not exist in " + session.description() +
                            "; schemas there: " + (schemas.empty() ? "(none)" : Join(schemas, ", ")));
  }
  DA_ASSIGN_OR_RETURN(std::vector<Listed> listed, options.redshift
                                                      ? ListRedshiftRelations(session, options.schema)
                                                      : ListPostgresRelations(session, options.schema));
  Catalog& catalog = out->catalog;
  std::vector<PgRelation> relations;
  std::vector<std::string> skipped;
  for (Listed& l : listed) {
    const std::string& name = l.relation.name;
    if (!l.readable) {
      skipped.push_back(name);
      out->warnings.push_back("skipped \"" + name + "\": this login has no SELECT privilege on it");
      continue;
    }
    if (!l.populated) {
      out->warnings.push_back("skipped materialized view \"" + name + "\": it has not been populated (REFRESH it)");
      continue;
    }
    TableInfo t;
    t.name = t.label = name;
    t.description = l.relation.comment;
    t.is_view = l.relation.kind == 'v' || l.relation.kind == 'm';
    catalog.tables.push_back(std::move(t));
    relations.push_back(std::move(l.relation));
  }
  if (catalog.tables.empty()) {
    return Status::InvalidArgument(
        "schema '" + options.schema + "' in " + session.description() + " has no table or view" +
        (skipped.empty() ? std::string() : " this login may read (no SELECT privilege on " + Join(skipped, ", ") + ")"));
  }
  std::map<std::string, TableInfo*> by_name;
  for (auto& t : catalog.tables) by_name[t.name] = &t;
  DA_RETURN_IF_ERROR(options.redshift ? ReadRedshiftColumns(session, options.schema, &by_name)
                                      : ReadPostgresColumns(session, options.schema, &by_name));
  DA_RETURN_IF_ERROR(ReadDeclaredKeys(session, options.schema, &by_name));

  for (size_t i = 0; i < catalog.tables.size(); ++i) {
    TableInfo& table = catalog.tables[i];
    DA_RETURN_IF_ERROR(ReadTableStatistics(session, options, relations[i], &table, values, &out->warnings));
    if (options.progress) options.progress(table.name, i + 1, catalog.tables.size());
  }
  for (auto& table : catalog.tables) InferPrimaryKey(&table);
  return InferForeignKeys(&catalog, PgInclusionMeasure(session, options, &out->warnings));
}

}  // namespace

ColumnType ColumnTypeFromPostgres(std::string_view formatted_type) {
  const std::string d = ToLower(Trim(formatted_type));
  if (d.ends_with("]")) return ColumnType::kText;  // arrays
  const size_t paren = d.find('(');
  const std::string base(Trim(std::string_view(d).substr(0, paren)));
  if (base == "smallint" || base == "integer" || base == "bigint" || base == "int2" || base == "int4" ||
      base == "int8" || base == "int" || base == "oid") {
    return ColumnType::kInteger;
  }
  if (base == "numeric" || base == "decimal") {
    if (paren == std::string::npos) return ColumnType::kReal;  // any scale
    const size_t comma = d.find(',', paren);
    if (comma == std::string::npos) return ColumnType::kInteger;  // numeric(10): scale 0
    const std::string_view scale = Trim(std::string_view(d).substr(comma + 1, d.find(')', comma) - comma - 1));
    return scale == "0" ? ColumnType::kInteger : ColumnType::kReal;
  }
  if (base == "real" || base == "double precision" || base == "float4" || base == "float8" || base == "float" ||
      base == "money") {
    return ColumnType::kReal;
  }
  if (base == "boolean" || base == "bool") return ColumnType::kBoolean;
  if (base == "date") return ColumnType::kDate;
  if (base.starts_with("timestamp")) return ColumnType::kTimestamp;
  return ColumnType::kText;
}

Result<PostgresCatalogResult> ReadPostgresCatalog(PgClient& client, const PostgresCatalogOptions& options,
                                                  ValueIndexBuilder* values) {
  if (options.schema.empty()) return Status::InvalidArgument("no schema given");
  if (options.sample_rows < 1) return Status::InvalidArgument("sample_rows must be at least 1");
  PostgresCatalogResult out;
  out.catalog.dataset = options.dataset;
  out.catalog.built_at = NowIsoUtc();
  PgCatalogSession session(client, options.redshift, options.statement_timeout);
  DA_RETURN_IF_ERROR(session.Begin());
  DA_RETURN_IF_ERROR(ReadCatalog(session, options, values, &out));
  DA_RETURN_IF_ERROR(session.Commit());
  return out;
}

}  // namespace da
