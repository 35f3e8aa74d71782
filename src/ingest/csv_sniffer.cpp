#include "ingest/csv_sniffer.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/strings.h"
#include "ingest/csv_tokenizer.h"
#include "ingest/text_encoding.h"

namespace da {

namespace {

constexpr char kDelimiters[] = {',', ';', '\t', '|'};

// The sample's records under one candidate dialect. A record cut off by the end of a
// truncated sample is dropped, as is everything from an unterminated quote on.
std::vector<std::vector<std::string>> SampleRecords(std::string_view sample, bool truncated, char delimiter,
                                                    char quote, size_t max_records) {
  std::vector<std::vector<std::string>> records;
  CsvTokenizer tokenizer(sample, delimiter, quote);
  while (records.size() < max_records && tokenizer.Next() == CsvTokenizer::Step::kRecord) {
    if (truncated && tokenizer.offset() == sample.size()) break;
    auto fields = tokenizer.fields();
    records.emplace_back(fields.begin(), fields.end());
  }
  return records;
}

struct Consistency {
  double share = 0;       // records with the most common field count / all records
  size_t fields = 0;      // that most common field count
};

Consistency MeasureConsistency(std::string_view sample, bool truncated, char delimiter, char quote) {
  std::map<size_t, size_t> counts;
  size_t total = 0;
  CsvTokenizer tokenizer(sample, delimiter, quote);
  while (total < kSniffRecords && tokenizer.Next() == CsvTokenizer::Step::kRecord) {
    if (truncated && tokenizer.offset() == sample.size()) break;
    ++counts[tokenizer.fields().size()];
    ++total;
  }
  Consistency best;
  for (const auto& [fields, n] : counts) {
    const double share = static_cast<double>(n) / static_cast<double>(total);
    if (share > best.share || (share == best.share && fields > best.fields)) best = {share, fields};
  }
  return best;
}

// True when some field in the sample starts with `quote` (at a line start or after any
// candidate delimiter).
bool QuotesAtFieldStart(std::string_view sample, char quote) {
  for (size_t i = 0; i < sample.size(); ++i) {
    if (sample[i] != quote) continue;
    if (i == 0) return true;
    const char prev = sample[i - 1];
    if (prev == '\n' || prev == '\r' || std::find(std::begin(kDelimiters), std::end(kDelimiters), prev) !=
                                            std::end(kDelimiters))
      return true;
  }
  return false;
}

// ---- Header detection: does the first row label the columns below it?

enum class ValueKind { kEmpty, kInteger, kDecimal, kDate, kBoolean, kText };

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

ValueKind ClassifyNumber(std::string_view s) {
  for (std::string_view currency : {"$", "\xE2\x82\xAC", "\xC2\xA3"})  // $ € £
    if (s.substr(0, currency.size()) == currency) s.remove_prefix(currency.size());
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  size_t digits = 0, points = 0, i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      ++digits;
    } else if ((c == '.' || c == ',') && digits > 0) {
      ++points;
    } else if ((c == 'e' || c == 'E') && digits > 0) {
      break;
    } else {
      return ValueKind::kText;
    }
  }
  if (digits == 0) return ValueKind::kText;
  if (i < s.size()) {  // exponent
    std::string_view exp = s.substr(i + 1);
    if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) exp.remove_prefix(1);
    if (exp.empty() || !std::all_of(exp.begin(), exp.end(), IsDigit)) return ValueKind::kText;
    return ValueKind::kDecimal;
  }
  return points == 0 ? ValueKind::kInteger : ValueKind::kDecimal;
}

// 2024-03-01, 01/03/2024, 1.3.2024, 2024-03-01T10:00:00Z, 2024-03-01 10:00
bool LooksLikeDate(std::string_view s) {
  if (s.size() < 6 || s.size() > 35 || !IsDigit(s[0])) return false;
  size_t digits = 0, separators = 0;
  for (char c : s) {
    if (IsDigit(c)) {
      ++digits;
    } else if (c == '-' || c == '/' || c == '.') {
      ++separators;
    } else if (c != ':' && c != ' ' && c != 'T' && c != 'Z' && c != '+') {
      return false;
    }
  }
  return separators >= 2 && digits >= 4;
}

ValueKind Classify(std::string_view raw) {
  const std::string_view s = Trim(raw);
  if (s.empty()) return ValueKind::kEmpty;
  if (LooksLikeDate(s)) return ValueKind::kDate;
  const ValueKind number = ClassifyNumber(s);
  if (number != ValueKind::kText) return number;
  for (std::string_view b : {"true", "false", "yes", "no"})
    if (EqualsIgnoreCase(s, b)) return ValueKind::kBoolean;
  return ValueKind::kText;
}

bool IsNumeric(ValueKind k) { return k == ValueKind::kInteger || k == ValueKind::kDecimal; }

// "2023": column labels of pivoted exports are often years.
bool LooksLikeYear(std::string_view s) {
  s = Trim(s);
  return s.size() == 4 && std::all_of(s.begin(), s.end(), IsDigit) && s >= "1900" && s <= "2100";
}

// The kind that at least 90% of a column's non-empty values share; kText otherwise.
// Integers count as decimals when the column mixes both.
ValueKind DominantKind(const std::vector<ValueKind>& kinds) {
  size_t non_empty = 0, integers = 0, decimals = 0, dates = 0, booleans = 0;
  for (ValueKind k : kinds) {
    if (k == ValueKind::kEmpty) continue;
    ++non_empty;
    integers += k == ValueKind::kInteger;
    decimals += k == ValueKind::kDecimal;
    dates += k == ValueKind::kDate;
    booleans += k == ValueKind::kBoolean;
  }
  if (non_empty == 0) return ValueKind::kEmpty;
  auto dominant = [&](size_t n) { return n * 10 >= non_empty * 9; };
  if (dominant(integers)) return ValueKind::kInteger;
  if (dominant(integers + decimals)) return ValueKind::kDecimal;
  if (dominant(dates)) return ValueKind::kDate;
  if (dominant(booleans)) return ValueKind::kBoolean;
  return ValueKind::kText;
}

// Votes per column: a label over a typed column says "header"; a value of the column's type
// says "data" (a year over decimals abstains: "2023" over prices is a label as often as a
// value); a text value repeated below says "data". Without a majority the first row is a
// header when its non-empty values are distinct text (or years), at least one of them text.
bool DetectHeader(const std::vector<std::vector<std::string>>& records) {
  if (records.empty()) return false;
  const auto& first = records[0];
  int header_votes = 0, data_votes = 0;
  for (size_t col = 0; col < first.size(); ++col) {
    const ValueKind label = Classify(first[col]);
    if (label == ValueKind::kEmpty) continue;
    std::vector<ValueKind> below;
    bool repeated = false;
    for (size_t r = 1; r < records.size(); ++r) {
      if (col >= records[r].size()) continue;
      below.push_back(Classify(records[r][col]));
      repeated = repeated || Trim(records[r][col]) == Trim(first[col]);
    }
    const ValueKind column = DominantKind(below);
    if (column == ValueKind::kEmpty) continue;
    if (column == ValueKind::kText) {
      if (repeated) ++data_votes;
    } else if (IsNumeric(column)) {
      if (!IsNumeric(label)) {
        ++header_votes;
      } else if (!(column == ValueKind::kDecimal && LooksLikeYear(first[col]))) {
        ++data_votes;
      }
    } else if (label == column) {
      ++data_votes;
    } else {
      ++header_votes;
    }
  }
  if (header_votes != data_votes) return header_votes > data_votes;
  std::set<std::string_view> seen;
  bool any_text = false;
  for (const auto& field : first) {
    const std::string_view label = Trim(field);
    if (label.empty()) continue;
    const bool text = Classify(label) == ValueKind::kText;
    if ((!text && !LooksLikeYear(label)) || !seen.insert(label).second) return false;
    any_text = any_text || text;
  }
  return any_text;
}

}  // namespace

CsvSniffResult SniffCsvText(std::string_view text) {
  const bool truncated = text.size() > kSniffBytes;
  const std::string_view sample = text.substr(0, kSniffBytes);

  std::vector<char> quotes = {'"'};
  if (!QuotesAtFieldStart(sample, '"') && QuotesAtFieldStart(sample, '\'')) quotes.push_back('\'');

  CsvSniffResult result;
  Consistency best;
  for (char quote : quotes) {
    for (char delimiter : kDelimiters) {
      const Consistency c = MeasureConsistency(sample, truncated, delimiter, quote);
      if (c.fields < 2) continue;
      const bool better = c.share > best.share + 1e-9 ||
                          (c.share > best.share - 1e-9 && c.fields > best.fields);
      if (better) {
        best = c;
        result.dialect.delimiter = delimiter;
        result.dialect.quote = quote;
      }
    }
  }

  const auto records = SampleRecords(sample, truncated, result.dialect.delimiter, result.dialect.quote, 200);
  result.dialect.has_header = DetectHeader(records);
  if (result.dialect.has_header) {
    result.column_count = records[0].size();
  } else {
    for (const auto& r : records) result.column_count = std::max(result.column_count, r.size());
  }
  return result;
}

CsvDialect SniffCsv(std::string_view bytes) {
  TextEncoding encoding = TextEncoding::kUtf8;
  std::string converted;
  if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    encoding = TextEncoding::kUtf8Bom;
    bytes.remove_prefix(kUtf8Bom.size());
  } else if (bytes.substr(0, kUtf16LeBom.size()) == kUtf16LeBom ||
             bytes.substr(0, kUtf16BeBom.size()) == kUtf16BeBom) {
    const bool little_endian = bytes[0] == kUtf16LeBom[0];
    encoding = little_endian ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
    converted = Utf16ToUtf8(bytes.substr(2, kSniffBytes), little_endian);
    bytes = converted;
  } else if (!IsValidUtf8(DropIncompleteUtf8Tail(bytes))) {
    encoding = TextEncoding::kWindows1252;
    converted = Windows1252ToUtf8(bytes.substr(0, kSniffBytes));
    bytes = converted;
  }
  CsvDialect dialect = SniffCsvText(bytes).dialect;
  dialect.encoding = encoding;
  return dialect;
}

}  // namespace da
