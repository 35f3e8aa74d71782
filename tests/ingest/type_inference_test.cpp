#include "ingest/type_inference.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace da {
namespace {

// Feeds `values` as lines 2, 3, ... of one source.
ColumnInference Infer(const std::vector<std::string>& values) {
  ColumnInference inf;
  int64_t line = 2;
  for (const std::string& v : values) inf.Observe(v, 0, line++);
  return inf;
}

ColumnType TypeOf(const std::vector<std::string>& values) { return Infer(values).type(); }

std::string Reason(const std::vector<std::string>& values) {
  return Infer(values).FallbackReason({"data.csv"});
}

// Stored form of `raw` in a column whose values are `column`.
StoredValue Convert(const std::vector<std::string>& column, const std::string& raw,
                    std::string* text_copy) {
  ColumnInference inf = Infer(column);
  static char buffer[64];
  StoredValue v;
  EXPECT_TRUE(ConvertField(raw, inf.type(), inf.date_order(), buffer, &v)) << raw;
  *text_copy = std::string(v.text);
  return v;
}

std::string StoredText(const std::vector<std::string>& column, const std::string& raw) {
  std::string text;
  StoredValue v = Convert(column, raw, &text);
  EXPECT_EQ(v.kind, StoredValue::Kind::kText);
  return text;
}

TEST(TypeInferenceTest, NullMarkers) {
  for (const char* v : {"", "  ", "NA", "na", "N/A", "n/a", "NULL", "null", "Null", "-", " - "})
    EXPECT_TRUE(IsNullMarker(v)) << v;
  for (const char* v : {"0", "none", "NaN", "--", "n/a?", "nil"}) EXPECT_FALSE(IsNullMarker(v)) << v;
  EXPECT_EQ(TypeOf({"1", "NA", "", "null", "2", "-"}), ColumnType::kInteger);
  EXPECT_EQ(Infer({"1", "NA", "", "null", "2"}).non_null_count(), 2);
  EXPECT_EQ(TypeOf({"", "NA"}), ColumnType::kText);  // nothing to infer from
  std::string text;
  EXPECT_EQ(Convert({"1", "2"}, "N/A", &text).kind, StoredValue::Kind::kNull);
  EXPECT_EQ(Convert({"a", "b"}, "null", &text).kind, StoredValue::Kind::kNull);
}

TEST(TypeInferenceTest, Booleans) {
  EXPECT_EQ(TypeOf({"true", "False", "TRUE"}), ColumnType::kBoolean);
  EXPECT_EQ(TypeOf({"yes", "No", "Y", "n"}), ColumnType::kBoolean);
  EXPECT_EQ(TypeOf({"t", "f", "T"}), ColumnType::kBoolean);
  EXPECT_EQ(TypeOf({"0", "1", "1"}), ColumnType::kInteger);
  EXPECT_EQ(TypeOf({"yes", "no", "1"}), ColumnType::kText);
  std::string text;
  StoredValue v = Convert({"yes", "no"}, "Yes", &text);
  EXPECT_EQ(v.kind, StoredValue::Kind::kInteger);
  EXPECT_EQ(v.i, 1);
  EXPECT_EQ(Convert({"yes", "no"}, "FALSE", &text).i, 0);
}

TEST(TypeInferenceTest, Integers) {
  EXPECT_EQ(TypeOf({"1", "-42", "+7", "0", " 12 "}), ColumnType::kInteger);
  EXPECT_EQ(TypeOf({"1,234,567", "12", "-1,000"}), ColumnType::kInteger);
  EXPECT_EQ(TypeOf({"9223372036854775807", "-9223372036854775808"}), ColumnType::kInteger);
  std::string text;
  StoredValue v = Convert({"1,234,567"}, "1,234,567", &text);
  EXPECT_EQ(v.kind, StoredValue::Kind::kInteger);
  EXPECT_EQ(v.i, 1234567);
  EXPECT_EQ(Convert({"-9223372036854775808"}, "-9223372036854775808", &text).i, INT64_MIN);
  EXPECT_EQ(Convert({"+7"}, " +7 ", &text).i, 7);
}

TEST(TypeInferenceTest, BadGroupingAndLeadingZerosAreText) {
  EXPECT_EQ(TypeOf({"1,23,456"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"1234,567"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"12,5"}), ColumnType::kText);  // a European decimal, not 125
  EXPECT_EQ(TypeOf({"1,2345"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({",123"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"007", "008"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"01.5"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"1 000"}), ColumnType::kText);
}

TEST(TypeInferenceTest, IntegersBeyondInt64StayTextSoIdsStayExact) {
  EXPECT_EQ(TypeOf({"1", "9223372036854775808"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"12345678901234567890123", "1.5"}), ColumnType::kText);
  EXPECT_EQ(Reason({"1", "2", "9223372036854775808"}),
            "line 4: '9223372036854775808' does not fit a 64-bit integer");
  std::string text;
  ColumnInference inf = Infer({"1", "9223372036854775808"});
  StoredValue v;
  char buf[64];
  ASSERT_TRUE(ConvertField("9223372036854775808", inf.type(), inf.date_order(), buf, &v));
  EXPECT_EQ(v.text, "9223372036854775808");
}

TEST(TypeInferenceTest, Reals) {
  EXPECT_EQ(TypeOf({"1.5", "-0.25", ".5", "1e3", "2.5E-3", "1,234.50"}), ColumnType::kReal);
  EXPECT_EQ(TypeOf({"1", "2", "2.5"}), ColumnType::kReal);  // INTEGER + REAL -> REAL
  EXPECT_EQ(TypeOf({"inf"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"nan"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"1.2.3"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"1e"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"."}), ColumnType::kText);
  std::string text;
  StoredValue v = Convert({"1", "2.5"}, "1,234.50", &text);
  EXPECT_EQ(v.kind, StoredValue::Kind::kReal);
  EXPECT_DOUBLE_EQ(v.d, 1234.5);
  v = Convert({"1", "2.5"}, "3", &text);
  EXPECT_EQ(v.kind, StoredValue::Kind::kReal);
  EXPECT_DOUBLE_EQ(v.d, 3.0);
}

TEST(TypeInferenceTest, IsoAndDottedDates) {
  EXPECT_EQ(TypeOf({"2023-01-05", "2024-02-29", "1999/12/31"}), ColumnType::kDate);
  EXPECT_EQ(TypeOf({"05.01.2023", "31.12.1999"}), ColumnType::kDate);
  EXPECT_EQ(StoredText({"2023-01-05"}, "2023/1/5"), "2023-01-05");
  EXPECT_EQ(StoredText({"05.01.2023"}, "05.01.2023"), "2023-01-05");
}

TEST(TypeInferenceTest, DatesMustExistInTheCalendar) {
  EXPECT_EQ(TypeOf({"2023-01-05", "2023-02-29"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"2023-13-01"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"31.04.2023"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"2000-02-29", "1900-02-28"}), ColumnType::kDate);
  EXPECT_EQ(TypeOf({"1900-02-29"}), ColumnType::kText);
  EXPECT_EQ(Reason({"2023-01-05", "2023-01-06", "2023-02-30"}),
            "line 4: '2023-02-30' is not a valid calendar date");
}

TEST(TypeInferenceTest, SlashDateOrderIsDecidedOverTheWholeColumn) {
  // Ambiguous everywhere: month-first.
  EXPECT_EQ(Infer({"01/02/2023", "03/04/2023"}).date_order(), DateOrder::kMonthFirst);
  EXPECT_EQ(StoredText({"01/02/2023", "03/04/2023"}, "01/02/2023"), "2023-01-02");
  // One first part > 12, even at the end: day-first for every row.
  const std::vector<std::string> day_first = {"01/02/2023", "03/04/2023", "25/12/2023"};
  EXPECT_EQ(TypeOf(day_first), ColumnType::kDate);
  EXPECT_EQ(Infer(day_first).date_order(), DateOrder::kDayFirst);
  EXPECT_EQ(StoredText(day_first, "01/02/2023"), "2023-02-01");
  EXPECT_EQ(StoredText(day_first, "25/12/2023"), "2023-12-25");
  // A second part > 12: month-first.
  const std::vector<std::string> month_first = {"1/2/2023", "12/25/2023"};
  EXPECT_EQ(Infer(month_first).date_order(), DateOrder::kMonthFirst);
  EXPECT_EQ(StoredText(month_first, "1/2/2023"), "2023-01-02");
  // Both orders needed: no consistent reading, so TEXT with the value that broke it.
  const std::vector<std::string> mixed = {"25/12/2023", "12/25/2023"};
  EXPECT_EQ(TypeOf(mixed), ColumnType::kText);
  EXPECT_EQ(Reason({"25/12/2023", "01/02/2023", "12/25/2023"}),
            "line 4: '12/25/2023' is month-first but earlier dates are day-first");
}

TEST(TypeInferenceTest, Timestamps) {
  EXPECT_EQ(TypeOf({"2023-01-05T10:20:30", "2023-01-05 10:20"}), ColumnType::kTimestamp);
  EXPECT_EQ(TypeOf({"2023-01-05T10:20:30.123Z"}), ColumnType::kTimestamp);
  EXPECT_EQ(TypeOf({"01/05/2023 9:30 PM", "01/06/2023 10:00:00"}), ColumnType::kTimestamp);
  EXPECT_EQ(TypeOf({"2023-01-05", "2023-01-06 12:00"}), ColumnType::kTimestamp);
  EXPECT_EQ(TypeOf({"2023-01-05 24:00"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"2023-01-05 10:60"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"2023-01-05T"}), ColumnType::kText);
  EXPECT_EQ(TypeOf({"2023-01-05 13:00 PM"}), ColumnType::kText);

  const std::vector<std::string> col = {"2023-01-05T10:20:30"};
  EXPECT_EQ(StoredText(col, "2023-01-05T10:20:30"), "2023-01-05 10:20:30");
  EXPECT_EQ(StoredText(col, "2023-01-05 10:20"), "2023-01-05 10:20:00");
  EXPECT_EQ(StoredText(col, "2023-01-05 10:20:30.250"), "2023-01-05 10:20:30.250");
  EXPECT_EQ(StoredText(col, "2023-01-05"), "2023-01-05 00:00:00");
  EXPECT_EQ(StoredText(col, "01/05/2023 9:30 PM"), "2023-01-05 21:30:00");
  EXPECT_EQ(StoredText(col, "01/05/2023 12:15 AM"), "2023-01-05 00:15:00");
  EXPECT_EQ(StoredText(col, "05.01.2023 08:00"), "2023-01-05 08:00:00");
}

TEST(TypeInferenceTest, ZonedTimestampsAreStoredInUtc) {
  const std::vector<std::string> col = {"2023-01-05T10:20:30Z"};
  EXPECT_EQ(StoredText(col, "2023-01-05T10:20:30Z"), "2023-01-05 10:20:30");
  EXPECT_EQ(StoredText(col, "2023-01-05T10:20:30+02:00"), "2023-01-05 08:20:30");
  EXPECT_EQ(StoredText(col, "2023-01-05T10:20:30-0530"), "2023-01-05 15:50:30");
  EXPECT_EQ(StoredText(col, "2023-01-01T01:00:00+02"), "2022-12-31 23:00:00");
  EXPECT_EQ(StoredText(col, "2024-02-28 23:30:00.5 -01:00"), "2024-02-29 00:30:00.5");
  EXPECT_EQ(StoredText(col, "2023-01-05 10:20 UTC"), "2023-01-05 10:20:00");
  EXPECT_EQ(TypeOf({"2023-01-05T10:20:30+25:00"}), ColumnType::kText);
}

TEST(TypeInferenceTest, FallbackKeepsValuesVerbatimAndNamesTheFirstBadValue) {
  std::vector<std::string> values(10, "12");
  values.push_back("n/a?");
  values.push_back("13");
  EXPECT_EQ(TypeOf(values), ColumnType::kText);
  EXPECT_EQ(Reason(values), "line 12: 'n/a?' is not a number");
  ColumnInference inf = Infer(values);
  EXPECT_EQ(inf.FallbackReason({"a.csv", "b.csv"}), "a.csv line 12: 'n/a?' is not a number");
  std::string text;
  StoredValue v = Convert(values, " 12 ", &text);
  EXPECT_EQ(v.kind, StoredValue::Kind::kText);
  EXPECT_EQ(text, " 12 ");  // verbatim, untrimmed

  EXPECT_EQ(Reason({"yes", "no", "no", "maybe"}),
            "line 5: 'maybe' is not a boolean (true/false, yes/no)");
  EXPECT_EQ(Reason({"2023-01-01", "2023-01-02", "soon"}), "line 4: 'soon' is not a date");
  EXPECT_EQ(Reason({"2023-01-01 10:00", "2023-01-02 10:00", "later"}),
            "line 4: 'later' is not a timestamp");
}

TEST(TypeInferenceTest, PlainTextColumnsHaveNoFallbackReason) {
  EXPECT_EQ(Reason({"Alice", "Bob", "Carol"}), "");
  // Looked boolean for one value out of many: that is text, not a broken boolean column.
  EXPECT_EQ(Reason({"T", "Tom", "Ann", "Joe"}), "");
  EXPECT_EQ(Reason({"1", "2"}), "");  // not TEXT at all
}

TEST(TypeInferenceTest, NumberParserShapes) {
  int64_t i = 0;
  double d = 0;
  EXPECT_EQ(ParseNumber("42", &i, &d), NumberShape::kInteger);
  EXPECT_EQ(ParseNumber("4.2", &i, &d), NumberShape::kReal);
  EXPECT_EQ(ParseNumber("99999999999999999999", &i, &d), NumberShape::kIntegerOverflow);
  EXPECT_EQ(ParseNumber("-", &i, &d), NumberShape::kNotNumber);
  EXPECT_EQ(ParseNumber("+", &i, &d), NumberShape::kNotNumber);
  EXPECT_EQ(ParseNumber("0x10", &i, &d), NumberShape::kNotNumber);
  EXPECT_EQ(ParseNumber("1e999", &i, &d), NumberShape::kNotNumber);
  for (const char* text : {"0.1", "1234.56", "-0.3", "99999999999999.9", "0.000000000000001",
                           "3.14159265358979", "123456789.123456789", "1.5e-7", "2.5E10"}) {
    ASSERT_EQ(ParseNumber(text, &i, &d), NumberShape::kReal) << text;
    EXPECT_EQ(d, std::strtod(text, nullptr)) << text;  // correctly rounded, bit for bit
  }
  EXPECT_EQ(ParseBoolean("yes"), 1);
  EXPECT_EQ(ParseBoolean("N"), 0);
  EXPECT_EQ(ParseBoolean("1"), -1);
}

}  // namespace
}  // namespace da
