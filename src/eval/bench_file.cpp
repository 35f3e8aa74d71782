#include "eval/bench_file.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace da {

namespace {

const char* JsonTypeName(const nlohmann::json& j) { return j.type_name(); }

// Parses `path` as JSON and checks it is an array; `what` names the file in messages.
Result<nlohmann::json> ReadJsonArray(const std::filesystem::path& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(what + " " + path.string() + " does not exist");
  if (std::filesystem::is_directory(path, ec))
    return Status::InvalidArgument(what + " " + path.string() + " is a directory, not a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + what + " " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string message = e.what();
    const size_t at = message.find("parse error");
    if (at != std::string::npos) message = message.substr(at);
    return Status::InvalidArgument(path.string() + ": not valid JSON: " + message);
  }
  if (!doc.is_array()) {
    return Status::InvalidArgument(path.string() + ": expected a JSON array of " +
                                   (what == "bench file" ? "questions" : "databases") + ", found " +
                                   (doc.is_object() ? "an object" : std::string("a ") + JsonTypeName(doc)));
  }
  return doc;
}

// The non-empty string field `name` of item `index`, or an error naming both.
Result<std::string> StringField(const std::filesystem::path& path, const char* item_kind, size_t index,
                                const nlohmann::json& item, const char* name) {
  const std::string where = path.string() + ": " + item_kind + " " + std::to_string(index) + " (0-based): ";
  if (!item.is_object())
    return Status::InvalidArgument(where + "expected an object, found " + std::string(JsonTypeName(item)));
  auto it = item.find(name);
  if (it == item.end() || !it->is_string())
    return Status::InvalidArgument(where + "field '" + name + "' is missing or not a string");
  std::string value = it->get<std::string>();
  if (value.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::InvalidArgument(where + "field '" + name + "' is empty");
  return value;
}

}  // namespace

Result<std::vector<BenchQuestion>> LoadBench(const std::filesystem::path& path) {
  DA_ASSIGN_OR_RETURN(nlohmann::json doc, ReadJsonArray(path, "bench file"));
  std::vector<BenchQuestion> questions;
  questions.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    BenchQuestion q;
    DA_ASSIGN_OR_RETURN(q.db_id, StringField(path, "question", i, doc[i], "db_id"));
    DA_ASSIGN_OR_RETURN(q.question, StringField(path, "question", i, doc[i], "question"));
    DA_ASSIGN_OR_RETURN(q.gold_sql, StringField(path, "question", i, doc[i], "query"));
    questions.push_back(std::move(q));
  }
  return questions;
}

Result<std::set<std::string>> LoadTablesDbIds(const std::filesystem::path& path) {
  DA_ASSIGN_OR_RETURN(nlohmann::json doc, ReadJsonArray(path, "tables file"));
  std::set<std::string> ids;
  for (size_t i = 0; i < doc.size(); ++i) {
    DA_ASSIGN_OR_RETURN(std::string id, StringField(path, "database", i, doc[i], "db_id"));
    ids.insert(std::move(id));
  }
  return ids;
}

}  // namespace da
