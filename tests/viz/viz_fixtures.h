// Small query results shaped like the answers charts and summaries are made from.
#pragma once

#include <string>
#include <vector>

#include "common/query_result.h"

namespace da::testing {

inline QueryResult MakeResult(std::vector<std::string> columns, std::vector<std::vector<Value>> rows) {
  QueryResult r;
  r.columns = std::move(columns);
  r.rows = std::move(rows);
  return r;
}

inline Value I(int64_t v) { return v; }
inline Value D(double v) { return v; }
inline Value S(std::string v) { return v; }
inline Value Null() { return std::monostate{}; }

// store | sum(T1.weekly_sales): `n` stores, store k selling 1000 * k.
inline QueryResult SalesByStore(int n) {
  QueryResult r;
  r.columns = {"store", "sum(T1.weekly_sales)"};
  for (int k = 1; k <= n; ++k) r.rows.push_back({I(k), D(1000.0 * k)});
  return r;
}

// month ("2012-01".."2012-06") | total_sales.
inline QueryResult MonthlySales() {
  return MakeResult({"month", "total_sales"}, {{S("2012-01"), D(100)},
                                               {S("2012-02"), D(120)},
                                               {S("2012-03"), D(90)},
                                               {S("2012-04"), D(95)},
                                               {S("2012-05"), D(130)},
                                               {S("2012-06"), D(104)}});
}

// region (text) | amount, four regions.
inline QueryResult AmountByRegion() {
  return MakeResult({"region", "amount"},
                    {{S("North"), D(40)}, {S("South"), D(30)}, {S("East"), D(20)}, {S("West"), D(10)}});
}

}  // namespace da::testing
