// RowSource: one tabular input (a CSV file, a CSV inside a ZIP, an Excel sheet) as header
// labels plus rows of text fields. TableBuilder consumes RowSources; it does not care where
// the bytes came from.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace da {

// One data row. `fields` are already decoded to UTF-8 with quotes removed; a field that is
// absent (an empty row cell) is the empty string. Views are valid only during the callback.
struct RowView {
  std::span<const std::string_view> fields;
  int64_t line = 0;  // 1-based physical line (CSV) or row number (sheet) where the row starts
};

class RowSource {
 public:
  virtual ~RowSource() = default;

  // Where the rows come from, as shown to the user: "sales/sales_2023.csv", "book.xlsx#Sheet1".
  virtual const std::string& name() const = 0;

  // Original column labels, in file order. For header-less CSVs: "column_1", "column_2", ...
  virtual const std::vector<std::string>& header() const = 0;

  // Calls `fn` once per data row, in order. Can be called more than once (the first pass
  // infers types, the second writes). Stops early and returns the first non-OK Status from
  // `fn`. Malformed input (e.g. an unterminated quote) is reported as InvalidArgument naming
  // name():line.
  virtual Status ForEachRow(const std::function<Status(const RowView&)>& fn) = 0;

  // Size of the input in bytes, for progress and MB/s.
  virtual uint64_t byte_size() const = 0;
};

}  // namespace da
