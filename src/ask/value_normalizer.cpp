#include "ask/value_normalizer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "common/strings.h"

namespace da {
namespace {

// --- SQL tokens -------------------------------------------------------------------------------

struct SqlToken {
  enum class Kind { kWord, kName, kString, kNumber, kPunct, kOther };
  Kind kind = Kind::kOther;
  size_t begin = 0, end = 0;
  std::string text;  // words as written; names and strings decoded (quotes removed, doubles undone)
};

bool IsWordByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

// Reads a quoted run starting at `pos` (the opening quote), where a doubled `close` is one
// character. Sets `*end` past the closing quote (or to the end of the text) and returns the
// decoded content; `*closed` tells whether the closing quote was found.
std::string ReadQuoted(std::string_view sql, size_t pos, char close, size_t* end, bool* closed) {
  std::string text;
  size_t i = pos + 1;
  *closed = false;
  while (i < sql.size()) {
    if (sql[i] == close) {
      if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
        text += close;
        i += 2;
        continue;
      }
      *closed = true;
      ++i;
      break;
    }
    text += sql[i++];
  }
  *end = i;
  return text;
}

// Tokens of `sql` as SQLite reads them, whitespace and comments left out.
std::vector<SqlToken> Tokenize(std::string_view sql) {
  std::vector<SqlToken> tokens;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (sql.compare(i, 2, "--") == 0) {
      size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
      continue;
    }
    if (sql.compare(i, 2, "/*") == 0) {
      size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
      continue;
    }
    SqlToken t;
    t.begin = i;
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      bool closed = false;
      t.text = ReadQuoted(sql, i, c == '[' ? ']' : c, &i, &closed);
      t.kind = !closed ? SqlToken::Kind::kOther : c == '\'' ? SqlToken::Kind::kString : SqlToken::Kind::kName;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      while (i < sql.size() && (IsWordByte(sql[i]) || sql[i] == '.' ||
                                ((sql[i] == '+' || sql[i] == '-') && (sql[i - 1] == 'e' || sql[i - 1] == 'E')))) {
        ++i;
      }
      t.kind = SqlToken::Kind::kNumber;
    } else if (IsWordByte(c)) {
      while (i < sql.size() && IsWordByte(sql[i])) ++i;
      t.kind = SqlToken::Kind::kWord;
      t.text = std::string(sql.substr(t.begin, i - t.begin));
      if ((t.text == "x" || t.text == "X") && i < sql.size() && sql[i] == '\'') {  // blob literal x'..'
        bool closed = false;
        ReadQuoted(sql, i, '\'', &i, &closed);
        t.kind = SqlToken::Kind::kOther;
      }
    } else {
      static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "!=", "==", "||"};
      size_t len = 1;
      for (std::string_view op : kTwo) {
        if (sql.compare(i, 2, op) == 0) len = 2;
      }
      t.kind = SqlToken::Kind::kPunct;
      t.text = std::string(sql.substr(i, len));
      i += len;
    }
    t.end = i;
    tokens.push_back(std::move(t));
  }
  return tokens;
}

bool IsWord(const SqlToken& t, std::string_view word) {
  return t.kind == SqlToken::Kind::kWord && EqualsIgnoreCase(t.text, word);
}
bool IsPunct(const SqlToken& t, std::string_view p) { return t.kind == SqlToken::Kind::kPunct && t.text == p; }

// Words that end a table reference in FROM/JOIN rather than alias it.
bool IsClauseWord(const SqlToken& t) {
  static const std::set<std::string> words = {
      "where", "join", "inner", "left", "right", "full", "outer", "cross", "natural", "on", "using",
      "group", "order", "limit", "having", "union", "intersect", "except", "window", "as", "select",
      "from", "and", "or", "not", "offset", "indexed", "returning", "values", "set"};
  return t.kind == SqlToken::Kind::kWord && words.count(ToLower(t.text)) > 0;
}

bool IsNameToken(const SqlToken& t) {
  return t.kind == SqlToken::Kind::kName || (t.kind == SqlToken::Kind::kWord && !IsClauseWord(t));
}

// --- the statement's tables -------------------------------------------------------------------

struct ColumnRef {
  std::string qualifier;  // empty when bare
  std::string column;
};

// Tables named in FROM and JOIN clauses, and what each alias stands for.
struct TableScope {
  std::vector<std::string> tables;                  // as written
  std::map<std::string, std::set<std::string>> aliases;  // lower(alias) -> lower(table)s ("" unknown)
};

size_t SkipParens(const std::vector<SqlToken>& tokens, size_t open) {
  int depth = 0;
  for (size_t i = open; i < tokens.size(); ++i) {
    if (IsPunct(tokens[i], "(")) ++depth;
    if (IsPunct(tokens[i], ")") && --depth == 0) return i + 1;
  }
  return tokens.size();
}

// Reads one table reference at `i`: name[.name] or (subquery), then [AS] alias.
size_t ReadTableRef(const std::vector<SqlToken>& tokens, size_t i, TableScope* scope) {
  std::string table;
  if (i < tokens.size() && IsPunct(tokens[i], "(")) {
    i = SkipParens(tokens, i);  // a subquery: its own FROM is read where it stands
  } else if (i < tokens.size() && IsNameToken(tokens[i])) {
    table = tokens[i++].text;
    if (i + 1 < tokens.size() && IsPunct(tokens[i], ".") && IsNameToken(tokens[i + 1])) {
      table = tokens[i + 1].text;  // schema.table
      i += 2;
    }
    scope->tables.push_back(table);
    scope->aliases[ToLower(table)].insert(ToLower(table));
  } else {
    return i;
  }
  if (i < tokens.size() && IsWord(tokens[i], "as")) ++i;
  if (i < tokens.size() && IsNameToken(tokens[i])) {
    scope->aliases[ToLower(tokens[i].text)].insert(ToLower(table));
    ++i;
  }
  return i;
}

TableScope ReadScope(const std::vector<SqlToken>& tokens) {
  TableScope scope;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (IsWord(tokens[i], "join")) {
      ReadTableRef(tokens, i + 1, &scope);
    } else if (IsWord(tokens[i], "from")) {
      size_t j = ReadTableRef(tokens, i + 1, &scope);
      while (j < tokens.size() && IsPunct(tokens[j], ",")) j = ReadTableRef(tokens, j + 1, &scope);
    }
  }
  return scope;
}

// The column reference ending at token `last` (name, or qualifier.name), if there is one.
std::optional<ColumnRef> RefEndingAt(const std::vector<SqlToken>& tokens, size_t last) {
  if (last >= tokens.size() || !IsNameToken(tokens[last])) return std::nullopt;
  ColumnRef ref{"", tokens[last].text};
  if (last >= 2 && IsPunct(tokens[last - 1], ".") && IsNameToken(tokens[last - 2])) {
    ref.qualifier = tokens[last - 2].text;
    if (last >= 3 && IsPunct(tokens[last - 3], ".")) return std::nullopt;  // schema.table.column
  } else if (last >= 1 && IsPunct(tokens[last - 1], ".")) {
    return std::nullopt;
  }
  return ref;
}

// The column reference starting at token `first`, if there is one (and it is not a call).
std::optional<ColumnRef> RefStartingAt(const std::vector<SqlToken>& tokens, size_t first) {
  if (first >= tokens.size() || !IsNameToken(tokens[first])) return std::nullopt;
  size_t last = first;
  if (first + 2 < tokens.size() && IsPunct(tokens[first + 1], ".") && IsNameToken(tokens[first + 2])) last = first + 2;
  if (last + 1 < tokens.size() && (IsPunct(tokens[last + 1], "(") || IsPunct(tokens[last + 1], "."))) {
    return std::nullopt;
  }
  return RefEndingAt(tokens, last);
}

class Resolver {
 public:
  Resolver(const Catalog& catalog, const TableScope& scope) : catalog_(catalog), scope_(scope) {}

  // (table, column) as in the catalog, or nullopt.
  std::optional<std::pair<std::string, std::string>> Resolve(const ColumnRef& ref) const {
    if (!ref.qualifier.empty()) {
      auto it = scope_.aliases.find(ToLower(ref.qualifier));
      if (it != scope_.aliases.end() && it->second.size() == 1) {
        if (auto r = InTable(*it->second.begin(), ref.column)) return r;
      }
      if (auto r = InTable(ref.qualifier, ref.column)) return r;
    }
    std::vector<std::pair<std::string, std::string>> found;
    std::set<std::string> seen;
    for (const std::string& t : scope_.tables) {
      if (!seen.insert(ToLower(t)).second) continue;
      if (auto r = InTable(t, ref.column)) found.push_back(*r);
    }
    if (found.size() == 1) return found[0];
    if (!found.empty()) return std::nullopt;
    for (const TableInfo& t : catalog_.tables) {
      if (const ColumnInfo* c = t.FindColumn(ref.column)) found.emplace_back(t.name, c->name);
    }
    if (found.size() == 1) return found[0];
    return std::nullopt;
  }

 private:
  std::optional<std::pair<std::string, std::string>> InTable(std::string_view table, std::string_view column) const {
    const TableInfo* t = catalog_.FindTable(table);
    const ColumnInfo* c = t == nullptr ? nullptr : t->FindColumn(column);
    if (c == nullptr) return std::nullopt;
    return std::make_pair(t->name, c->name);
  }

  const Catalog& catalog_;
  const TableScope& scope_;
};

bool IsEquals(const SqlToken& t) { return IsPunct(t, "=") || IsPunct(t, "=="); }

LiteralFilter MakeFilter(LiteralFilter::Kind kind, const std::pair<std::string, std::string>& column,
                         const SqlToken& literal) {
  LiteralFilter f;
  f.kind = kind;
  f.table = column.first;
  f.column = column.second;
  f.literal = literal.text;
  f.offset = literal.begin;
  f.length = literal.end - literal.begin;
  return f;
}

// The strings of the IN list opening at token `open` ('('), unless it is a subquery.
std::vector<size_t> InListStrings(const std::vector<SqlToken>& tokens, size_t open) {
  std::vector<size_t> strings;
  if (open + 1 < tokens.size() && (IsWord(tokens[open + 1], "select") || IsWord(tokens[open + 1], "with"))) {
    return strings;
  }
  for (size_t i = open + 1; i < tokens.size() && !IsPunct(tokens[i], ")"); ++i) {
    const bool element = IsPunct(tokens[i - 1], "(") || IsPunct(tokens[i - 1], ",");
    const bool ends = i + 1 < tokens.size() && (IsPunct(tokens[i + 1], ",") || IsPunct(tokens[i + 1], ")"));
    if (tokens[i].kind == SqlToken::Kind::kString && element && ends) strings.push_back(i);
    if (IsPunct(tokens[i], "(")) i = SkipParens(tokens, i) - 1;
  }
  return strings;
}

// --- matching values --------------------------------------------------------------------------

// Optimal string alignment distance (edits: insert, delete, substitute, swap neighbours).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

double Similarity(std::string_view a, std::string_view b) {
  const size_t longer = std::max(a.size(), b.size());
  if (longer == 0) return 1.0;
  return 1.0 - static_cast<double>(EditDistance(a, b)) / static_cast<double>(longer);
}

// LIKE with '%' and '_' wildcards; with `ignore_case` ASCII letters match ignoring case
// (SQLite's LIKE, and ILIKE), else exactly (PostgreSQL's and Redshift's LIKE).
bool LikeMatches(std::string_view pattern, std::string_view text, bool ignore_case) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '%') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (LikeMatches(pattern.substr(1), text.substr(i), ignore_case)) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  const unsigned char p = static_cast<unsigned char>(pattern[0]), t = static_cast<unsigned char>(text[0]);
  const bool same = pattern[0] == '_' || p == t || (ignore_case && std::tolower(p) == std::tolower(t));
  return same && LikeMatches(pattern.substr(1), text.substr(1), ignore_case);
}

struct Candidate {
  std::string value;
  int64_t count = 0;
  double score = 0;
};

bool Better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.count != b.count) return a.count > b.count;
  return a.value < b.value;
}

// Phrases to look up for a normalised literal's neighbours: each of its words, the words run
// together ("mid west" -> "midwest") and each word split in two ("newyork" -> "new york").
constexpr size_t kMaxSplitBytes = 24;

std::vector<std::string> Respellings(const std::string& norm) {
  std::vector<std::string> out;
  const std::vector<std::string> words = Split(norm, ' ');
  for (const std::string& w : words) {
    if (w.size() >= 2) out.push_back(w);
    for (size_t cut = 2; w.size() >= 4 && w.size() <= kMaxSplitBytes && cut + 2 <= w.size(); ++cut) out.push_back(w.substr(0, cut) + " " + w.substr(cut));
  }
  if (words.size() > 1) out.push_back(Join(words, ""));
  return out;
}

class ColumnValues {
 public:
  ColumnValues(const Catalog& catalog, const ValueIndex* values, const std::string& table, const std::string& column)
      : values_(values), table_(table), column_(column) {
    const TableInfo* t = catalog.FindTable(table);
    info_ = t == nullptr ? nullptr : t->FindColumn(column);
    if (values_ != nullptr) {
      for (const auto& [t_name, c_name] : values_->columns()) indexed_ = indexed_ || (t_name == table && c_name == column);
    }
  }

  // Whether every distinct value of the column is known.
  bool AllKnown() const {
    if (indexed_) return true;
    return info_ != nullptr && !info_->distinct_is_estimate && info_->distinct_count > 0 &&
           static_cast<int64_t>(info_->top_values.size()) >= info_->distinct_count;
  }

  bool Stored(const std::string& text) const {
    for (const Candidate& c : Same(text)) {
      if (c.value == text) return true;
    }
    return false;
  }

  // Known values equal to `text` after normalisation, most frequent first.
  std::vector<Candidate> Same(const std::string& text) const {
    std::vector<Candidate> out;
    if (indexed_) {
      for (const ValueHit& h : values_->Exact(text)) Add(&out, h.table, h.column, h.value, h.count, 1.0);
    }
    const std::string norm = NormalizeValueText(text);
    for (const ValueCount& v : TopValues()) {
      if (NormalizeValueText(v.value) == norm) Add(&out, table_, column_, v.value, v.count, 1.0);
    }
    std::stable_sort(out.begin(), out.end(), Better);
    return out;
  }

  // Known values near `text`, scored as value_normalizer.h says.
  std::vector<Candidate> Near(const std::string& text) const {
    std::vector<Candidate> out;
    const std::string norm = NormalizeValueText(text);
    auto consider = [&](const std::string& value, int64_t count, double partial) {
      const double score = std::max(partial, Similarity(norm, NormalizeValueText(value)));
      Add(&out, table_, column_, value, count, score);
    };
    if (indexed_) {
      for (const ValueHit& h : values_->Partial(text, kMaxPartialHits)) {
        if (h.table == table_ && h.column == column_) consider(h.value, h.count, h.score);
      }
      for (const std::string& phrase : Respellings(norm)) {
        for (const ValueHit& h : values_->Partial(phrase, kMaxPartialHits)) {
          if (h.table == table_ && h.column == column_) consider(h.value, h.count, 0);
        }
      }
    }
    for (const ValueCount& v : TopValues()) consider(v.value, v.count, 0);
    std::sort(out.begin(), out.end(), Better);
    return out;
  }

  // Known values among the candidates for `text`: for LIKE checks.
  std::vector<Candidate> Around(const std::string& text) const {
    std::vector<Candidate> out = Same(text);
    for (Candidate& c : Near(text)) out.push_back(std::move(c));
    return out;
  }

 private:
  static constexpr size_t kMaxPartialHits = 50;

  const std::vector<ValueCount>& TopValues() const {
    static const std::vector<ValueCount> kNone;
    return info_ == nullptr ? kNone : info_->top_values;
  }

  // Adds a value of this column, keeping the best score of a value seen twice.
  void Add(std::vector<Candidate>* out, const std::string& table, const std::string& column, const std::string& value,
           int64_t count, double score) const {
    if (table != table_ || column != column_) return;
    for (Candidate& c : *out) {
      if (c.value == value) {
        c.score = std::max(c.score, score);
        return;
      }
    }
    out->push_back(Candidate{value, count, score});
  }

  const ValueIndex* values_;
  const std::string& table_;
  const std::string& column_;
  const ColumnInfo* info_ = nullptr;
  bool indexed_ = false;
};

// The best stored value for `text` (not `text` itself), if one is close enough.
std::optional<Candidate> BestValue(const ColumnValues& column, const std::string& text) {
  if (column.Stored(text)) return std::nullopt;
  std::vector<Candidate> same = column.Same(text);
  if (!same.empty()) return same.front();
  if (!column.AllKnown()) return std::nullopt;
  std::vector<Candidate> near = column.Near(text);
  if (near.empty() || near.front().score < kMinReplacementScore || near.front().value == text) return std::nullopt;
  return near.front();
}

// For a LIKE pattern: the pattern with its text replaced, or nullopt.
std::optional<Replacement> NormalizeLike(const ColumnValues& column, const std::string& pattern, bool ignore_case) {
  size_t first = 0, last = pattern.size();
  if (first < last && pattern[first] == '%') ++first;
  if (last > first && pattern[last - 1] == '%') --last;
  const std::string core = pattern.substr(first, last - first);
  if (core.empty() || core.find_first_of("%_") != std::string::npos) return std::nullopt;
  for (const Candidate& c : column.Around(core)) {
    if (LikeMatches(pattern, c.value, ignore_case)) return std::nullopt;
  }
  std::optional<Candidate> best = BestValue(column, core);
  if (!best) return std::nullopt;
  return Replacement{"", "", pattern, pattern.substr(0, first) + best->value + pattern.substr(last), best->score};
}

}  // namespace

std::vector<LiteralFilter> FindLiteralFilters(std::string_view sql, const Catalog& catalog, SqlDialect dialect) {
  const std::vector<SqlToken> tokens = Tokenize(sql);
  const TableScope scope = ReadScope(tokens);
  const Resolver resolver(catalog, scope);
  std::vector<LiteralFilter> filters;
  auto add = [&](LiteralFilter::Kind kind, const std::optional<ColumnRef>& ref, size_t literal,
                 bool ignore_case = false) {
    if (!ref) return;
    if (auto column = resolver.Resolve(*ref)) {
      filters.push_back(MakeFilter(kind, *column, tokens[literal]));
      filters.back().ignore_case = ignore_case;
    }
  };
  const bool like_ignores_case = dialect == SqlDialect::kSqlite;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind == SqlToken::Kind::kString) {
      if (k >= 2 && IsEquals(tokens[k - 1])) {
        add(LiteralFilter::Kind::kEquals, RefEndingAt(tokens, k - 2), k);
      } else if (k + 2 < tokens.size() && IsEquals(tokens[k + 1])) {
        add(LiteralFilter::Kind::kEquals, RefStartingAt(tokens, k + 2), k);
      } else if (k >= 2 && IsWord(tokens[k - 1], "like")) {
        add(LiteralFilter::Kind::kLike, RefEndingAt(tokens, k - 2), k, like_ignores_case);
      } else if (k >= 2 && IsWord(tokens[k - 1], "ilike")) {
        add(LiteralFilter::Kind::kLike, RefEndingAt(tokens, k - 2), k, true);
      }
    } else if (IsWord(tokens[k], "in") && k >= 1 && k + 1 < tokens.size() && IsPunct(tokens[k + 1], "(")) {
      const std::optional<ColumnRef> ref = RefEndingAt(tokens, k - 1);
      for (size_t s : InListStrings(tokens, k + 1)) add(LiteralFilter::Kind::kIn, ref, s);
    }
  }
  std::sort(filters.begin(), filters.end(),
            [](const LiteralFilter& a, const LiteralFilter& b) { return a.offset < b.offset; });
  return filters;
}

NormalizationResult NormalizeValues(std::string_view sql, const Catalog& catalog, const ValueIndex* values,
                                    SqlDialect dialect) {
  NormalizationResult result;
  std::vector<std::pair<const LiteralFilter*, std::string>> edits;  // filter, new decoded literal
  const std::vector<LiteralFilter> filters = FindLiteralFilters(sql, catalog, dialect);
  for (const LiteralFilter& f : filters) {
    const ColumnValues column(catalog, values, f.table, f.column);
    std::optional<Replacement> r;
    if (f.kind == LiteralFilter::Kind::kLike) {
      r = NormalizeLike(column, f.literal, f.ignore_case);
    } else if (std::optional<Candidate> best = BestValue(column, f.literal)) {
      r = Replacement{"", "", f.literal, best->value, best->score};
    }
    if (!r) continue;
    r->table = f.table;
    r->column = f.column;
    edits.emplace_back(&f, r->to);
    result.replacements.push_back(std::move(*r));
  }
  size_t pos = 0;
  for (const auto& [f, text] : edits) {
    result.sql.append(sql.substr(pos, f->offset - pos));
    result.sql += QuoteLiteral(text);
    pos = f->offset + f->length;
  }
  result.sql.append(sql.substr(pos));
  return result;
}

bool ResultLooksEmpty(const QueryResult& result) {
  if (result.rows.empty()) return true;
  if (result.rows.size() > 1) return false;
  for (const Value& v : result.rows[0]) {
    if (IsNull(v)) continue;
    if (const int64_t* i = std::get_if<int64_t>(&v); i != nullptr && *i == 0) continue;
    if (const double* d = std::get_if<double>(&v); d != nullptr && *d == 0) continue;
    return false;
  }
  return true;
}

}  // namespace da
