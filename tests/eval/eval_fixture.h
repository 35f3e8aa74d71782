// Small Spider-layout benches for the eval tests: real SQLite databases at
// <root>/database/<db_id>/<db_id>.sqlite and a bench JSON file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/sqlite.h"
#include "test_util.h"

namespace da::testing {

// Creates <db_dir>/<db_id>/<db_id>.sqlite by running `sql`.
inline void MakeSpiderDatabase(const std::filesystem::path& db_dir, const std::string& db_id, const std::string& sql) {
  std::filesystem::create_directories(db_dir / db_id);
  auto db = OpenSqlite(db_dir / db_id / (db_id + ".sqlite"), OpenMode::kReadWriteCreate);
  if (!db.ok()) throw std::runtime_error(db.status().ToString());
  Status st = ExecSql(db->get(), sql);
  if (!st.ok()) throw std::runtime_error(st.ToString());
}

// A concert database with singers (name, country, age) and concerts.
inline void MakeConcertDatabase(const std::filesystem::path& db_dir) {
  MakeSpiderDatabase(db_dir, "concert", R"(
    CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
    INSERT INTO singer VALUES (1, 'Joe', 'France', 52), (2, 'Ann', 'Netherlands', 41),
                              (3, 'Tim', 'France', 29), (4, 'Liz', 'United States', 35);
    CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, singer_id INTEGER REFERENCES singer(singer_id),
                          year INTEGER);
    INSERT INTO concert VALUES (1, 1, 2014), (2, 1, 2015), (3, 3, 2015);
  )");
}

struct SpiderQuestion {
  std::string db_id, question, query;
};

inline void WriteBench(const std::filesystem::path& path, const std::vector<SpiderQuestion>& questions) {
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& q : questions) doc.push_back({{"db_id", q.db_id}, {"question", q.question}, {"query", q.query}});
  WriteFile(path, doc.dump(2));
}

}  // namespace da::testing
