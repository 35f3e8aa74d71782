// The part of a dataset's schema a language model needs to answer one question, as compact
// text under a token budget: what goes into the SQL prompt (ask/prompt.h).
//
// Format (one line per column; names written as the dialect's SQL needs them, double-quoted when
// they are not plain identifiers, or for PostgreSQL/Redshift not all-lowercase, or reserved):
//   Dialect: SQLite
//   TABLE stores "Store list": Stores and their size (45 rows)
//     store INTEGER NOT NULL
//     type TEXT "Store Type": A, B or C; values: 'A', 'B', 'C'
//     size INTEGER; range 34875 .. 219622
//     PRIMARY KEY (store)
//   TABLE sales (421570 rows)
//     store INTEGER
//     ...
//     FOREIGN KEY (store) REFERENCES stores(store)
//     (3 more columns not shown)
//   Other tables, not shown: holidays, markdowns
//   METRIC total_sales: sum of weekly_sales over the period
// A table line gives its label when it differs from the name, its description and its row
// count; a column line its type, NOT NULL, label, description, and data values: sample values
// (values named in the question first, then the most frequent) or the min .. max range of
// numbers and dates (not of key columns). Texts are cut to a bounded length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "engine/schema_index.h"

namespace da {

struct SchemaContextOptions {
  // Budget for the whole text, in tokens of about 4 bytes. The text may exceed it only to
  // hold the best-ranked table with its key columns and linked columns.
  size_t max_tokens = 2000;
  // Sample values per column. 0 sends no data values at all (no samples, no ranges): use it
  // in privacy mode.
  size_t sample_values = 3;
  // The SQL dialect (ParseSqlDialect: "SQLite", "PostgreSQL", "Amazon Redshift", "postgres",
  // "redshift"...): named on the first line (its DialectName) and deciding how names are quoted
  // (QuoteName). Unknown names are printed as given and quoted as SQLite quotes.
  std::string dialect = "SQLite";
};

// Approximate tokens of `text` (bytes / 4, rounded up).
size_t ApproxTokens(std::string_view text);

// Builds schema contexts for one catalog. Construction indexes the schema once (words,
// foreign-key graph); Build is const and thread-safe. The catalog and value index (which may
// be null) must outlive the builder.
class SchemaContextBuilder {
 public:
  SchemaContextBuilder(const Catalog& catalog, const ValueIndex* values);

  // Contract:
  // - When the whole schema (every table, column, key and metric) fits the budget, all of it,
  //   tables in catalog order.
  // - Otherwise tables ranked by how strongly the question links to them (LinkQuestion over
  //   table and column names, labels, descriptions and values), ties in catalog order; the
  //   tables on the foreign-key paths joining the linked tables come with them. Tables are
  //   added best first with their keys (primary key, and foreign keys between shown tables)
  //   and linked columns, while they fit; then metrics the question names; then the remaining
  //   columns of shown tables, in catalog order; then unlinked tables that fit whole (the
  //   neighbours of shown tables first, then catalog order); then the other metrics.
  //   A question linking to nothing shows the first table, as many of its columns as fit.
  //   Columns left out of a shown table are counted in a "(N more columns not shown)" line;
  //   tables left out are named on an "Other tables" line when it fits.
  // - Sample values of a column: values of it named in the question (exact or partial value
  //   matches) first, then its most frequent values.
  // - Deterministic: the same catalog, values, question and options give the same text.
  std::string Build(std::string_view question, const SchemaContextOptions& options = {}) const;

  const SchemaIndex& schema() const { return schema_; }

 private:
  const Catalog& catalog_;
  const ValueIndex* values_;
  SchemaIndex schema_;
  std::vector<FkEdge> fks_;  // the catalog's foreign keys, resolved, in catalog order
};

// One-off form of SchemaContextBuilder(catalog, values).Build(question, options).
std::string SchemaContext(const Catalog& catalog, const ValueIndex* values, std::string_view question,
                          const SchemaContextOptions& options = {});

}  // namespace da
