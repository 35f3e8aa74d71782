#include "ingest/identifiers.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "common/strings.h"

namespace da {

namespace {

// Every keyword SQLite recognises (https://sqlite.org/lang_keywords.html, 147 words), plus
// identifiers that parse but silently mean something else: TRUE/FALSE are boolean literals
// and ROWID/OID/_ROWID_ alias the implicit row id. Sorted for binary search.
constexpr std::string_view kReservedWords[] = {
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc",
    "attach", "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast",
    "check", "collate", "column", "commit", "conflict", "constraint", "create", "cross",
    "current", "current_date", "current_time", "current_timestamp", "database", "default",
    "deferrable", "deferred", "delete", "desc", "detach", "distinct", "do", "drop", "each",
    "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
    "false", "filter", "first", "following", "for", "foreign", "from", "full", "generated",
    "glob", "group", "groups", "having", "if", "ignore", "immediate", "in", "index", "indexed",
    "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join",
    "key", "last", "left", "like", "limit", "match", "materialized", "natural", "no", "not",
    "nothing", "notnull", "null", "nulls", "of", "offset", "oid", "on", "or", "order", "others",
    "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise",
    "range", "recursive", "references", "regexp", "reindex", "release", "rename", "replace",
    "restrict", "returning", "right", "rollback", "row", "rowid", "rows", "savepoint", "select",
    "set", "table", "temp", "temporary", "then", "ties", "to", "transaction", "trigger", "true",
    "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual",
    "when", "where", "window", "with", "without"};
// ("_rowid_" starts with '_', which ToSqlIdentifier trims, so it can never be produced.)

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsUpper(c) || IsLower(c) || IsDigit(c); }

// ASCII spelling of a Latin-1 Supplement / Latin Extended-A letter, keeping its case, or ""
// for any other code point (which then separates words).
std::string_view Transliterate(uint32_t cp) {
  static constexpr std::string_view kLatin1[64] = {
      // U+00C0 .. U+00DF
      "A", "A", "A", "A", "A", "A", "Ae", "C", "E", "E", "E", "E", "I", "I", "I", "I",
      "D", "N", "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "Th", "ss",
      // U+00E0 .. U+00FF
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y"};
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  switch (cp) {
    case 0x152: return "Oe";  // one capital, so "Œuvre" is one word
    case 0x153: return "oe";
    case 0x141: return "L";
    case 0x142: return "l";
    case 0x160: return "S";
    case 0x161: return "s";
    case 0x17D: return "Z";
    case 0x17E: return "z";
    case 0x178: return "Y";
    default: return "";
  }
}

// Decodes one UTF-8 sequence at s[*i], advancing *i. Invalid bytes decode as themselves
// (so a stray Latin-1 byte still transliterates).
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len <= 1 || *i + len > s.size()) {
    ++*i;
    return b0;
  }
  uint32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *i += len;
  return cp;
}

// First step: an ASCII string of letters, digits and single spaces marking word breaks, with
// case kept for the camelCase split. '%' and '#' become words ("Growth %" -> growth pct).
std::string ToAsciiWords(std::string_view label) {
  std::string out;
  auto space = [&] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (size_t i = 0; i < label.size();) {
    const uint32_t cp = NextCodePoint(label, &i);
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (IsAlnum(c)) {
        out += c;
      } else if (c == '%') {
        space();
        out += "pct ";
      } else if (c == '#') {
        space();
        out += "num ";
      } else {
        space();
      }
      continue;
    }
    const std::string_view ascii = Transliterate(cp);
    if (ascii.empty()) {
      space();
    } else {
      out += ascii;
    }
  }
  return out;
}

// Second step: lower-case, one '_' per word break, camelCase boundaries become breaks:
// "orderId" -> order_id, "OrderID" -> order_id, "XMLFile" -> xml_file; digits stay attached.
std::string SnakeCase(const std::string& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const char c = words[i];
    if (c == ' ') {
      if (!out.empty() && out.back() != '_') out += '_';
      continue;
    }
    if (IsUpper(c) && i > 0) {
      const char prev = words[i - 1];
      const bool next_lower = i + 1 < words.size() && IsLower(words[i + 1]);
      if (IsLower(prev) || (IsDigit(prev) && next_lower) || (IsUpper(prev) && next_lower)) {
        if (!out.empty() && out.back() != '_') out += '_';
      }
    }
    out += IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

}  // namespace

bool IsReservedWord(std::string_view lowercase_word) {
  return std::binary_search(std::begin(kReservedWords), std::end(kReservedWords), lowercase_word);
}

std::string ToSqlIdentifier(std::string_view label, std::string_view fallback) {
  std::string id = SnakeCase(ToAsciiWords(label));
  if (id.empty()) id = std::string(fallback);
  if (!id.empty() && IsDigit(id.front())) id = "c_" + id;
  if (IsReservedWord(id)) id += '_';
  return id;
}

std::vector<std::string> MakeColumnNames(const std::vector<std::string>& labels) {
  std::vector<std::string> names;
  names.reserve(labels.size());
  std::unordered_set<std::string> taken;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::string base = ToSqlIdentifier(labels[i], "column_" + std::to_string(i + 1));
    std::string name = base;
    // "order_" (a reserved word made safe) numbers as "order_2", not "order__2".
    const std::string stem = base.back() == '_' ? base.substr(0, base.size() - 1) : base;
    for (int n = 2; taken.count(name); ++n) name = stem + "_" + std::to_string(n);
    taken.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace da
