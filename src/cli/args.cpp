#include "cli/args.h"

#include <charconv>
#include <cstdlib>

namespace da {

Result<Args> Args::Parse(const std::vector<std::string>& words, const FlagSpec& spec) {
  Args args;
  bool only_positionals = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (only_positionals || w.size() < 3 || w.rfind("--", 0) != 0) {
      if (w == "--") {
        only_positionals = true;
        continue;
      }
      if (!only_positionals && w.size() > 1 && w[0] == '-' && w != "-")
        return Status::InvalidArgument("unknown option '" + w + "'");
      args.positionals_.push_back(w);
      continue;
    }
    std::string name = w.substr(2);
    std::string value;
    bool has_inline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    if (spec.boolean.count(name)) {
      if (has_inline) return Status::InvalidArgument("option --" + name + " takes no value");
      args.values_.emplace(name, "true");
    } else if (spec.with_value.count(name)) {
      if (!has_inline) {
        if (i + 1 >= words.size()) return Status::InvalidArgument("option --" + name + " needs a value");
        value = words[++i];
      }
      if (args.values_.count(name) && !spec.repeatable.count(name))
        return Status::InvalidArgument("option --" + name + " given more than once");
      args.values_.emplace(name, value);
    } else {
      return Status::InvalidArgument("unknown option '--" + name + "'");
    }
  }
  return args;
}

std::string Args::Get(const std::string& flag, const std::string& fallback) const {
  auto range = values_.equal_range(flag);
  if (range.first == range.second) return fallback;
  return std::prev(range.second)->second;
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  std::vector<std::string> out;
  auto range = values_.equal_range(flag);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

Result<int64_t> Args::GetInt(const std::string& flag, int64_t fallback, int64_t min, int64_t max) const {
  if (!Has(flag)) return fallback;
  const std::string v = Get(flag);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
    return Status::InvalidArgument("option --" + flag + " expects an integer from " + std::to_string(min) +
                                   " to " + std::to_string(max) + ", got '" + v + "'");
  }
  return n;
}

Result<double> Args::GetDouble(const std::string& flag, double fallback, double min, double max) const {
  if (!Has(flag)) return fallback;
  const std::string v = Get(flag);
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d >= min && d <= max)) {
    return Status::InvalidArgument("option --" + flag + " expects a number from " + std::to_string(min) + " to " +
                                   std::to_string(max) + ", got '" + v + "'");
  }
  return d;
}

Result<GuardLimits> LimitsFromArgs(const Args& args, int64_t default_max_rows, double default_timeout_seconds) {
  DA_ASSIGN_OR_RETURN(int64_t max_rows, args.GetInt("max-rows", default_max_rows, 1, 10'000'000));
  DA_ASSIGN_OR_RETURN(double timeout, args.GetDouble("timeout", default_timeout_seconds, 0.001, 86400));
  GuardLimits limits;
  limits.max_rows = max_rows;
  limits.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
  return limits;
}

}  // namespace da
