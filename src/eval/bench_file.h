// Question sets in the Spider format: a JSON array of {"db_id", "question", "query"} objects
// (other fields, such as Spider's tokenisations, are ignored). The databases live at
// <db-dir>/<db_id>/<db_id>.sqlite.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace da {

struct BenchQuestion {
  std::string db_id;
  std::string question;
  std::string gold_sql;
};

// Reads a Spider-format bench file. Errors name the file and what is wrong:
//  NotFound         "bench file dev.json does not exist"
//  InvalidArgument  "dev.json: not valid JSON: ... at line 3, column 5 ..." /
//                   "dev.json: expected a JSON array of questions, found an object" /
//                   "dev.json: question 12 (0-based): field 'query' is missing or not a string"
//                   "dev.json: question 12 (0-based): field 'db_id' is empty"
Result<std::vector<BenchQuestion>> LoadBench(const std::filesystem::path& path);

// The db_ids of a Spider tables.json (a JSON array of objects with a string "db_id"). Same
// error style as LoadBench.
Result<std::set<std::string>> LoadTablesDbIds(const std::filesystem::path& path);

}  // namespace da
