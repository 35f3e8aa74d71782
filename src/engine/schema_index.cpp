#include "engine/schema_index.h"

#include <algorithm>
#include <cctype>
#include <deque>

#include "common/strings.h"
#include "engine/lexicon.h"

namespace da {
namespace {

NameWord MakeWord(const std::string& lower) {
  const Lexicon& lex = Lexicon::Get();
  return NameWord{lower, lex.Lemma(lower), lex.Stem(lower)};
}

// "fname" -> initial "f" + "name": an unknown word made of one or two letters glued to a
// known word of at least four letters is an initial-abbreviated compound (first name).
bool SplitInitialCompound(const std::string& w, std::vector<NameWord>* out) {
  const Lexicon& lex = Lexicon::Get();
  if (w.size() < 5 || lex.IsKnownWord(w)) return false;
  for (size_t prefix = 1; prefix <= 2; ++prefix) {
    std::string rest = w.substr(prefix);
    bool letters = std::all_of(w.begin(), w.begin() + static_cast<long>(prefix), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    if (!letters || rest.size() < 4 || !lex.IsKnownWord(rest)) continue;
    NameWord initial = MakeWord(w.substr(0, prefix));
    initial.initial = true;
    out->push_back(std::move(initial));
    out->push_back(MakeWord(rest));
    return true;
  }
  return false;
}

std::vector<NameWord> MakeWords(std::string_view name) {
  std::vector<NameWord> out;
  for (const std::string& w : SplitIdentifier(name)) out.push_back(MakeWord(w));
  return out;
}

// "countrylanguage" -> "country" + "language": an unknown word that is two known words run
// together (each of three letters or more; the longest known first part wins), else a known
// word of four letters or more followed by an unknown one of four or more ("highschooler" ->
// "high" + "schooler").
bool SplitClosedCompound(const std::string& w, std::vector<NameWord>* out) {
  const Lexicon& lex = Lexicon::Get();
  if (w.size() < 7 || lex.IsKnownWord(w)) return false;
  if (!std::all_of(w.begin(), w.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) return false;
  auto usable = [&](const std::string& part) { return lex.IsKnownWord(part) && !lex.IsStopWord(part); };
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t cut = w.size() - (pass == 0 ? 3 : 4); cut >= (pass == 0 ? 3 : 4); --cut) {
      std::string head = w.substr(0, cut), tail = w.substr(cut);
      // An inflected head ("highs" + "chooler") is no part of a compound.
      if (usable(head) && (pass == 0 ? usable(tail) : lex.Lemma(head) == head)) {
        out->push_back(MakeWord(head));
        out->push_back(MakeWord(tail));
        return true;
      }
    }
  }
  return false;
}

// The name's words with initial-abbreviated and closed compounds split, or empty when it has
// none.
std::vector<NameWord> ExpandedWords(std::string_view name) {
  std::vector<NameWord> out;
  bool any = false;
  for (const std::string& w : SplitIdentifier(name)) {
    if (SplitInitialCompound(w, &out) || SplitClosedCompound(w, &out)) any = true;
    else out.push_back(MakeWord(w));
  }
  if (!any) out.clear();
  return out;
}

bool SameWords(const std::vector<NameWord>& a, const std::vector<NameWord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].lemma != b[i].lemma) return false;
  }
  return true;
}

// Description words worth matching: content words only, so "the" or "of" never link.
std::vector<NameWord> DescriptionWords(std::string_view text) {
  std::vector<NameWord> out;
  const Lexicon& lex = Lexicon::Get();
  for (const std::string& w : SplitIdentifier(text)) {
    if (w.size() < 3 || lex.IsStopWord(w)) continue;
    out.push_back(MakeWord(w));
  }
  return out;
}

bool IsNameLike(const ColumnInfo& c) {
  if (c.type != ColumnType::kText) return false;
  std::vector<std::string> words = SplitIdentifier(c.name);
  if (words.empty()) return false;
  const std::string& last = words.back();
  return last == "name" || last == "title";
}

bool IsYearLike(const ColumnInfo& c) {
  if (c.type != ColumnType::kInteger) return false;
  std::vector<std::string> words = SplitIdentifier(c.name);
  bool says_year = std::find(words.begin(), words.end(), "year") != words.end();
  if (!says_year) return false;
  const int64_t* lo = std::get_if<int64_t>(&c.min);
  const int64_t* hi = std::get_if<int64_t>(&c.max);
  return lo == nullptr || hi == nullptr || (*lo >= 1000 && *hi <= 2999);
}

}  // namespace

std::string FoldValueText(std::string_view text) {
  std::string out;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      space = true;
    }
  }
  return out;
}

SchemaIndex::SchemaIndex(const Catalog& catalog) : catalog_(catalog) {
  const int n = static_cast<int>(catalog.tables.size());
  tables_.resize(n);
  edges_.resize(n);
  for (int t = 0; t < n; ++t) {
    const TableInfo& info = catalog.tables[t];
    TableEntry& te = tables_[t];
    te.words = MakeWords(info.name);
    te.expanded_words = ExpandedWords(info.name);
    if (!info.label.empty() && !EqualsIgnoreCase(info.label, info.name)) {
      te.label_words = MakeWords(info.label);
      if (SameWords(te.label_words, te.words)) te.label_words.clear();
    }
    te.description_words = DescriptionWords(info.description);
    if (info.primary_key.size() == 1) {
      for (size_t c = 0; c < info.columns.size(); ++c) {
        if (EqualsIgnoreCase(info.columns[c].name, info.primary_key[0])) te.key_column = static_cast<int>(c);
      }
    }
    column_base_.push_back(static_cast<int>(columns_.size()));
    for (size_t c = 0; c < info.columns.size(); ++c) {
      const ColumnInfo& col = info.columns[c];
      ColumnEntry ce;
      ce.table = t;
      ce.column = static_cast<int>(c);
      ce.words = MakeWords(col.name);
      ce.expanded_words = ExpandedWords(col.name);
      for (const NameWord& w : ce.words) {
        bool in_table = std::any_of(te.words.begin(), te.words.end(),
                                    [&](const NameWord& tw) { return tw.lemma == w.lemma; });
        if (!in_table) ce.core.push_back(w);
      }
      if (!col.label.empty() && !EqualsIgnoreCase(col.label, col.name)) {
        ce.label_words = MakeWords(col.label);
        if (SameWords(ce.label_words, ce.words)) ce.label_words.clear();
      }
      ce.description_words = DescriptionWords(col.description);
      bool is_fk = std::any_of(info.foreign_keys.begin(), info.foreign_keys.end(),
                               [&](const ForeignKey& fk) { return EqualsIgnoreCase(fk.column, col.name); });
      ce.key = col.is_primary_key || is_fk;
      ce.numeric = (col.type == ColumnType::kInteger || col.type == ColumnType::kReal) && !ce.key;
      ce.temporal = col.type == ColumnType::kDate || col.type == ColumnType::kTimestamp;
      ce.year_like = IsYearLike(col);
      ce.text = col.type == ColumnType::kText;
      columns_.push_back(std::move(ce));
      if (te.name_column < 0 && IsNameLike(col)) te.name_column = static_cast<int>(c);
    }
    // "name" itself beats "first_name" as the entity's name.
    for (size_t c = 0; c < info.columns.size(); ++c) {
      std::vector<std::string> w = SplitIdentifier(info.columns[c].name);
      if (info.columns[c].type == ColumnType::kText && w.size() == 1 && (w[0] == "name" || w[0] == "title")) {
        te.name_column = static_cast<int>(c);
      }
    }
    for (size_t c = 0; c < info.columns.size(); ++c) {
      for (const ValueCount& vc : info.columns[c].top_values) {
        top_values_[FoldValueText(vc.value)].push_back(
            TopValue{t, static_cast<int>(c), vc.value, vc.count});
      }
    }
  }
  for (int t = 0; t < n; ++t) {
    const TableInfo& info = catalog.tables[t];
    for (const ForeignKey& fk : info.foreign_keys) {
      int to = -1;
      for (int u = 0; u < n; ++u) {
        if (EqualsIgnoreCase(catalog.tables[u].name, fk.ref_table)) to = u;
      }
      if (to < 0) continue;
      int from_col = -1, to_col = -1;
      for (size_t c = 0; c < info.columns.size(); ++c) {
        if (EqualsIgnoreCase(info.columns[c].name, fk.column)) from_col = static_cast<int>(c);
      }
      for (size_t c = 0; c < catalog.tables[to].columns.size(); ++c) {
        if (EqualsIgnoreCase(catalog.tables[to].columns[c].name, fk.ref_column)) to_col = static_cast<int>(c);
      }
      if (from_col < 0 || to_col < 0) continue;
      FkEdge e{t, from_col, to, to_col};
      edges_[t].push_back(e);
      if (to != t) edges_[to].push_back(e);
    }
  }
  // Of two keys from one table to another (friend.student_id and friend.friend_id, both naming
  // a student), the one named like its own table names the other party: joins take the other.
  auto self_named = [&](const FkEdge& e) {
    const Lexicon& lex = Lexicon::Get();
    for (const std::string& w : SplitIdentifier(Info(e.from_table, e.from_column).name)) {
      if (w == "id" || w.size() < 3) continue;
      for (const NameWord& tw : tables_[e.from_table].words) {
        if (lex.Stem(w) == tw.stem) return true;
      }
    }
    return false;
  };
  for (std::vector<FkEdge>& list : edges_) {
    std::stable_sort(list.begin(), list.end(), [&](const FkEdge& a, const FkEdge& b) {
      return !self_named(a) && self_named(b);
    });
  }
  // Paths are asked for many times per question; schemas of a few hundred tables keep a BFS
  // tree per table (edges_ no longer changes, so the edge pointers stay valid).
  if (n <= 400) {
    bfs_parent_.resize(n);
    bfs_via_.resize(n);
    for (int t = 0; t < n; ++t) Bfs(t, &bfs_parent_[t], &bfs_via_[t]);
  }
}

void SchemaIndex::Bfs(int from, std::vector<int>* parent, std::vector<int>* via) const {
  const int n = static_cast<int>(tables_.size());
  parent->assign(n, -2);
  via->assign(n, -1);
  std::deque<int> queue{from};
  (*parent)[from] = -1;
  while (!queue.empty()) {
    int t = queue.front();
    queue.pop_front();
    for (size_t k = 0; k < edges_[t].size(); ++k) {
      const FkEdge& e = edges_[t][k];
      int other = e.from_table == t ? e.to_table : e.from_table;
      if ((*parent)[other] != -2) continue;
      (*parent)[other] = t;
      (*via)[other] = static_cast<int>(k);
      queue.push_back(other);
    }
  }
}

std::vector<FkEdge> SchemaIndex::Path(int from, int to) const {
  if (from == to) return {};
  std::vector<int> parent_local;
  std::vector<int> via_local;
  const std::vector<int>* parent = &parent_local;
  const std::vector<int>* via = &via_local;
  if (!bfs_parent_.empty()) {
    parent = &bfs_parent_[from];
    via = &bfs_via_[from];
  } else {
    Bfs(from, &parent_local, &via_local);
  }
  std::vector<FkEdge> path;
  if ((*parent)[to] == -2) return path;
  for (int t = to; t != from; t = (*parent)[t]) path.push_back(edges_[(*parent)[t]][(*via)[t]]);
  std::reverse(path.begin(), path.end());
  return path;
}

bool SchemaIndex::Reachable(int from, int to) const { return from == to || !Path(from, to).empty(); }

std::vector<TopValue> SchemaIndex::TopValuesEqual(std::string_view phrase) const {
  auto it = top_values_.find(FoldValueText(phrase));
  if (it == top_values_.end()) return {};
  return it->second;
}

std::string SchemaIndex::ColumnPhrase(int table, int column) const {
  const ColumnInfo& c = Info(table, column);
  const std::string& src = (!c.label.empty() && c.label != c.name) ? c.label : c.name;
  return Join(SplitIdentifier(src), " ");
}

std::string SchemaIndex::TablePhrase(int table, bool plural) const {
  const TableInfo& t = catalog_.tables[table];
  std::vector<std::string> words = SplitIdentifier(t.name);
  if (words.empty()) return t.name;
  std::string& last = words.back();
  std::string lemma = Lexicon::Get().Lemma(last);
  if (plural && lemma == last) {
    if (!last.empty() && last.back() == 'y' && last.size() > 1 &&
        std::string("aeiou").find(last[last.size() - 2]) == std::string::npos) {
      last = last.substr(0, last.size() - 1) + "ies";
    } else if (!last.empty() && (last.back() == 's' || last.back() == 'x' || last.back() == 'h')) {
      last += "es";
    } else {
      last += "s";
    }
  } else if (!plural) {
    last = lemma;
  }
  return Join(words, " ");
}

}  // namespace da
