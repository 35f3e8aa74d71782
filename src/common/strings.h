// Small string helpers shared by every module. ASCII-only case folding: identifiers and
// keywords we compare are ASCII; user text keeps its bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace da {

std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// Splits an identifier or label into lowercase words: snake_case, camelCase, digits and
// spaces ("CustomerID" -> customer id, "crs_code" -> crs code, "Date_of_Birth" -> date of birth,
// "sum(T1.weeklySales)" -> sum t 1 weekly sales).
std::vector<std::string> SplitIdentifier(std::string_view name);

// Double-quotes an SQL identifier, doubling embedded quotes: order -> "order".
std::string QuoteIdentifier(std::string_view name);
// Single-quotes an SQL string literal, doubling embedded quotes.
std::string QuoteLiteral(std::string_view text);

// The current time as ISO-8601 UTC to the second: "2026-11-24T06:20:00Z".
std::string NowIsoUtc();

// "1.5 MB", "230 KB": for reports.
std::string FormatBytes(double bytes);

}  // namespace da
