// Column type inference over every value of a column (never a sample), and conversion of the
// values to their stored form once the type is known.
//
// Accepted spellings (surrounding whitespace ignored):
//   NULL       "", NA, N/A, NULL, -  in any case ("na", "n/a", "Null"). Never affects the type.
//   BOOLEAN    true/false, yes/no, t/f, y/n in any case. 0/1 are INTEGER, not BOOLEAN.
//   INTEGER    optional sign, digits; thousands separators only when every group after the
//              first has exactly 3 digits ("1,234,567"). Leading zeros ("007") mean a code:
//              TEXT. Integer-shaped values beyond int64 make the column TEXT, not REAL: such
//              values are ids or codes and a double would silently change them.
//   REAL       decimal and/or exponent ("3.5", ".5", "1e-3", "1,234.50"); INTEGER values mixed
//              with REAL ones make a REAL column. inf/nan are TEXT.
//   DATE       YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY, and MM/DD/YYYY or DD/MM/YYYY (one or two
//              digit day and month). The slash order is decided over the whole column: a first
//              part > 12 anywhere means day-first; if both orders fit every value, month-first.
//              Every date must exist in the calendar (no 2023-02-29).
//   TIMESTAMP  any DATE form followed by 'T' or ' ' and H:MM or HH:MM[:SS[.fraction]], with an
//              optional AM/PM, and an optional 'Z', "UTC" or offset (+02:00, +0200, -05).
//              A column mixing DATE and TIMESTAMP values is TIMESTAMP (dates at midnight).
//
// Stored forms: BOOLEAN as 0/1, INTEGER as int64, REAL as double, DATE as "YYYY-MM-DD",
// TIMESTAMP as "YYYY-MM-DD HH:MM:SS[.fraction]" (fraction digits as written, up to 9).
// Timestamps carrying a zone ('Z', "UTC" or an offset) are converted to UTC, so every stored
// value with a zone denotes the same instant and sorts correctly; values without a zone are
// stored as written (wall-clock time). The offset itself is not kept.
//
// Any non-null value that does not fit makes the column TEXT, keeping every value verbatim
// (nothing is dropped); the first offending value is reported as the fallback reason when the
// column mostly held a type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/column_type.h"

namespace da {

// True for the NULL markers listed above (the field is trimmed first).
bool IsNullMarker(std::string_view value);

// Strips ASCII spaces and tabs at both ends.
std::string_view TrimField(std::string_view value);

enum class NumberShape { kInteger, kReal, kIntegerOverflow, kNotNumber };

// Classifies a trimmed value; fills *i for kInteger and *d for kInteger and kReal.
NumberShape ParseNumber(std::string_view v, int64_t* i, double* d);

// 1 for true/yes/t/y, 0 for false/no/f/n, -1 otherwise (case-insensitive, trimmed value).
int ParseBoolean(std::string_view v);

enum class DateOrder { kMonthFirst, kDayFirst };

// Writes the stored form of a trimmed DATE or TIMESTAMP value into `out` (at least 32 bytes)
// and returns its length, or 0 if `v` is not a valid date/time under `order`. A DATE-only
// value converted for a TIMESTAMP column gets " 00:00:00".
size_t FormatTemporal(std::string_view v, ColumnType type, DateOrder order, char* out);

// Accumulates what one column's values allow. Feed every raw field value with Observe(),
// then read the decision.
class ColumnInference {
 public:
  // `source` indexes the caller's list of sources; `line` is where the row starts.
  void Observe(std::string_view raw, int source, int64_t line);

  ColumnType type() const;
  DateOrder date_order() const;
  int64_t non_null_count() const { return non_null_; }

  // For a TEXT column whose values mostly had one type: "line 1042: 'n/a?' is not a number",
  // prefixed with the source name when there are several ("b.csv line 7: ..."). Else "".
  std::string FallbackReason(const std::vector<std::string>& source_names) const;

 private:
  enum Candidate { kBool, kNumber, kTemporal, kCandidates };
  struct Failure {
    int64_t matched = 0;  // non-null values accepted before the failure
    int source = 0;
    int64_t line = 0;
    std::string value;
    std::string why;  // "is not a number"
  };

  void Fail(Candidate c, std::string_view value, int source, int64_t line, std::string why);
  void ObserveTemporal(std::string_view v, int source, int64_t line);

  bool alive_[kCandidates] = {true, true, true};
  Failure failure_[kCandidates];
  int64_t non_null_ = 0;
  bool all_integer_ = true;    // within kNumber: no value needed a REAL
  bool saw_time_ = false;      // within kTemporal: some value had a time of day
  bool month_first_ok_ = true;  // within kTemporal: every ambiguous slash date fits M/D/Y
  bool day_first_ok_ = true;    // ... fits D/M/Y
};

// The value to bind for one field of a typed column.
struct StoredValue {
  enum class Kind { kNull, kInteger, kReal, kText } kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string_view text;  // points into the raw field or into the caller's buffer
};

// Converts a raw field for a column inferred as `type`. `buffer` (>= 32 bytes) receives
// formatted dates. Returns false if the value does not fit the type (it was inferred over the
// same values, so this means the input changed between passes). TEXT keeps `raw` verbatim.
bool ConvertField(std::string_view raw, ColumnType type, DateOrder order, char* buffer,
                  StoredValue* out);

}  // namespace da
