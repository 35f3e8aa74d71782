// Excel number formats: which ones display a cell's number as a date or time, and how a
// cell's number is turned into the text a RowSource hands out.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace da::xlsx {

// How a number format displays the serial number stored in a cell.
enum class DateKind {
  kNumber,    // not a date: the value prints as a number
  kDate,      // a date without time of day ("yyyy-mm-dd", built-in 14)
  kDateTime,  // a date with time of day ("m/d/yyyy h:mm", built-in 22)
  kTime,      // time of day only ("h:mm:ss", built-ins 18-21, 45, 47)
  kDuration,  // elapsed time ("[h]:mm:ss", built-in 46)
};

// Built-in number format ids (those without a <numFmt> in styles.xml): 14-17 dates, 18-21
// and 45/47 times, 22 date-time, 46 elapsed time; every other id is a number.
DateKind ClassifyBuiltinFormat(int num_fmt_id);

// A custom format code ("yyyy-mm-dd hh:mm", "[$-409]mmmm d, yyyy", "#,##0.00"). Only the
// first section (before ';') counts. Letters d m y h s are date/time tokens unless they sit
// inside "quotes" or [brackets], follow a backslash, '_' or '*', or belong to AM/PM or A/P.
// 'm' is minutes when it follows an h token or precedes an s token, otherwise month.
// [h], [m] and [s] mark elapsed time.
DateKind ClassifyFormatCode(std::string_view code);

// A number as Excel would show it in General format, without binary noise: integral values
// as integers ("42", "-7"), others rounded to 15 significant digits (Excel's precision) and
// printed in the shortest form that reads back the same ("0.1", not "0.10000000000000001";
// 0.1+0.2 -> "0.3"). Very large or small magnitudes use exponent form ("1e+20").
std::string FormatNumber(double value);

// A serial date/time number in the given kind, or nullopt when it is outside Excel's date
// range (negative, or after 9999-12-31), in which case the caller prints the number.
// - kDate: "YYYY-MM-DD" for whole serials, "YYYY-MM-DD HH:MM:SS" when there is a time part.
// - kDateTime: always "YYYY-MM-DD HH:MM:SS".
// - kTime: "HH:MM:SS" for serials below 1 (a time of day), else like kDateTime.
// - kDuration: "H:MM:SS" with unbounded hours ("27:30:00").
// Times are rounded to the nearest second. In the 1900 date system serial 1 is 1900-01-01
// and, because Excel (after Lotus 1-2-3) counts a 29 February 1900 that never existed,
// serials from 61 on are one day late; serial 60 itself (the phantom day) reads as
// 1900-02-28. In the 1904 system serial 0 is 1904-01-01.
std::optional<std::string> FormatSerial(double serial, DateKind kind, bool date1904);

}  // namespace da::xlsx
