// The schema as the question engine sees it: every table and column split into words (with
// their lemmas and stems), the foreign-key graph, and the catalog's frequent values. Built
// once per engine; read-only afterwards, so it is safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"
#include "common/strings.h"

namespace da {

struct NameWord {
  std::string lower, lemma, stem;
  bool initial = false;  // the first letters of a word ("f" of "fname": first name)
};

struct ColumnEntry {
  int table = -1, column = -1;
  std::vector<NameWord> words;       // from the name
  std::vector<NameWord> core;        // words minus the table's own words ("singer_name" -> name)
  std::vector<NameWord> expanded_words;  // "fname" -> f(irst) name; empty when the same as words
  std::vector<NameWord> label_words; // from the label, when it differs from the name
  std::vector<NameWord> description_words;
  bool numeric = false;   // INTEGER or REAL and not a key
  bool temporal = false;  // DATE or TIMESTAMP
  bool year_like = false; // an INTEGER column whose name says year and whose values look like years
  bool key = false;       // primary key or foreign key column
  bool text = false;
};

struct TableEntry {
  std::vector<NameWord> words;
  std::vector<NameWord> expanded_words;  // compounds split ("highschooler"); empty if none
  std::vector<NameWord> label_words;
  std::vector<NameWord> description_words;
  int name_column = -1;  // index of its name-like column (TEXT named name/title/*_name), else -1
  int key_column = -1;   // single-column primary key, else -1
};

struct FkEdge {
  int from_table, from_column, to_table, to_column;
};

struct TopValue {
  int table, column;
  std::string value;
  int64_t count;
};

class SchemaIndex {
 public:
  explicit SchemaIndex(const Catalog& catalog);

  const Catalog& catalog() const { return catalog_; }
  const std::vector<TableEntry>& tables() const { return tables_; }
  const std::vector<ColumnEntry>& columns() const { return columns_; }
  // Index into columns() of (table, column).
  int ColumnId(int table, int column) const { return column_base_[table] + column; }
  const ColumnEntry& Column(int table, int column) const { return columns_[ColumnId(table, column)]; }
  const ColumnInfo& Info(int table, int column) const {
    return catalog_.tables[table].columns[column];
  }
  const std::string& TableName(int table) const { return catalog_.tables[table].name; }

  // Foreign-key edges touching `table` (both directions).
  const std::vector<FkEdge>& EdgesOf(int table) const { return edges_[table]; }
  // Shortest FK path (list of edges) from `from` to `to`; empty when equal or unreachable
  // (check Reachable).
  std::vector<FkEdge> Path(int from, int to) const;
  bool Reachable(int from, int to) const;

  // Frequent values (catalog top values) equal to `phrase` ignoring case and spacing.
  std::vector<TopValue> TopValuesEqual(std::string_view phrase) const;

  // Column label of a column for restatements ("weekly sales" for Weekly_Sales).
  std::string ColumnPhrase(int table, int column) const;
  std::string TablePhrase(int table, bool plural) const;

 private:
  const Catalog& catalog_;
  std::vector<TableEntry> tables_;
  std::vector<ColumnEntry> columns_;
  std::vector<int> column_base_;
  std::vector<std::vector<FkEdge>> edges_;
  std::unordered_map<std::string, std::vector<TopValue>> top_values_;
  // Shortest paths from every table, precomputed for schemas small enough (parents per source).
  std::vector<std::vector<int>> bfs_parent_;
  std::vector<std::vector<int>> bfs_via_;  // index into edges_[parent] of the edge used
  void Bfs(int from, std::vector<int>* parent, std::vector<int>* via) const;
};

std::string FoldValueText(std::string_view text);

}  // namespace da
