// Command-line arguments: positionals plus --flags, with the set of accepted flags declared by
// each command so a typo is an error that names it rather than a silently ignored option.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "guard/sql_guard.h"

namespace da {

struct FlagSpec {
  std::set<std::string> with_value;   // --name VALUE or --name=VALUE
  std::set<std::string> boolean;      // --name
  std::set<std::string> repeatable;   // subset of with_value that may repeat
};

class Args {
 public:
  // Parses argv-style words (without the program and command names).
  static Result<Args> Parse(const std::vector<std::string>& words, const FlagSpec& spec);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  // Last value of the flag, or `fallback`.
  std::string Get(const std::string& flag, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& flag) const;
  // Integer value; InvalidArgument naming the flag when not an integer in [min, max].
  Result<int64_t> GetInt(const std::string& flag, int64_t fallback, int64_t min, int64_t max) const;
  Result<double> GetDouble(const std::string& flag, double fallback, double min, double max) const;

 private:
  std::vector<std::string> positionals_;
  std::multimap<std::string, std::string> values_;
};

// --max-rows and --timeout (seconds) as guard limits, with the given defaults; errors name
// the flag.
Result<GuardLimits> LimitsFromArgs(const Args& args, int64_t default_max_rows, double default_timeout_seconds);

}  // namespace da
