#include "common/value.h"

#include <charconv>
#include <cmath>

namespace da {

std::string ValueToString(const Value& v, const std::string& null_text) {
  if (std::holds_alternative<std::monostate>(v)) return null_text;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return "NaN";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, end);
  }
  return std::get<std::string>(v);
}

}  // namespace da
