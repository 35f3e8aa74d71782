// What each column of a query result is, judged from its values and its name: a point in
// time, a measure, or a category. Charts and result summaries both start from this.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/query_result.h"

namespace da {

enum class ColumnRole {
  kTemporal,      // ISO dates/timestamps, "2012-03", "2012-Q1", years and month numbers
  kQuantitative,  // numbers that measure something
  kNominal,       // text, booleans, and integers that identify (ids, codes, store numbers)
  kEmpty,         // no non-NULL value among the rows looked at
};

// How a temporal column writes time. Text forms are ISO and sort as text.
enum class TimeGrain {
  kNone,         // not temporal
  kTimestamp,    // "2012-03-04 10:00[:00[.fff]][Z|±hh:mm]" or with 'T'
  kDate,         // "2012-03-04"
  kMonth,        // "2012-03"
  kQuarter,      // "2012-Q1"
  kYear,         // integer (or text) 1800..2200 in a column named like a year
  kMonthNumber,  // integer 1..12 in a column named like a month
};

struct ResultColumn {
  std::string name;   // as in QueryResult::columns
  std::string title;  // for people: "Total weekly sales" (see ColumnTitle)
  ColumnRole role = ColumnRole::kEmpty;
  TimeGrain grain = TimeGrain::kNone;
  bool integer = false;         // every non-NULL value is an integer
  bool unique = false;          // no value repeats among the non-NULL values looked at
  size_t non_null = 0;          // among the rows looked at
  size_t distinct = 0;          // among the rows looked at
  size_t max_label_length = 0;  // longest value's text, in bytes
};

// Roles of the columns of `result`, in column order, from at most `max_rows` rows.
//
// Rules: a column whose non-NULL values are all ISO dates/timestamps/months/quarters is
// temporal; integers 1800..2200 in a column whose name says year (year, yr, fiscal_year,
// "year(order_date)", "strftime('%Y', d)", "EXTRACT(YEAR FROM d)", "to_char(d, 'YYYY')", or
// PostgreSQL's bare "extract"/"date_part" name of an unaliased EXTRACT) are temporal years,
// integers 1..12 in a column named month (or "EXTRACT(MONTH FROM d)") are month numbers. Other all-number columns are quantitative, except integer columns that identify
// rather than measure: names that say id/key/code/number/no/zip/phone, 0/1 columns named
// is_/has_, and the leftmost column when it holds unique non-negative INTEGER values (not
// reals), another column is numeric, and its name is not a measure word (count, total, sum,
// avg, amount, price, ...). In a result with an aggregate column (sum(...), count(*), ...),
// the other integer columns are its GROUP BY keys and nominal too, unless their name says they
// measure. Text and mixed columns are nominal.
std::vector<ResultColumn> InferColumnRoles(const QueryResult& result, size_t max_rows = 10000);

// A column name for people: "sum(T1.weekly_sales)" -> "Total weekly sales",
// "avg(price)" -> "Average price", "count(*)" -> "Count", "count(DISTINCT store)" ->
// "Number of distinct store", "order_date" -> "Order date", "storeName" -> "Store name",
// "EXTRACT(YEAR FROM d)" / "date_trunc('month', d)" / "to_char(d, 'YYYY-MM')" -> "Year of d" /
// "Month of d" / "Month of d".
std::string ColumnTitle(std::string_view column);

// A title inside a sentence: "Total weekly sales" -> "total weekly sales"; a leading acronym
// stays ("CPI by store").
std::string InSentence(std::string_view title);
// The plural of a title's last word, for counts: "Store" -> "stores", "Product category" ->
// "product categories", "Box" -> "boxes" (in sentence case).
std::string PluralNoun(std::string_view title);


// The leftmost column with `role`, or -1.
int FirstColumn(const std::vector<ResultColumn>& columns, ColumnRole role);
// Every column with `role`, in order.
std::vector<int> ColumnsWith(const std::vector<ResultColumn>& columns, ColumnRole role);

// The numeric value of a cell (integers and reals; text is not parsed), or NaN.
double NumericValue(const Value& v);

// A temporal cell's sort key: ISO text as is, years and month numbers zero-padded, so that
// keys of one column compare in time order.
std::string TimeKey(const Value& v);

}  // namespace da
