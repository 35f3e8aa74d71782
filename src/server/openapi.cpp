#include "server/openapi.h"

#include <map>
#include <string>

#include "server/server.h"

namespace da::server {

namespace {

using json = nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}}; }
json Num() { return {{"type", "number"}}; }
json Bool() { return {{"type", "boolean"}}; }
json Arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Obj(json properties, std::vector<std::string> required = {}) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = required;
  return o;
}

json Schemas() {
  json s;
  s["Error"] = Obj({{"error", Obj({{"code", Str()}, {"message", Str()}}, {"code", "message"})}}, {"error"});
  s["Health"] = Obj({{"status", Str()}, {"version", Str()}, {"uptime_s", Num()}}, {"status", "version", "uptime_s"});
  s["Key"] = Obj({{"name", Str()}, {"admin", Bool()}, {"datasets", {{"type", "array"}, {"items", Str()}, {"nullable", true}}},
                  {"rate_limit_per_minute", {{"type", "integer"}, {"nullable", true}}}, {"created_at", Str()},
                  {"last_used_at", Str()}, {"revoked", Bool()}},
                 {"name", "admin", "datasets", "revoked"});
  s["KeyList"] = Obj({{"keys", Arr(Ref("Key"))}}, {"keys"});
  s["NewKey"] = Obj({{"name", Str()}, {"admin", Bool()}, {"datasets", Arr(Str())}, {"rate_limit_per_minute", Int()}},
                    {"name"});
  s["CreatedKey"] = Obj({{"key", Ref("Key")}, {"secret", Str()}}, {"key", "secret"});
  s["Revoked"] = Obj({{"revoked", Str()}}, {"revoked"});
  s["Settings"] = Obj({{"version", Str()}, {"auth", Bool()}, {"key", json::object()}, {"providers", json::object()},
                       {"memory", json::object()}, {"engine_threshold", Num()}, {"privacy_mode", Bool()},
                       {"limits", json::object()}},
                      {"version", "auth", "key", "providers", "memory", "limits"});
  s["Dataset"] = Obj({{"name", Str()}, {"kind", Str()}, {"version", Int()}, {"created_at", Str()}, {"tables", Int()},
                      {"rows", Int()}},
                     {"name", "kind", "version"});
  s["DatasetList"] = Obj({{"datasets", Arr(Ref("Dataset"))}}, {"datasets"});
  s["Upload"] = Obj({{"file", {{"type", "string"}, {"format", "binary"}}}, {"name", Str()},
                     {"metadata", Arr({{"type", "string"}, {"format", "binary"}})}},
                    {"file"});
  s["Job"] = Obj({{"id", Str()}, {"dataset", Str()}, {"state", {{"type", "string"}, {"enum", {"running", "done", "failed"}}}},
                  {"progress", Obj({{"done", Int()}, {"total", Int()}, {"fraction", Num()}})},
                  {"report", json::object()}, {"error", json::object()}},
                 {"id", "dataset", "state", "progress"});
  s["JobAccepted"] = Obj({{"job", Ref("Job")}}, {"job"});
  s["ConnectRequest"] = Obj({{"name", Str()}, {"kind", {{"type", "string"}, {"enum", {"postgres", "redshift"}}}},
                             {"url", Str()}, {"schema", Str()}, {"password_env", Str()}, {"password_file", Str()}},
                            {"name", "url"});
  s["Connected"] = Obj({{"dataset", json::object()}, {"tables", Int()}, {"views", Int()}, {"warnings", Arr(Str())},
                        {"elapsed_ms", Num()}},
                       {"dataset", "tables", "views", "warnings"});
  s["Deleted"] = Obj({{"deleted", Str()}}, {"deleted"});
  s["Catalog"] = Obj({{"dataset", Str()}, {"tables", Arr(json::object())}, {"metrics", Arr(json::object())}},
                     {"dataset", "tables"});
  s["Entry"] = Obj({{"id", Int()}, {"question", Str()}, {"sql", Str()}, {"notes", Str()}, {"status", Str()},
                    {"source", Str()}, {"hits", Int()}, {"created_at", Str()}, {"updated_at", Str()}},
                   {"id", "question", "sql", "status"});
  s["ExampleList"] = Obj({{"examples", Arr(Ref("Entry"))}}, {"examples"});
  s["AskRequest"] = Obj({{"dataset", Str()}, {"question", Str()}, {"conversation", Str()}, {"max_rows", Int()}},
                        {"dataset", "question"});
  s["Answer"] = Obj({{"question", Str()}, {"dataset", Str()}, {"intent", Str()}, {"answered", Bool()}, {"sql", Str()},
                     {"columns", Arr(Str())}, {"rows", Arr(Arr(json::object()))}, {"row_count", Int()},
                     {"truncated", Bool()}, {"chart", json::object()}, {"explanation", Str()}, {"restatement", Str()},
                     {"source", Str()}, {"confidence", Num()}, {"answer_id", Int()}, {"cache", json::object()},
                     {"timings", json::object()}, {"usage", json::object()}, {"message", Str()},
                     {"doubts", Arr(Str())}, {"alternatives", Arr(Str())}, {"unknown_terms", Arr(Str())},
                     {"suggestions", Arr(Str())}, {"warnings", Arr(Str())}, {"error", json::object()},
                     {"conversation", Str()}, {"resolved_question", Str()}, {"follow_up", json::object()}},
                    {"question", "dataset", "intent", "answered", "sql", "chart", "explanation", "restatement",
                     "source", "cache", "timings", "message"});
  s["SqlRequest"] = Obj({{"dataset", Str()}, {"sql", Str()}, {"max_rows", Int()}}, {"dataset", "sql"});
  s["SqlResult"] = Obj({{"columns", Arr(Str())}, {"rows", Arr(Arr(json::object()))}, {"row_count", Int()},
                        {"truncated", Bool()}, {"elapsed_ms", Num()}, {"chart", json::object()}},
                       {"columns", "rows", "row_count", "truncated", "chart"});
  s["FeedbackRequest"] = Obj({{"dataset", Str()}, {"answer_id", Int()},
                              {"verdict", {{"type", "string"}, {"enum", {"approve", "reject"}}}},
                              {"question", Str()}, {"sql", Str()}, {"notes", Str()}},
                             {"dataset", "verdict"});
  s["FeedbackResult"] = Obj({{"dataset", Str()}, {"entry", Ref("Entry")}}, {"dataset", "entry"});
  s["HistoryItem"] = Obj({{"id", Int()}, {"dataset", Str()}, {"question", Str()}, {"answered", Bool()}, {"sql", Str()},
                          {"restatement", Str()}, {"source", Str()}, {"answer_id", Int()}, {"row_count", Int()},
                          {"message", Str()}, {"created_at", Str()}},
                         {"id", "dataset", "question", "answered", "created_at"});
  s["History"] = Obj({{"items", Arr(Ref("HistoryItem"))}}, {"items"});
  return s;
}

// What each route takes and gives: request schema (or "" for none), response status and schema.
struct Shape {
  std::string request;  // a schema name; "Upload" is multipart
  int status = 200;
  std::string response;  // a schema name; "text" for text/plain, "events" for a stream
};

const std::map<std::string, Shape>& Shapes() {
  static const std::map<std::string, Shape> shapes = {
      {"GET /api/v1/health", {"", 200, "Health"}},
      {"GET /api/v1/openapi.json", {"", 200, "object"}},
      {"GET /api/v1/settings", {"", 200, "Settings"}},
      {"GET /api/v1/metrics", {"", 200, "text"}},
      {"GET /api/v1/keys", {"", 200, "KeyList"}},
      {"POST /api/v1/keys", {"NewKey", 201, "CreatedKey"}},
      {"DELETE /api/v1/keys/{name}", {"", 200, "Revoked"}},
      {"GET /api/v1/datasets", {"", 200, "DatasetList"}},
      {"POST /api/v1/datasets", {"Upload", 202, "JobAccepted"}},
      {"DELETE /api/v1/datasets/{name}", {"", 200, "Deleted"}},
      {"POST /api/v1/connections", {"ConnectRequest", 201, "Connected"}},
      {"POST /api/v1/datasets/{name}/refresh", {"", 200, "Connected"}},
      {"GET /api/v1/datasets/{name}/schema", {"", 200, "Catalog"}},
      {"GET /api/v1/datasets/{name}/examples", {"", 200, "ExampleList"}},
      {"GET /api/v1/jobs/{id}", {"", 200, "Job"}},
      {"GET /api/v1/jobs/{id}/events", {"", 200, "events"}},
      {"POST /api/v1/ask", {"AskRequest", 200, "Answer"}},
      {"POST /api/v1/sql", {"SqlRequest", 200, "SqlResult"}},
      {"POST /api/v1/feedback", {"FeedbackRequest", 200, "FeedbackResult"}},
      {"GET /api/v1/history", {"", 200, "History"}},
  };
  return shapes;
}

json Operation(const RouteInfo& route) {
  json op = {{"summary", route.summary}, {"operationId", route.method + " " + route.path}};
  const auto it = Shapes().find(route.method + " " + route.path);
  const Shape shape = it == Shapes().end() ? Shape{"", 200, "object"} : it->second;
  json params = json::array();
  for (size_t pos = route.path.find('{'); pos != std::string::npos; pos = route.path.find('{', pos + 1)) {
    const std::string name = route.path.substr(pos + 1, route.path.find('}', pos) - pos - 1);
    params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", Str()}});
  }
  if (route.path == "/api/v1/history") {
    params.push_back({{"name", "dataset"}, {"in", "query"}, {"schema", Str()}});
    params.push_back({{"name", "limit"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (!shape.request.empty()) {
    const std::string type = shape.request == "Upload" ? "multipart/form-data" : "application/json";
    op["requestBody"] = {{"required", true}, {"content", {{type, {{"schema", Ref(shape.request)}}}}}};
  }
  json ok;
  if (shape.response == "text") {
    ok = {{"description", "Prometheus text exposition"}, {"content", {{"text/plain", {{"schema", Str()}}}}}};
  } else if (shape.response == "events") {
    ok = {{"description", "server-sent events"}, {"content", {{"text/event-stream", {{"schema", Str()}}}}}};
  } else if (shape.response == "object") {
    ok = {{"description", "OK"}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
  } else {
    ok = {{"description", "OK"}, {"content", {{"application/json", {{"schema", Ref(shape.response)}}}}}};
    if (route.path == "/api/v1/ask") {
      ok["content"]["text/event-stream"] = {{"schema", Str()}};
      ok["description"] = "The answer; with Accept: text/event-stream, its stages as server-sent events";
    }
  }
  const json error = {{"description", "Error"}, {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
  op["responses"] = {{std::to_string(shape.status), ok}, {"default", error}};
  if (route.access == "public") op["security"] = json::array();
  if (route.access == "admin") op["description"] = "Needs an admin key.";
  return op;
}

}  // namespace

nlohmann::json OpenApiDocument() {
  json paths = json::object();
  for (const RouteInfo& route : Server::Routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[route.path][method] = Operation(route);
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "DataAnalyst API"}, {"version", "1"},
                    {"description", "Ask questions of your data in plain English. See docs/api.md."}}},
          {"paths", paths},
          {"components",
           {{"schemas", Schemas()},
            {"securitySchemes", {{"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Api-Key"}}},
                                 {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", json::array({{{"apiKey", json::array()}}, {{"bearer", json::array()}}})}};
}

}  // namespace da::server
