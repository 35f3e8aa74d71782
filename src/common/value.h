// A single SQL value as read from or written to a database.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace da {

// NULL, INTEGER, REAL or TEXT (BLOBs are rendered as text "<blob N bytes>" by readers).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// Text form used in tables, CSV output and reports. NULL renders as "" (CSV) or "NULL" (tables),
// chosen by the caller through `null_text`. Reals print in the shortest form that round-trips.
std::string ValueToString(const Value& v, const std::string& null_text = "NULL");

}  // namespace da
