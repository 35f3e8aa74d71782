#include "bench_common.h"

#include <algorithm>

namespace da::bench {

bool Options::Runs(const std::string& section) const {
  return std::find(sections.begin(), sections.end(), section) != sections.end();
}

}  // namespace da::bench
