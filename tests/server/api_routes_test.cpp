// Every route of docs/api.md on its happy path, against the real `dataanalyst serve` over HTTP,
// and the OpenAPI document checked against the server's route table and its real responses.
#include <gtest/gtest.h>

#include <set>

#include "server/server.h"
#include "server/server_harness.h"

namespace da::testing {
namespace {

using nlohmann::json;

constexpr const char* kQuestion = "how many customers are there in each country?";

class ApiRoutesTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    IngestWithCli(data_->path(), RetailZip(), "retail");
    admin_ = CreateKeyWithCli(data_->path(), "root", {"--admin"});
    user_ = CreateKeyWithCli(data_->path(), "alice");
    server_ = ServerProcess::Start(data_->path(), {"--rate-limit", "0"}).release();
  }

  static json OpenApi() {
    Reply r = server_->Get("/api/v1/openapi.json");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }

  static std::string admin_, user_;
};
std::string ApiRoutesTest::admin_, ApiRoutesTest::user_;

TEST_F(ApiRoutesTest, HealthNeedsNoKey) {
  Reply r = server_->Get("/api/v1/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "ok");
  EXPECT_TRUE(r.json["version"].is_string());
  EXPECT_GE(r.json["uptime_s"].get<double>(), 0);
  EXPECT_FALSE(r.Header("X-Request-Id").empty());
}

TEST_F(ApiRoutesTest, SettingsDescribeTheKeyAndLimitsWithoutSecrets) {
  Reply r = server_->Get("/api/v1/settings", user_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["auth"], true);
  EXPECT_EQ(r.json["key"], json::parse(R"({"name": "alice", "admin": false, "datasets": null})"));
  EXPECT_EQ(r.json["providers"]["sql"]["configured"], false);  // no config: the engine alone
  EXPECT_EQ(r.json["limits"]["max_rows"], 1000);
  EXPECT_DOUBLE_EQ(r.json["limits"]["timeout_s"].get<double>(), 30);
  EXPECT_EQ(r.json["limits"]["rate_limit_per_minute"], 0);
  EXPECT_EQ(r.body.find(user_), std::string::npos);
}

TEST_F(ApiRoutesTest, DatasetsListAndSchema) {
  Reply list = server_->Get("/api/v1/datasets", user_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["datasets"].size(), 1u) << list.body;
  const json& retail = list.json["datasets"][0];
  EXPECT_EQ(retail["name"], "retail");
  EXPECT_EQ(retail["version"], 1);
  EXPECT_EQ(retail["tables"], 4);
  EXPECT_GT(retail["rows"].get<int64_t>(), 1000);

  Reply schema = server_->Get("/api/v1/datasets/retail/schema", user_);
  ASSERT_EQ(schema.status, 200) << schema.body;
  EXPECT_EQ(schema.json["dataset"], "retail");
  std::set<std::string> tables;
  for (const auto& t : schema.json["tables"]) tables.insert(t["name"].get<std::string>());
  EXPECT_EQ(tables, (std::set<std::string>{"customers", "order_items", "orders", "products"}));
  EXPECT_FALSE(schema.json["tables"][0]["columns"].empty());

  Reply missing = server_->Get("/api/v1/datasets/nope/schema", user_);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.ErrorCode(), "not_found");
}

TEST_F(ApiRoutesTest, AskSqlFeedbackExamplesAndHistory) {
  Reply ask = server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", kQuestion}}, user_);
  ASSERT_EQ(ask.status, 200) << ask.body;
  ASSERT_EQ(ask.json["answered"], true) << ask.body;
  EXPECT_EQ(ask.json["dataset"], "retail");
  EXPECT_EQ(ask.json["question"], kQuestion);
  EXPECT_EQ(ask.json["source"], "engine");
  EXPECT_GT(ask.json["row_count"].get<int64_t>(), 1);
  const int64_t answer_id = ask.json["answer_id"].get<int64_t>();
  EXPECT_GT(answer_id, 0);

  Reply sql =
      server_->PostJson("/api/v1/sql", {{"dataset", "retail"}, {"sql", "SELECT count(*) AS n FROM customers"}}, user_);
  ASSERT_EQ(sql.status, 200) << sql.body;
  EXPECT_EQ(sql.json["columns"], json::array({"n"}));
  EXPECT_GT(sql.json["rows"][0][0].get<int64_t>(), 0);
  EXPECT_EQ(sql.json["truncated"], false);

  Reply feedback = server_->PostJson("/api/v1/feedback",
                                     {{"dataset", "retail"}, {"answer_id", answer_id}, {"verdict", "approve"}}, user_);
  ASSERT_EQ(feedback.status, 200) << feedback.body;
  EXPECT_EQ(feedback.json["entry"]["status"], "approved");
  EXPECT_EQ(feedback.json["entry"]["id"], answer_id);

  Reply examples = server_->Get("/api/v1/datasets/retail/examples", user_);
  ASSERT_EQ(examples.status, 200) << examples.body;
  ASSERT_EQ(examples.json["examples"].size(), 1u) << examples.body;
  EXPECT_EQ(examples.json["examples"][0]["question"], kQuestion);

  Reply history = server_->Get("/api/v1/history?dataset=retail&limit=5", user_);
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_FALSE(history.json["items"].empty());
  EXPECT_EQ(history.json["items"][0]["question"], kQuestion);
  EXPECT_EQ(history.json["items"][0]["answer_id"], answer_id);
}

TEST_F(ApiRoutesTest, HistoryIsNewestFirstWithinItsLimit) {
  const std::string key = CreateKeyWithCli(data_->path(), "historian");
  for (const char* q : {"how many orders per channel?", "how many products per category?"}) {
    ASSERT_EQ(server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", q}}, key).status, 200);
  }
  Reply two = server_->Get("/api/v1/history?limit=2", key);
  ASSERT_EQ(two.status, 200) << two.body;
  ASSERT_EQ(two.json["items"].size(), 2u) << two.body;
  EXPECT_EQ(two.json["items"][0]["question"], "how many products per category?");
  EXPECT_EQ(two.json["items"][1]["question"], "how many orders per channel?");
  EXPECT_EQ(server_->Get("/api/v1/history?limit=1", key).json["items"].size(), 1u);
  ExpectApiError(server_->Get("/api/v1/history?limit=501", key), 400, "bad_request", "limit over 500");
  ExpectApiError(server_->Get("/api/v1/history?limit=0", key), 400, "bad_request", "limit 0");
}

TEST_F(ApiRoutesTest, KeysAreCreatedListedAndRevokedByAnAdmin) {
  Reply made = server_->PostJson("/api/v1/keys", {{"name", "bob"}, {"datasets", {"retail"}}}, admin_);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string secret = made.json["secret"].get<std::string>();
  EXPECT_EQ(secret.rfind("da_", 0), 0u);
  EXPECT_EQ(made.json["key"]["name"], "bob");
  EXPECT_EQ(made.json["key"]["datasets"], json::array({"retail"}));
  EXPECT_EQ(server_->Get("/api/v1/settings", secret).status, 200);

  Reply again = server_->PostJson("/api/v1/keys", {{"name", "bob"}}, admin_);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.ErrorCode(), "conflict");

  Reply list = server_->Get("/api/v1/keys", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> names;
  for (const auto& k : list.json["keys"]) names.insert(k["name"].get<std::string>());
  EXPECT_TRUE(names.count("bob") && names.count("alice") && names.count("root")) << list.body;
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.body.find(user_), std::string::npos);

  Reply revoked = server_->Delete("/api/v1/keys/bob", admin_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json, json({{"revoked", "bob"}}));
  Reply refused = server_->Get("/api/v1/settings", secret);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.ErrorCode(), "unauthorized");
}

TEST_F(ApiRoutesTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  Reply none = server_->Get("/api/v1/nothing", admin_);
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(none.ErrorCode(), "not_found");

  Reply method = server_->Delete("/api/v1/health", admin_);
  EXPECT_EQ(method.status, 405) << method.body;
  EXPECT_EQ(method.ErrorCode(), "method_not_allowed");
  EXPECT_EQ(method.Header("Allow"), "GET");
  Reply with_param = server_->PostJson("/api/v1/datasets/retail/schema", json::object(), admin_);
  EXPECT_EQ(with_param.status, 405) << with_param.body;
  EXPECT_EQ(with_param.Header("Allow"), "GET");
  Reply two = server_->Delete("/api/v1/datasets", admin_);
  EXPECT_EQ(two.status, 405) << two.body;
  EXPECT_EQ(two.Header("Allow"), "GET, POST");
}

// Names that are not dataset names are refused or not found, never an internal error, and
// never reach a file outside the data directory.
TEST_F(ApiRoutesTest, OddDatasetNamesAreRefused) {
  for (const std::string name : {"..", "%2e%2e", "..%2F..%2Fetc", "a%20b", ".uploads", "retail%00", "R%C3%A9tail"}) {
    Reply r = server_->Get("/api/v1/datasets/" + name + "/schema", user_);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << name << ": " << r.status << " " << r.body;
    EXPECT_TRUE(r.ErrorCode() == "bad_request" || r.ErrorCode() == "not_found") << name << ": " << r.body;
  }
  Reply long_name =
      server_->PostJson("/api/v1/ask", {{"dataset", std::string(65, 'a')}, {"question", "how many?"}}, user_);
  EXPECT_EQ(long_name.status, 400) << long_name.body;
  Reply long_question =
      server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", std::string(2001, 'a')}}, user_);
  EXPECT_EQ(long_question.status, 400) << long_question.body;
  EXPECT_EQ(long_question.ErrorCode(), "bad_request");
}

TEST_F(ApiRoutesTest, KeyRequestsAreChecked) {
  ExpectApiError(server_->PostJson("/api/v1/keys", {{"name", "has space"}}, admin_), 400, "bad_request",
                 "name with a space");
  ExpectApiError(server_->PostJson("/api/v1/keys", {{"name", "k1"}, {"datasets", "retail"}}, admin_), 400,
                 "bad_request", "datasets as a string");
  ExpectApiError(server_->PostJson("/api/v1/keys", {{"name", "k2"}, {"rate_limit_per_minute", -1}}, admin_), 400,
                 "bad_request", "negative rate limit");
  ExpectApiError(server_->Delete("/api/v1/keys/nobody", admin_), 404, "not_found", "revoking an unknown key");
  // A revoked key is listed as revoked.
  ASSERT_EQ(server_->PostJson("/api/v1/keys", {{"name", "gone"}}, admin_).status, 201);
  ASSERT_EQ(server_->Delete("/api/v1/keys/gone", admin_).status, 200);
  for (const auto& k : server_->Get("/api/v1/keys", admin_).json["keys"]) {
    if (k["name"] == "gone") EXPECT_EQ(k["revoked"], true) << k;
  }
}

TEST_F(ApiRoutesTest, MetricsNeedAnAdminAndArePrometheusText) {
  Reply r = server_->Get("/api/v1/metrics", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type").rfind("text/plain", 0), 0u);
  EXPECT_NE(r.body.find("# TYPE dataanalyst_requests_total counter"), std::string::npos) << r.body;
  Reply forbidden = server_->Get("/api/v1/metrics", user_);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.ErrorCode(), "forbidden");
}

// --- the OpenAPI document

TEST_F(ApiRoutesTest, OpenApiListsExactlyTheServersRoutes) {
  const json doc = OpenApi();
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u);
  std::set<std::pair<std::string, std::string>> documented, served;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert({upper, path});
    }
  }
  for (const auto& route : server::Server::Routes()) served.insert({route.method, route.path});
  EXPECT_EQ(documented, served);
  EXPECT_EQ(served.size(), 20u);  // docs/api.md's routes
}

// Each documented path and method, with made-up ids, reaches a handler: whatever it answers, it
// is not the router's "no route" 404 or a 405.
TEST_F(ApiRoutesTest, EveryDocumentedRouteIsServed) {
  const json doc = OpenApi();
  int probed = 0;
  for (const auto& [pattern, methods] : doc["paths"].items()) {
    std::string path = pattern;
    for (size_t open; (open = path.find('{')) != std::string::npos;) {
      path.replace(open, path.find('}', open) - open + 1, "probe_missing");
    }
    for (const auto& [method, op] : methods.items()) {
      Reply r;
      if (method == "get") r = server_->Get(path, admin_);
      if (method == "delete") r = server_->Delete(path, admin_);
      if (method == "post") r = server_->PostJson(path, json::object(), admin_);
      ++probed;
      ASSERT_NE(r.status, 0) << method << " " << path;
      EXPECT_NE(r.status, 405) << method << " " << path << ": " << r.body;
      EXPECT_FALSE(r.status == 404 && r.ErrorMessage().rfind("no route", 0) == 0)
          << method << " " << path << ": " << r.body;
    }
  }
  EXPECT_EQ(probed, 20);
}

TEST_F(ApiRoutesTest, ResponsesHaveTheirSchemasRequiredProperties) {
  const json doc = OpenApi();
  auto check = [&](const char* method, const char* path, int status, const Reply& r) {
    ASSERT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    ExpectMatchesOpenApi(doc, method, path, status, r.json);
  };
  check("GET", "/api/v1/health", 200, server_->Get("/api/v1/health"));
  check("GET", "/api/v1/settings", 200, server_->Get("/api/v1/settings", user_));
  check("GET", "/api/v1/datasets", 200, server_->Get("/api/v1/datasets", user_));
  check("GET", "/api/v1/datasets/{name}/schema", 200, server_->Get("/api/v1/datasets/retail/schema", user_));
  const Reply ask =
      server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", "how many orders per channel?"}}, user_);
  check("POST", "/api/v1/ask", 200, ask);
  const Reply unanswered =
      server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", "average flurbiness of customers"}}, user_);
  check("POST", "/api/v1/ask", 200, unanswered);
  check(
      "POST", "/api/v1/sql", 200,
      server_->PostJson("/api/v1/sql",
                        {{"dataset", "retail"}, {"sql", "SELECT country, count(*) FROM customers GROUP BY 1"}}, user_));
  check("GET", "/api/v1/history", 200, server_->Get("/api/v1/history", user_));
  check("GET", "/api/v1/keys", 200, server_->Get("/api/v1/keys", admin_));
  check("POST", "/api/v1/keys", 201, server_->PostJson("/api/v1/keys", {{"name", "schema-check"}}, admin_));
  check("POST", "/api/v1/feedback", 200,
        server_->PostJson("/api/v1/feedback",
                          {{"dataset", "retail"}, {"answer_id", ask.json.value("answer_id", 0)}, {"verdict", "reject"}},
                          user_));
  check("GET", "/api/v1/datasets/{name}/examples", 200, server_->Get("/api/v1/datasets/retail/examples", user_));
  check("DELETE", "/api/v1/keys/{name}", 200, server_->Delete("/api/v1/keys/schema-check", admin_));
  // Errors have the Error schema.
  const Reply error = server_->Get("/api/v1/datasets/nope/schema", user_);
  EXPECT_EQ(error.status, 404);
  const json::json_pointer error_schema("/components/schemas/Error/required");
  for (const auto& name : doc[error_schema]) EXPECT_TRUE(error.json.contains(name.get<std::string>())) << error.body;
}

}  // namespace
}  // namespace da::testing
