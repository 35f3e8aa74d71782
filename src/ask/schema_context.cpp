#include "ask/schema_context.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <set>
#include <unordered_set>

#include "common/sql_dialect.h"
#include "common/strings.h"
#include "engine/linker.h"

namespace da {
namespace {

constexpr size_t kBytesPerToken = 4;
constexpr size_t kMaxDescriptionBytes = 200;
constexpr size_t kMaxValueBytes = 40;
constexpr size_t kMaxHitsPerColumn = 5;
// Room kept per shown table for its "(N more columns not shown)" line.
constexpr size_t kMoreLineBytes = sizeof("  (99999 more columns not shown)\n") - 1;

// The dialect named by SchemaContextOptions::dialect; an unknown name quotes as SQLite does.
SqlDialect DialectOf(std::string_view name) { return ParseSqlDialect(name).value_or(SqlDialect::kSqlite); }

// `name` as SQL must write it in `dialect` (QuoteName: for PostgreSQL, quoted unless
// all-lowercase and not reserved, since PostgreSQL folds unquoted names to lowercase).
std::string SqlName(std::string_view name, std::string_view dialect) { return QuoteName(DialectOf(dialect), name); }

// Lowercase letters and digits only: "Weekly Sales" and "weekly_sales" compare equal.
std::string Folded(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// At most `max` bytes, cut at a UTF-8 boundary, "…" marking a cut; line breaks become spaces.
std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  for (char c : Trim(text)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.size() <= max) return out;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
  return out.substr(0, end) + "…";
}

// A min or max for people: reals to 10 significant digits (-1692.48, not -1692.4799999999996).
std::string RangeEnd(const Value& v) {
  if (const double* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", *d);
    return buf;
  }
  return OneLine(ValueToString(v), kMaxValueBytes);
}

// What the question links to: scores per table and column, and values it names per column.
struct Relevance {
  std::vector<double> table;
  std::vector<std::vector<double>> column;
  std::vector<std::vector<std::vector<std::string>>> hits;

  explicit Relevance(const Catalog& catalog) : table(catalog.tables.size(), 0.0) {
    for (const TableInfo& t : catalog.tables) {
      column.emplace_back(t.columns.size(), 0.0);
      hits.emplace_back(t.columns.size());
    }
  }
  void Column(int t, int c, double score) {
    column[t][c] = std::max(column[t][c], score);
    table[t] = std::max(table[t], 0.9 * score);
  }
  void Hit(int t, int c, const std::string& value, double score) {
    Column(t, c, 0.9 * score);
    std::vector<std::string>& list = hits[t][c];
    if (list.size() < kMaxHitsPerColumn && std::find(list.begin(), list.end(), value) == list.end()) {
      list.push_back(value);
    }
  }
  bool Linked(int t, int c) const { return column[t][c] > 0; }
};

int FindTableIndex(const Catalog& catalog, std::string_view name) {
  for (size_t i = 0; i < catalog.tables.size(); ++i) {
    if (EqualsIgnoreCase(catalog.tables[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

int FindColumnIndex(const TableInfo& table, std::string_view name) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (EqualsIgnoreCase(table.columns[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

// Words of the question of 3+ letters, lowercase.
std::set<std::string> QuestionWords(std::string_view question) {
  std::set<std::string> words;
  std::string word;
  for (size_t i = 0; i <= question.size(); ++i) {
    const char c = i < question.size() ? question[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (word.size() >= 3) words.insert(word);
      word.clear();
    }
  }
  return words;
}

// How many words of a metric's name the question uses.
int MetricScore(const MetricInfo& metric, const std::set<std::string>& question) {
  int score = 0;
  for (const std::string& w : SplitIdentifier(metric.name)) score += question.count(w) ? 1 : 0;
  return score;
}

// The schema shown, and how it is written.
class Context {
 public:
  Context(const Catalog& catalog, const std::vector<FkEdge>& fks, const Relevance& relevance,
          const SchemaContextOptions& options)
      : catalog_(catalog), fks_(fks), rel_(relevance), options_(options),
        shown_(catalog.tables.size(), false), columns_(catalog.tables.size()) {
    keys_.resize(catalog.tables.size());
    for (size_t t = 0; t < catalog.tables.size(); ++t) {
      columns_[t].assign(catalog.tables[t].columns.size(), false);
      for (const ColumnInfo& c : catalog.tables[t].columns) keys_[t].push_back(c.is_primary_key);
    }
    for (const FkEdge& e : fks) keys_[e.from_table][e.from_column] = keys_[e.to_table][e.to_column] = true;
    used_ = Header().size();
  }

  size_t used() const { return used_; }
  bool shown(int t) const { return shown_[t]; }
  const std::vector<int>& tables() const { return order_; }

  // Shows everything, tables in catalog order.
  void ShowAll() {
    for (size_t t = 0; t < catalog_.tables.size(); ++t) {
      shown_[t] = true;
      order_.push_back(static_cast<int>(t));
      columns_[t].assign(columns_[t].size(), true);
    }
    for (size_t m = 0; m < catalog_.metrics.size(); ++m) metrics_.push_back(static_cast<int>(m));
  }

  // Shows the tables of `group` (some may be shown already) with their key columns and
  // linked columns (with `whole`, every column), when that fits in `budget` bytes or `force`.
  // Returns whether it did.
  bool AddGroup(const std::vector<int>& group, size_t budget, bool force, bool whole = false) {
    std::vector<bool> shown = shown_;
    std::vector<int> added;
    for (int t : group) {
      if (!shown[t]) shown[t] = true, added.push_back(t);
    }
    if (added.empty()) return true;
    size_t bytes = 0;
    std::vector<std::pair<int, int>> columns;
    auto want = [&](int t, int c) {
      if (columns_[t][c]) return;
      std::pair<int, int> key{t, c};
      if (std::find(columns.begin(), columns.end(), key) != columns.end()) return;
      columns.push_back(key);
      bytes += ColumnLine(t, c).size();
    };
    for (int t : added) {
      const TableInfo& info = catalog_.tables[t];
      bytes += TableLine(t).size() + PrimaryKeyLine(t).size() + (whole ? 0 : kMoreLineBytes);
      for (const std::string& pk : info.primary_key) {
        if (int c = FindColumnIndex(info, pk); c >= 0) want(t, c);
      }
      for (size_t c = 0; c < info.columns.size(); ++c) {
        if (whole || rel_.Linked(t, static_cast<int>(c))) want(t, static_cast<int>(c));
      }
    }
    auto is_added = [&](int t) { return std::find(added.begin(), added.end(), t) != added.end(); };
    for (const FkEdge& e : fks_) {
      if (!shown[e.from_table] || !shown[e.to_table]) continue;
      if (!is_added(e.from_table) && !is_added(e.to_table)) continue;
      want(e.from_table, e.from_column);
      want(e.to_table, e.to_column);
      bytes += ForeignKeyLine(e).size();
    }
    if (!force && used_ + bytes > budget) return false;
    shown_ = std::move(shown);
    order_.insert(order_.end(), added.begin(), added.end());
    for (const auto& [t, c] : columns) columns_[t][c] = true;
    used_ += bytes;
    return true;
  }

  // Shows the other columns of shown table `t`, in catalog order, each that fits.
  void FillColumns(int t, size_t budget) {
    for (size_t c = 0; c < columns_[t].size(); ++c) {
      if (columns_[t][c]) continue;
      const size_t bytes = ColumnLine(t, static_cast<int>(c)).size();
      if (used_ + bytes > budget) continue;
      columns_[t][c] = true;
      used_ += bytes;
    }
  }

  void AddMetric(int m, size_t budget) {
    if (std::find(metrics_.begin(), metrics_.end(), m) != metrics_.end()) return;
    const size_t bytes = MetricLine(m).size();
    if (used_ + bytes > budget) return;
    metrics_.push_back(m);
    used_ += bytes;
  }

  std::string Render(size_t budget) const {
    std::string out = Header();
    for (int t : order_) {
      out += TableLine(t);
      size_t hidden = 0;
      for (size_t c = 0; c < columns_[t].size(); ++c) {
        if (columns_[t][c]) {
          out += ColumnLine(t, static_cast<int>(c));
        } else {
          ++hidden;
        }
      }
      out += PrimaryKeyLine(t);
      for (const FkEdge& e : fks_) {
        if (e.from_table == t && shown_[e.to_table]) out += ForeignKeyLine(e);
      }
      if (hidden > 0) out += "  (" + std::to_string(hidden) + " more column" + (hidden == 1 ? "" : "s") + " not shown)\n";
    }
    std::vector<std::string> others;
    for (size_t t = 0; t < catalog_.tables.size(); ++t) {
      if (!shown_[t]) others.push_back(SqlName(catalog_.tables[t].name, options_.dialect));
    }
    if (!others.empty()) {
      std::string line = "Other tables, not shown: " + Join(others, ", ") + "\n";
      // Metrics are counted in used_, the other-tables line is not: it goes in when it fits.
      if (out.size() + line.size() + MetricsBytes() <= budget) out += line;
    }
    for (int m : metrics_) out += MetricLine(m);
    return out;
  }

 private:
  std::string Header() const {
    std::optional<SqlDialect> d = ParseSqlDialect(options_.dialect);
    return "Dialect: " + (d ? std::string(DialectName(*d)) : options_.dialect) + "\n";
  }

  std::string Name(int t) const { return SqlName(catalog_.tables[t].name, options_.dialect); }
  std::string Name(int t, int c) const { return SqlName(catalog_.tables[t].columns[c].name, options_.dialect); }

  std::string TableLine(int t) const {
    const TableInfo& info = catalog_.tables[t];
    std::string line = (info.is_view ? "VIEW " : "TABLE ") + Name(t);
    if (!info.label.empty() && Folded(info.label) != Folded(info.name)) {
      line += " \"" + OneLine(info.label, kMaxValueBytes) + "\"";
    }
    if (!info.description.empty()) line += ": " + OneLine(info.description, kMaxDescriptionBytes);
    line += " (" + std::string(info.row_count_is_lower_bound ? "at least " : "") + std::to_string(info.row_count) +
            (info.row_count == 1 ? " row)" : " rows)");
    return line + "\n";
  }

  std::string ColumnLine(int t, int c) const {
    const ColumnInfo& info = catalog_.tables[t].columns[c];
    std::string line = "  " + Name(t, c) + " " + ColumnTypeName(info.type);
    if (info.not_null) line += " NOT NULL";
    if (!info.label.empty() && Folded(info.label) != Folded(info.name)) {
      line += " \"" + OneLine(info.label, kMaxValueBytes) + "\"";
    }
    if (!info.description.empty()) line += ": " + OneLine(info.description, kMaxDescriptionBytes);
    line += DataValues(t, c);
    return line + "\n";
  }

  // "; values: 'A', 'B'" or "; range 1 .. 45" (not for keys: ids say nothing), or nothing.
  std::string DataValues(int t, int c) const {
    if (options_.sample_values == 0) return "";
    const ColumnInfo& info = catalog_.tables[t].columns[c];
    std::vector<std::string> values;
    auto add = [&](const std::string& v) {
      if (values.size() < options_.sample_values && std::find(values.begin(), values.end(), v) == values.end()) {
        values.push_back(v);
      }
    };
    for (const std::string& v : rel_.hits[t][c]) add(v);
    for (const ValueCount& v : info.top_values) add(v.value);
    if (!values.empty()) {
      std::vector<std::string> quoted;
      for (const std::string& v : values) quoted.push_back(QuoteLiteral(OneLine(v, kMaxValueBytes)));
      return "; values: " + Join(quoted, ", ");
    }
    const bool ranged = info.type == ColumnType::kInteger || info.type == ColumnType::kReal ||
                        info.type == ColumnType::kDate || info.type == ColumnType::kTimestamp;
    if (!ranged || keys_[t][c] || IsNull(info.min) || IsNull(info.max)) return "";
    return "; range " + RangeEnd(info.min) + " .. " + RangeEnd(info.max);
  }

  std::string PrimaryKeyLine(int t) const {
    const TableInfo& info = catalog_.tables[t];
    if (info.primary_key.empty()) return "";
    std::vector<std::string> names;
    for (const std::string& k : info.primary_key) names.push_back(SqlName(k, options_.dialect));
    return "  PRIMARY KEY (" + Join(names, ", ") + ")\n";
  }

  std::string ForeignKeyLine(const FkEdge& e) const {
    return "  FOREIGN KEY (" + Name(e.from_table, e.from_column) + ") REFERENCES " + Name(e.to_table) + "(" +
           Name(e.to_table, e.to_column) + ")\n";
  }

  std::string MetricLine(int m) const {
    const MetricInfo& metric = catalog_.metrics[m];
    std::string line = "METRIC " + OneLine(metric.name, kMaxValueBytes);
    if (!metric.description.empty()) line += ": " + OneLine(metric.description, kMaxDescriptionBytes);
    return line + "\n";
  }

  size_t MetricsBytes() const {
    size_t bytes = 0;
    for (int m : metrics_) bytes += MetricLine(m).size();
    return bytes;
  }

  const Catalog& catalog_;
  const std::vector<FkEdge>& fks_;
  const Relevance& rel_;
  const SchemaContextOptions& options_;
  std::vector<bool> shown_;
  std::vector<int> order_;
  std::vector<std::vector<bool>> columns_;
  std::vector<std::vector<bool>> keys_;  // primary or foreign key columns
  std::vector<int> metrics_;
  size_t used_ = 0;
};

// Cheap lower bound of the whole schema's text, to skip rendering it when it cannot fit.
size_t MinimumBytes(const Catalog& catalog) {
  size_t bytes = 0;
  for (const TableInfo& t : catalog.tables) {
    bytes += t.name.size() + 16;
    for (const ColumnInfo& c : t.columns) bytes += c.name.size() + 8;
  }
  return bytes;
}

}  // namespace

size_t ApproxTokens(std::string_view text) { return (text.size() + kBytesPerToken - 1) / kBytesPerToken; }

SchemaContextBuilder::SchemaContextBuilder(const Catalog& catalog, const ValueIndex* values)
    : catalog_(catalog), values_(values), schema_(catalog) {
  for (size_t t = 0; t < catalog.tables.size(); ++t) {
    const TableInfo& info = catalog.tables[t];
    for (const ForeignKey& fk : info.foreign_keys) {
      const int from_column = FindColumnIndex(info, fk.column);
      const int to_table = FindTableIndex(catalog, fk.ref_table);
      if (from_column < 0 || to_table < 0) continue;
      const int to_column = FindColumnIndex(catalog.tables[to_table], fk.ref_column);
      if (to_column < 0) continue;
      fks_.push_back(FkEdge{static_cast<int>(t), from_column, to_table, to_column});
    }
  }
}

namespace {

Relevance Link(const Catalog& catalog, const SchemaIndex& schema, const ValueIndex* values,
               std::string_view question) {
  Relevance rel(catalog);
  const LinkedQuestion linked = LinkQuestion(question, schema, values);
  for (const Mention& m : linked.mentions) {
    for (const SchemaCandidate& s : m.schema) {
      if (s.column < 0) {
        rel.table[s.table] = std::max(rel.table[s.table], s.score);
      } else {
        rel.Column(s.table, s.column, s.score);
      }
    }
    for (const ValueCandidate& v : m.values) rel.Hit(v.table, v.column, v.value, v.score);
    if (m.kind == Mention::Kind::kString && values != nullptr) {
      // Quoted text that is no stored value: its nearest values.
      for (const ValueHit& h : values->Partial(m.text, kMaxHitsPerColumn)) {
        const int t = FindTableIndex(catalog, h.table);
        const int c = t < 0 ? -1 : FindColumnIndex(catalog.tables[t], h.column);
        if (c >= 0) rel.Hit(t, c, h.value, 0.8 * h.score);
      }
    }
  }
  // A table with more linked columns ranks higher among equals.
  for (size_t t = 0; t < rel.table.size(); ++t) {
    for (double s : rel.column[t]) rel.table[t] += s > 0 ? 0.01 : 0;
  }
  return rel;
}

}  // namespace

std::string SchemaContextBuilder::Build(std::string_view question, const SchemaContextOptions& options) const {
  const Relevance rel = Link(catalog_, schema_, values_, question);
  const size_t budget = options.max_tokens * kBytesPerToken;
  if (MinimumBytes(catalog_) <= budget) {
    Context all(catalog_, fks_, rel, options);
    all.ShowAll();
    std::string text = all.Render(SIZE_MAX);
    if (text.size() <= budget) return text;
  }

  const int n = static_cast<int>(catalog_.tables.size());
  std::vector<int> linked;
  for (int t = 0; t < n; ++t) {
    if (rel.table[t] > 0) linked.push_back(t);
  }
  std::stable_sort(linked.begin(), linked.end(), [&](int a, int b) { return rel.table[a] > rel.table[b]; });

  Context ctx(catalog_, fks_, rel, options);
  for (int t : linked) {
    if (ctx.shown(t)) continue;
    // The table with the tables on the shortest foreign-key path from one already shown.
    std::vector<int> group;
    size_t best = SIZE_MAX;
    for (int from : ctx.tables()) {
      if (!schema_.Reachable(from, t)) continue;
      std::vector<FkEdge> path = schema_.Path(from, t);
      if (path.size() >= best) continue;
      best = path.size();
      group.clear();
      int at = from;
      for (const FkEdge& e : path) {
        at = e.from_table == at ? e.to_table : e.from_table;
        group.push_back(at);
      }
    }
    if (group.empty()) group.push_back(t);
    ctx.AddGroup(group, budget, ctx.tables().empty());
  }
  const std::set<std::string> words = QuestionWords(question);
  std::vector<int> metrics;
  for (size_t m = 0; m < catalog_.metrics.size(); ++m) metrics.push_back(static_cast<int>(m));
  std::stable_sort(metrics.begin(), metrics.end(), [&](int a, int b) {
    return MetricScore(catalog_.metrics[a], words) > MetricScore(catalog_.metrics[b], words);
  });
  for (int m : metrics) {
    if (MetricScore(catalog_.metrics[m], words) > 0) ctx.AddMetric(m, budget);
  }
  const std::vector<int> linked_shown = ctx.tables();
  for (int t : linked_shown) ctx.FillColumns(t, budget);

  // Unlinked tables, whole or not at all (the "Other tables" line names the rest): neighbours
  // of the shown ones first, then catalog order.
  std::vector<int> rest;
  for (int t = 0; t < n; ++t) {
    if (!ctx.shown(t)) rest.push_back(t);
  }
  auto neighbour = [&](int t) {
    for (const FkEdge& e : fks_) {
      if ((e.from_table == t && ctx.shown(e.to_table)) || (e.to_table == t && ctx.shown(e.from_table))) return true;
    }
    return false;
  };
  std::stable_partition(rest.begin(), rest.end(), neighbour);
  for (int t : rest) {
    if (!ctx.tables().empty()) {
      ctx.AddGroup({t}, budget, false, /*whole=*/true);
    } else {  // the question named nothing: show the first table, as much of it as fits
      ctx.AddGroup({t}, budget, true);
      ctx.FillColumns(t, budget);
    }
  }
  for (int m : metrics) ctx.AddMetric(m, budget);
  return ctx.Render(budget);
}

std::string SchemaContext(const Catalog& catalog, const ValueIndex* values, std::string_view question,
                          const SchemaContextOptions& options) {
  return SchemaContextBuilder(catalog, values).Build(question, options);
}

}  // namespace da
