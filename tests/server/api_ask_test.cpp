// Questions, SQL, cancellation, logs and metrics against the real server on demo/retail.zip.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "server/server_harness.h"

namespace da::testing {
namespace {

using nlohmann::json;

// A query that never ends on its own: only the time limit or an interrupt stops it.
constexpr const char* kEndlessSql =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

// A SQLite dataset whose view `ticks` never ends: "what is the total tick?" is answered by the
// engine with SELECT sum(tick) FROM ticks, which only a time limit or an interrupt stops.
void IngestClock(const std::filesystem::path& data_dir) {
  const auto path = data_dir.parent_path() / (data_dir.filename().string() + "-clock.sqlite");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* sql =
      "CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO labels VALUES (1, 'x');"
      "CREATE VIEW ticks AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n AS tick FROM c;";
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  IngestWithCli(data_dir, path, "clock");
}
constexpr const char* kEndlessQuestion = "what is the total tick?";

class ApiAskTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    IngestWithCli(data_->path(), RetailZip(), "retail");
    IngestClock(data_->path());
    admin_ = CreateKeyWithCli(data_->path(), "root", {"--admin"});
    user_ = CreateKeyWithCli(data_->path(), "alice");
    server_ = ServerProcess::Start(data_->path(), {"--rate-limit", "0"}).release();
  }

  static Reply Ask(const std::string& question, json extra = json::object()) {
    extra["dataset"] = "retail";
    extra["question"] = question;
    return server_->PostJson("/api/v1/ask", extra, user_);
  }
  static Reply Sql(const std::string& sql, json extra = json::object()) {
    extra["dataset"] = "retail";
    extra["sql"] = sql;
    return server_->PostJson("/api/v1/sql", extra, user_);
  }
  static int64_t Count(const std::string& sql) {
    Reply r = Sql(sql);
    EXPECT_EQ(r.status, 200) << sql << ": " << r.body;
    return r.json["rows"][0][0].get<int64_t>();
  }

  static std::string admin_, user_;
};
std::string ApiAskTest::admin_, ApiAskTest::user_;

// --- ask

TEST_F(ApiAskTest, AnswerHasTheFieldsOfAskJson) {
  Reply r = Ask("how many customers are there in each country?");
  ASSERT_EQ(r.status, 200) << r.body;
  const json& a = r.json;
  EXPECT_EQ(a["question"], "how many customers are there in each country?");
  EXPECT_EQ(a["dataset"], "retail");
  EXPECT_EQ(a["intent"], "data_question");
  EXPECT_EQ(a["answered"], true);
  EXPECT_EQ(a["source"], "engine");
  EXPECT_NE(a["sql"].get<std::string>().find("GROUP BY"), std::string::npos) << a["sql"];
  EXPECT_EQ(a["columns"].size(), 2u);
  EXPECT_EQ(a["rows"].size(), a["row_count"].get<size_t>());
  EXPECT_EQ(a["truncated"], false);
  EXPECT_TRUE(a["chart"].is_object()) << a["chart"];
  EXPECT_FALSE(a["explanation"].get<std::string>().empty());
  EXPECT_FALSE(a["restatement"].get<std::string>().empty());
  EXPECT_GT(a["confidence"].get<double>(), 0.5);
  EXPECT_GT(a["answer_id"].get<int64_t>(), 0);
  EXPECT_EQ(a["cache"]["hit"], false);
  EXPECT_TRUE(a["timings"].contains("total_ms")) << a["timings"];
  // The rows are the data's: the same count through /sql.
  int64_t total = 0;
  for (const auto& row : a["rows"]) total += row[1].get<int64_t>();
  EXPECT_EQ(total, Count("SELECT count(*) FROM customers"));
}

TEST_F(ApiAskTest, MaxRowsTruncatesTheAnswer) {
  Reply r = Ask("how many orders are there per customer?", {{"max_rows", 3}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["answered"], true) << r.body;
  EXPECT_EQ(r.json["rows"].size(), 3u);
  EXPECT_EQ(r.json["truncated"], true);
}

TEST_F(ApiAskTest, StreamedAnswerSendsEachStageThenDone) {
  Reply r = server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", "how many products per category?"}},
                              user_, {{"Accept", "text/event-stream"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type").rfind("text/event-stream", 0), 0u);
  const auto events = ParseSse(r.body);
  ASSERT_EQ(EventNames(events), (std::vector<std::string>{"intent", "sql", "rows", "chart", "explanation", "done"}))
      << r.body;
  EXPECT_EQ(events[0].data["intent"], "data_question");
  const json& done = events.back().data;
  EXPECT_EQ(done["answered"], true);
  EXPECT_EQ(done["source"], "engine");
  EXPECT_EQ(events[1].data["sql"], done["sql"]);
  EXPECT_EQ(events[1].data["source"], "engine");
  EXPECT_EQ(events[2].data["rows"], done["rows"]);
  EXPECT_EQ(events[2].data["row_count"], done["row_count"]);
  EXPECT_EQ(events[3].data["chart"], done["chart"]);
  EXPECT_EQ(events[4].data["explanation"], done["explanation"]);
}

TEST_F(ApiAskTest, GreetingStreamsIntentThenDone) {
  Reply r = server_->PostJson("/api/v1/ask", {{"dataset", "retail"}, {"question", "hello"}}, user_,
                              {{"Accept", "text/event-stream"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(EventNames(ParseSse(r.body)), (std::vector<std::string>{"intent", "done"})) << r.body;
}

TEST_F(ApiAskTest, SecondIdenticalQuestionComesFromTheCache) {
  const std::string question = "how many orders per channel?";
  Reply first = Ask(question);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json["source"], "engine") << first.body;
  Reply second = Ask(question);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["source"], "cache") << second.body;
  EXPECT_EQ(second.json["cache"]["hit"], true);
  EXPECT_EQ(second.json["rows"], first.json["rows"]);
  EXPECT_EQ(second.json["sql"], first.json["sql"]);
}

TEST_F(ApiAskTest, ApprovedAnswerIsListedAsAnExample) {
  const std::string question = "what is the average price of products?";
  Reply ask = Ask(question);
  ASSERT_EQ(ask.status, 200) << ask.body;
  ASSERT_EQ(ask.json["answered"], true) << ask.body;
  Reply approve = server_->PostJson(
      "/api/v1/feedback", {{"dataset", "retail"}, {"answer_id", ask.json["answer_id"]}, {"verdict", "approve"}}, user_);
  ASSERT_EQ(approve.status, 200) << approve.body;
  EXPECT_EQ(approve.json["entry"]["status"], "approved");
  Reply examples = server_->Get("/api/v1/datasets/retail/examples", user_);
  ASSERT_EQ(examples.status, 200) << examples.body;
  bool listed = false;
  for (const auto& e : examples.json["examples"]) {
    if (e["question"] == question) {
      listed = true;
      EXPECT_EQ(e["sql"], ask.json["sql"]);
    }
  }
  EXPECT_TRUE(listed) << examples.body;
  Reply missing = server_->PostJson("/api/v1/feedback",
                                    {{"dataset", "retail"}, {"answer_id", 987654321}, {"verdict", "approve"}}, user_);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.ErrorCode(), "not_found");
}

TEST_F(ApiAskTest, FeedbackMayCorrectTheSqlButNotWithAWrite) {
  Reply ask = Ask("how many customers per country?");
  ASSERT_EQ(ask.json.value("answered", false), true) << ask.body;
  auto feedback = [&](const std::string& sql) {
    return server_->PostJson(
        "/api/v1/feedback",
        {{"dataset", "retail"}, {"answer_id", ask.json["answer_id"]}, {"verdict", "approve"}, {"sql", sql}}, user_);
  };
  ExpectApiError(feedback("DELETE FROM customers"), 403, "sql_refused", "a write as the correction");
  const std::string corrected = "SELECT country, count(*) AS customers FROM customers GROUP BY country";
  Reply ok = feedback(corrected);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["entry"]["sql"], corrected);
  EXPECT_EQ(ok.json["entry"]["status"], "approved");
  ExpectApiError(server_->PostJson("/api/v1/feedback", {{"dataset", "retail"}, {"verdict", "approve"}}, user_), 400,
                 "bad_request", "feedback naming no answer");
}

TEST_F(ApiAskTest, RejectedAnswerIsNotGivenAgain) {
  const std::string question = "how many customers per segment?";
  Reply first = Ask(question);
  ASSERT_EQ(first.json.value("answered", false), true) << first.body;
  Reply reject =
      server_->PostJson("/api/v1/feedback",
                        {{"dataset", "retail"}, {"answer_id", first.json["answer_id"]}, {"verdict", "reject"}}, user_);
  ASSERT_EQ(reject.status, 200) << reject.body;
  EXPECT_EQ(reject.json["entry"]["status"], "rejected");
  Reply again = Ask(question);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(again.json["source"], "cache") << again.body;
  EXPECT_EQ(again.json["cache"]["hit"], false) << again.body;
}

// A conversation that cannot be read: the JSON answer is an error, the stream's only event is
// `error`.
TEST_F(ApiAskTest, UnreadableConversationIsAnErrorEvent) {
  ASSERT_EQ(Ask("how many orders?", {{"conversation", "broken"}}).status, 200);
  int corrupted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_->path() / "conversations")) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 12 && name.compare(name.size() - 12, 12, "-broken.json") == 0) {
      WriteFile(entry.path(), "{not json");
      ++corrupted;
    }
  }
  ASSERT_EQ(corrupted, 1);
  Reply streamed = server_->PostJson("/api/v1/ask",
                                     {{"dataset", "retail"}, {"question", "and in 2023?"}, {"conversation", "broken"}},
                                     user_, {{"Accept", "text/event-stream"}});
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  const auto events = ParseSse(streamed.body);
  ASSERT_EQ(EventNames(events), std::vector<std::string>{"error"}) << streamed.body;
  EXPECT_TRUE(events[0].data["error"]["code"].is_string()) << streamed.body;
  EXPECT_TRUE(events[0].data["error"]["message"].is_string()) << streamed.body;
  Reply plain = Ask("and in 2023?", {{"conversation", "broken"}});
  EXPECT_GE(plain.status, 400) << plain.body;
  EXPECT_FALSE(plain.ErrorCode().empty()) << plain.body;
}

TEST_F(ApiAskTest, FollowUpIsReadInItsConversation) {
  Reply first = Ask("how many orders were placed in 2024?", {{"conversation", "chat-1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json["answered"], true) << first.body;
  EXPECT_EQ(first.json["conversation"], "chat-1");
  Reply second = Ask("and in 2023?", {{"conversation", "chat-1"}});
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(second.json["answered"], true) << second.body;
  EXPECT_EQ(second.json["conversation"], "chat-1");
  EXPECT_EQ(second.json["question"], "and in 2023?");
  EXPECT_EQ(second.json["follow_up"]["kind"], "resolved") << second.body;
  EXPECT_NE(second.json["resolved_question"].get<std::string>().find("2023"), std::string::npos) << second.body;
  const std::string sql = second.json["sql"];
  EXPECT_NE(sql.find("2023"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("2024"), std::string::npos) << sql;
  EXPECT_EQ(second.json["rows"][0][0], Count("SELECT count(*) FROM orders WHERE order_date LIKE '2023%'"));
  EXPECT_EQ(first.json["rows"][0][0], Count("SELECT count(*) FROM orders WHERE order_date LIKE '2024%'"));
  // Without the conversation the follow-up means nothing.
  Reply alone = Ask("and in 2023?");
  ASSERT_EQ(alone.status, 200) << alone.body;
  EXPECT_FALSE(alone.json.contains("conversation"));
  // An id outside [A-Za-z0-9_.-]{1,48} is refused.
  Reply bad = Ask("how many orders?", {{"conversation", "../etc"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.ErrorCode(), "bad_request");
}

TEST_F(ApiAskTest, UnanswerableQuestionSaysWhatItDidNotUnderstand) {
  Reply r = Ask("average flurbiness of customers");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["answered"], false) << r.body;
  EXPECT_FALSE(r.json["message"].get<std::string>().empty());
  ASSERT_TRUE(r.json["unknown_terms"].is_array()) << r.body;
  EXPECT_NE(r.json["unknown_terms"].dump().find("flurbiness"), std::string::npos) << r.body;
}

TEST_F(ApiAskTest, UnknownDatasetIs404) {
  Reply r = server_->PostJson("/api/v1/ask", {{"dataset", "nope"}, {"question", "how many?"}}, user_);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.ErrorCode(), "not_found");
}

// Many clients at once: every answer arrives, from the engine or the cache, and the SQL route
// keeps answering beside them.
TEST_F(ApiAskTest, ConcurrentClientsAreAllAnswered) {
  const std::vector<std::string> questions = {"how many orders per channel?", "how many products per category?",
                                              "how many customers per segment?", "how many orders per status?"};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 10; ++i) {
        Reply r = (i % 5 == 4) ? Sql("SELECT count(*) FROM orders") : Ask(questions[(c + i) % questions.size()]);
        (r.status == 200 && !r.json.contains("error") ? ok : failed)++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(failed.load(), 0);
}

// --- sql

TEST_F(ApiAskTest, SqlSelectIsCappedAtMaxRows) {
  Reply r = Sql("SELECT customer_id FROM customers ORDER BY customer_id", {{"max_rows", 5}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["rows"].size(), 5u);
  EXPECT_EQ(r.json["truncated"], true);
  EXPECT_TRUE(r.json.contains("elapsed_ms"));
  EXPECT_TRUE(r.json.contains("chart"));
}

TEST_F(ApiAskTest, SqlWritesAreRefusedAndChangeNothing) {
  const int64_t before = Count("SELECT count(*) FROM customers");
  for (const char* sql : {"DELETE FROM customers", "DROP TABLE customers", "UPDATE customers SET country = 'x'",
                          "SELECT 1; DELETE FROM customers", "ATTACH DATABASE '/tmp/x.db' AS x"}) {
    Reply r = Sql(sql);
    EXPECT_EQ(r.status, 403) << sql << ": " << r.body;
    EXPECT_EQ(r.ErrorCode(), "sql_refused") << sql << ": " << r.body;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), before);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE country = 'x'"), 0);
}

TEST_F(ApiAskTest, SqlSyntaxErrorIs400SqlError) {
  Reply r = Sql("SELEC country FROM customers");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.ErrorCode(), "sql_error");
  Reply column = Sql("SELECT no_such_column FROM customers");
  EXPECT_EQ(column.status, 400) << column.body;
  EXPECT_EQ(column.ErrorCode(), "sql_error");
  EXPECT_NE(column.ErrorMessage().find("no_such_column"), std::string::npos) << column.body;
}

// The client hangs up 300 ms into an endless query: the query is interrupted long before the
// 30 s time limit (the request's log line appears, with 499), and the server keeps serving.
TEST_F(ApiAskTest, QueryStopsWhenItsClientGoesAway) {
  const std::string key = CreateKeyWithCli(data_->path(), "leaver");
  const std::string body = json({{"dataset", "retail"}, {"sql", kEndlessSql}}).dump();
  {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send("POST /api/v1/sql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + key +
                       "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\n\r\n" + body));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the query is running
  }                                                               // closed
  const json line = server_->WaitForLogLine(
      [](const json& l) { return l.value("event", "") == "request" && l.value("key", "") == "leaver"; },
      std::chrono::seconds(10));
  ASSERT_FALSE(line.is_null()) << "the query was not stopped: " << server_->Stderr();
  EXPECT_EQ(line["route"], "/api/v1/sql");
  EXPECT_EQ(line["status"], 499) << line;
  EXPECT_LT(line["ms"].get<double>(), 10000) << line;
  EXPECT_EQ(server_->Get("/api/v1/health").status, 200);
  EXPECT_EQ(Count("SELECT count(*) FROM products") > 0, true);
}

// The same for a question whose answer's query never ends, asked for as a stream.
TEST_F(ApiAskTest, StreamedAskStopsWhenItsClientGoesAway) {
  const std::string key = CreateKeyWithCli(data_->path(), "leaver2");
  const std::string body = json({{"dataset", "clock"}, {"question", kEndlessQuestion}}).dump();
  {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.Send("POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + key +
                       "\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the query is running
  }
  const json line = server_->WaitForLogLine(
      [](const json& l) { return l.value("event", "") == "request" && l.value("key", "") == "leaver2"; },
      std::chrono::seconds(10));
  ASSERT_FALSE(line.is_null()) << "the query was not stopped: " << server_->Stderr();
  EXPECT_EQ(line["route"], "/api/v1/ask");
  EXPECT_LT(line["ms"].get<double>(), 10000) << line;  // interrupted: on its own it never ends
  EXPECT_EQ(server_->Get("/api/v1/health").status, 200);
}

// docs/api.md: 499 `cancelled` is logged when "the client went away and its query was
// interrupted", for a stream too (whose status line went out as 200 before the query ran).
TEST_F(ApiAskTest, StreamedAskWhoseClientWentAwayIsLogged499) {
  const std::string key = CreateKeyWithCli(data_->path(), "leaver3");
  const std::string body = json({{"dataset", "clock"}, {"question", kEndlessQuestion}}).dump();
  {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.Send("POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + key +
                       "\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  const json line = server_->WaitForLogLine(
      [](const json& l) { return l.value("event", "") == "request" && l.value("key", "") == "leaver3"; },
      std::chrono::seconds(10));
  ASSERT_FALSE(line.is_null()) << server_->Stderr();
  EXPECT_EQ(line["status"], 499) << line;
}

// --- logs

TEST_F(ApiAskTest, EachRequestIsLoggedWithItsIdKeyRouteAndStatus) {
  struct Expect {
    Reply reply;
    std::string key, route, method;
  };
  std::vector<Expect> requests;
  requests.push_back({server_->Get("/api/v1/health"), "", "/api/v1/health", "GET"});
  requests.push_back({server_->Get("/api/v1/settings", user_), "alice", "/api/v1/settings", "GET"});
  requests.push_back({Ask("how many customers are there?"), "alice", "/api/v1/ask", "POST"});
  requests.push_back(
      {server_->Get("/api/v1/datasets/nope/schema", user_), "alice", "/api/v1/datasets/{name}/schema", "GET"});
  requests.push_back({server_->Get("/api/v1/metrics", user_), "alice", "/api/v1/metrics", "GET"});
  requests.push_back({server_->Get("/api/v1/datasets", "da_wrong"), "", "/api/v1/datasets", "GET"});
  requests.push_back({server_->Get("/api/v1/nowhere", user_), "", "unmatched", "GET"});
  std::set<std::string> ids;
  for (const auto& e : requests) {
    const std::string id = e.reply.Header("X-Request-Id");
    ASSERT_FALSE(id.empty()) << e.route;
    ids.insert(id);
    const json line = server_->RequestLogLine(id);
    ASSERT_FALSE(line.is_null()) << "no log line for " << id << " (" << e.route << ")" << e.reply.status << " "
                                 << e.reply.body << "\n"
                                 << server_->Stderr();
    EXPECT_EQ(line["route"], e.route) << line;
    EXPECT_EQ(line["method"], e.method) << line;
    EXPECT_EQ(line["status"], e.reply.status) << line;
    EXPECT_EQ(line.value("key", ""), e.key) << line;
    EXPECT_TRUE(line.contains("ts") && line.contains("level") && line.contains("ms")) << line;
  }
  EXPECT_EQ(ids.size(), requests.size()) << "request ids repeat";
  // An answer's log line carries its stage timings.
  const json ask_line = server_->RequestLogLine(requests[2].reply.Header("X-Request-Id"));
  EXPECT_TRUE(ask_line.contains("stages") && ask_line["stages"].contains("total_ms")) << ask_line;
}

TEST_F(ApiAskTest, SecretsAndQuestionsStayOutOfLogsAndResponses) {
  const std::string question = "how many customers live in zanzibarville?";
  Reply row = Sql("SELECT email FROM customers ORDER BY customer_id LIMIT 1");
  ASSERT_EQ(row.status, 200) << row.body;
  const std::string email = row.json["rows"][0][0];
  std::vector<Reply> replies = {
      Ask(question),
      Ask("which customers have the email " + email + "?"),
      server_->Get("/api/v1/settings", user_),
      server_->Get("/api/v1/keys", admin_),
      server_->Get("/api/v1/metrics", user_),  // 403
      server_->Get("/api/v1/history", user_),
      server_->Get("/api/v1/datasets/nope/schema", user_),
      server_->PostJson("/api/v1/ask", {{"dataset", "retail"}}, user_),                    // 400
      server_->Get("/api/v1/settings", "", {{"Authorization", "Bearer " + user_ + "x"}}),  // 401
  };
  for (const auto& r : replies) {
    EXPECT_EQ(r.body.find(user_), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(admin_), std::string::npos) << r.body;
    for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find(user_), std::string::npos) << name;
  }
  // The last request's line is written after its response: wait for it, then read the log.
  ASSERT_FALSE(server_->RequestLogLine(replies.back().Header("X-Request-Id")).is_null());
  const std::string log = server_->Stderr();
  EXPECT_EQ(log.find(user_), std::string::npos);
  EXPECT_EQ(log.find(admin_), std::string::npos);
  EXPECT_EQ(log.find(user_.substr(3, 16)), std::string::npos);  // not even a part of it
  EXPECT_EQ(log.find("zanzibarville"), std::string::npos) << "the question was logged";
  EXPECT_EQ(log.find(email), std::string::npos) << "a row was logged";
}

// --- metrics

TEST_F(ApiAskTest, MetricsCountRequestsAnswersStagesAndCacheHits) {
  const std::string question = "how many customers per city?";  // asked by no other test
  ASSERT_EQ(Ask(question).json.value("source", ""), "engine");
  ASSERT_EQ(Ask(question).json.value("source", ""), "cache");
  Reply r = server_->Get("/api/v1/metrics", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string& m = r.body;
  EXPECT_TRUE(std::regex_search(
      m, std::regex(R"re(dataanalyst_requests_total\{route="/api/v1/ask",method="POST",status="200"\} [1-9])re")))
      << m;
  EXPECT_TRUE(std::regex_search(m, std::regex(R"re(dataanalyst_answers_total\{source="engine"\} [1-9])re"))) << m;
  EXPECT_TRUE(std::regex_search(m, std::regex(R"re(dataanalyst_answers_total\{source="cache"\} [1-9])re"))) << m;
  EXPECT_TRUE(std::regex_search(
      m, std::regex(R"re(dataanalyst_ask_stage_seconds_bucket\{stage="engine",le="[^"]+"\} [1-9])re")))
      << m;
  EXPECT_TRUE(std::regex_search(m, std::regex(R"re(dataanalyst_ask_stage_seconds_count\{stage="total"\} [1-9])re")))
      << m;
  EXPECT_TRUE(
      std::regex_search(m, std::regex(R"re(dataanalyst_request_duration_seconds_bucket\{route="/api/v1/ask")re")))
      << m;
  std::smatch ratio;
  ASSERT_TRUE(std::regex_search(m, ratio, std::regex(R"(\ndataanalyst_cache_hit_ratio ([0-9.eE+-]+)\n)"))) << m;
  EXPECT_GT(std::stod(ratio[1].str()), 0);
  EXPECT_LE(std::stod(ratio[1].str()), 1);
}

// A server whose queries may run 0.2 s: an endless query is stopped with 504.
TEST(ApiTimeoutTest, QueryPastTheTimeLimitIs504) {
  TempDir data;
  WriteFile(data.path() / "in" / "t.csv", "a,b\n1,2\n3,4\n");
  IngestWithCli(data.path(), data.path() / "in" / "t.csv", "t");
  IngestClock(data.path());
  const std::string key = CreateKeyWithCli(data.path(), "alice");
  auto server = ServerProcess::Start(data.path(), {"--timeout", "0.2"});
  ASSERT_NE(server, nullptr);
  Reply r = server->PostJson("/api/v1/sql", {{"dataset", "t"}, {"sql", kEndlessSql}}, key);
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(r.ErrorCode(), "timeout");
  Reply settings = server->Get("/api/v1/settings", key);
  EXPECT_DOUBLE_EQ(settings.json["limits"]["timeout_s"].get<double>(), 0.2);
  Reply fast = server->PostJson("/api/v1/sql", {{"dataset", "t"}, {"sql", "SELECT sum(a) FROM t"}}, key);
  ASSERT_EQ(fast.status, 200) << fast.body;
  EXPECT_EQ(fast.json["rows"][0][0], 4);

  // A question whose query times out: 504 as JSON; as a stream, `done` carries the error.
  const json ask = {{"dataset", "clock"}, {"question", kEndlessQuestion}};
  Reply answer = server->PostJson("/api/v1/ask", ask, key);
  ExpectApiError(answer, 504, "timeout", "ask");
  Reply streamed = server->PostJson("/api/v1/ask", ask, key, {{"Accept", "text/event-stream"}});
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  const auto events = ParseSse(streamed.body);
  ASSERT_FALSE(events.empty()) << streamed.body;
  EXPECT_EQ(events.back().event, "done") << streamed.body;
  EXPECT_EQ(events.back().data["error"]["code"], "timeout") << streamed.body;
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace da::testing
