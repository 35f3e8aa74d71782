// Keys, admin routes, dataset scopes, rate limits and --no-auth, against the real server.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "server/server_harness.h"

namespace da::testing {
namespace {

using nlohmann::json;

// Two small datasets, a and b, with the same shape so that one question fits both.
constexpr const char* kSales =
    "Store,Year,Month,Weekly_Sales\n1,2010,3,100.5\n1,2010,4,200\n1,2011,3,300\n1,2011,4,400\n"
    "2,2010,3,10\n2,2011,3,20.5\n2,2011,4,40\n3,2010,3,1000\n3,2011,4,3000\n";
constexpr const char* kQuestion = "What were total sales in 2010?";

class ApiAuthTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    WriteFile(data_->path() / "in" / "sales.csv", kSales);
    IngestWithCli(data_->path(), data_->path() / "in" / "sales.csv", "a");
    IngestWithCli(data_->path(), data_->path() / "in" / "sales.csv", "b");
    root_ = CreateKeyWithCli(data_->path(), "root", {"--admin"});
    alice_ = CreateKeyWithCli(data_->path(), "alice");
    scoped_a_ = CreateKeyWithCli(data_->path(), "scoped-a", {"--datasets", "a"});
    scoped_b_ = CreateKeyWithCli(data_->path(), "scoped-b", {"--datasets", "b"});
    admin_a_ = CreateKeyWithCli(data_->path(), "admin-a", {"--admin", "--datasets", "a"});
    limited_ = CreateKeyWithCli(data_->path(), "limited", {"--rate-limit", "3"});
    doomed_ = CreateKeyWithCli(data_->path(), "doomed");
    server_ = ServerProcess::Start(data_->path(), {"--rate-limit", "0"}).release();
  }

  static std::string root_, alice_, scoped_a_, scoped_b_, admin_a_, limited_, doomed_;
};
std::string ApiAuthTest::root_, ApiAuthTest::alice_, ApiAuthTest::scoped_a_, ApiAuthTest::scoped_b_,
    ApiAuthTest::admin_a_, ApiAuthTest::limited_, ApiAuthTest::doomed_;

TEST_F(ApiAuthTest, NoKeyIsUnauthorized) {
  ExpectApiError(server_->Get("/api/v1/datasets"), 401, "unauthorized", "GET /datasets");
  ExpectApiError(server_->PostJson("/api/v1/ask", {{"dataset", "a"}, {"question", kQuestion}}, ""), 401, "unauthorized",
                 "POST /ask");
  ExpectApiError(server_->Get("/api/v1/datasets", "", {{"Authorization", "Basic " + alice_}}), 401, "unauthorized",
                 "a key sent as Basic");
  EXPECT_EQ(server_->Get("/api/v1/health").status, 200);
  EXPECT_EQ(server_->Get("/api/v1/openapi.json").status, 200);
}

TEST_F(ApiAuthTest, UnknownKeyIsUnauthorized) {
  ExpectApiError(server_->Get("/api/v1/datasets", "da_not_a_key"), 401, "unauthorized", "made-up key");
  std::string near = alice_;
  near.back() = near.back() == 'a' ? 'b' : 'a';
  ExpectApiError(server_->Get("/api/v1/datasets", near), 401, "unauthorized", "key with its last character changed");
  ExpectApiError(server_->Get("/api/v1/datasets", "", {{"Authorization", "Bearer da_not_a_key"}}), 401, "unauthorized",
                 "made-up bearer");
}

TEST_F(ApiAuthTest, BearerKeyWorks) {
  Reply r = server_->Get("/api/v1/settings", "", {{"Authorization", "Bearer " + alice_}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["key"]["name"], "alice");
}

TEST_F(ApiAuthTest, KeyRevokedByTheCliIsRefusedAtItsNextRequest) {
  ASSERT_EQ(server_->Get("/api/v1/settings", doomed_).status, 200);
  RevokeKeyWithCli(data_->path(), "doomed");
  ExpectApiError(server_->Get("/api/v1/settings", doomed_), 401, "unauthorized", "revoked key");
  ExpectApiError(server_->Get("/api/v1/settings", "", {{"Authorization", "Bearer " + doomed_}}), 401, "unauthorized",
                 "revoked key as bearer");
}

TEST_F(ApiAuthTest, NonAdminKeyIsForbiddenOnAdminRoutes) {
  ExpectApiError(server_->Get("/api/v1/keys", alice_), 403, "forbidden", "GET /keys");
  ExpectApiError(server_->PostJson("/api/v1/keys", {{"name", "sneaky"}}, alice_), 403, "forbidden", "POST /keys");
  ExpectApiError(server_->Delete("/api/v1/keys/root", alice_), 403, "forbidden", "DELETE /keys/root");
  ExpectApiError(server_->Get("/api/v1/metrics", alice_), 403, "forbidden", "GET /metrics");
  ExpectApiError(server_->Upload({{"file", "x,y\n1,2\n", "c.csv", "text/csv"}}, alice_), 403, "forbidden",
                 "POST /datasets");
  ExpectApiError(server_->Delete("/api/v1/datasets/a", alice_), 403, "forbidden", "DELETE /datasets/a");
  ExpectApiError(server_->Get("/api/v1/jobs/j1", alice_), 403, "forbidden", "GET /jobs/j1");
  ExpectApiError(server_->Get("/api/v1/jobs/j1/events", alice_), 403, "forbidden", "GET /jobs/j1/events");
  // Nothing happened: the key was not made and the dataset is still there.
  EXPECT_EQ(server_->Get("/api/v1/datasets/a/schema", alice_).status, 200);
  Reply keys = server_->Get("/api/v1/keys", root_);
  EXPECT_EQ(keys.body.find("sneaky"), std::string::npos);
}

// A key for dataset a is answered about b exactly as about a dataset that does not exist.
TEST_F(ApiAuthTest, ScopedKeyCannotReachAnotherDataset) {
  Reply list = server_->Get("/api/v1/datasets", scoped_a_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["datasets"].size(), 1u) << list.body;
  EXPECT_EQ(list.json["datasets"][0]["name"], "a");

  auto expect_hidden = [&](const std::string& what, const std::function<Reply(const std::string&)>& request) {
    Reply b = request("b");
    Reply none = request("zz");
    ExpectApiError(b, 404, "not_found", what + " on b");
    std::string message = b.ErrorMessage();
    for (size_t at; (at = message.find("'b'")) != std::string::npos;) message.replace(at, 3, "'zz'");
    EXPECT_EQ(message, none.ErrorMessage()) << what << ": b's 404 differs from a missing dataset's";
    Reply a = request("a");
    EXPECT_TRUE(a.status == 200 || a.status == 202) << what << " on a: " << a.status << " " << a.body;
  };
  expect_hidden("schema",
                [&](const std::string& d) { return server_->Get("/api/v1/datasets/" + d + "/schema", scoped_a_); });
  expect_hidden("examples",
                [&](const std::string& d) { return server_->Get("/api/v1/datasets/" + d + "/examples", scoped_a_); });
  expect_hidden("ask", [&](const std::string& d) {
    return server_->PostJson("/api/v1/ask", {{"dataset", d}, {"question", kQuestion}}, scoped_a_);
  });
  expect_hidden("sql", [&](const std::string& d) {
    return server_->PostJson("/api/v1/sql", {{"dataset", d}, {"sql", "SELECT 1"}}, scoped_a_);
  });
  expect_hidden("history",
                [&](const std::string& d) { return server_->Get("/api/v1/history?dataset=" + d, scoped_a_); });
  // Feedback: a notes-only rejection needs no answer id, so it reaches the dataset check.
  Reply feedback = server_->PostJson(
      "/api/v1/feedback", {{"dataset", "b"}, {"verdict", "reject"}, {"question", kQuestion}, {"sql", "SELECT 1"}},
      scoped_a_);
  ExpectApiError(feedback, 404, "not_found", "feedback on b");
}

// A key may name a dataset that does not exist (yet): asking about it must not reveal the other
// datasets or where the server keeps them.
TEST_F(ApiAuthTest, MissingDatasetInScopeRevealsNoOtherDataset) {
  const std::string key = CreateKeyWithCli(data_->path(), "ghostly", {"--admin", "--datasets", "a,ghost"});
  auto expect_like_hidden = [&](const std::string& what, const std::function<Reply(const std::string&)>& request) {
    Reply ghost = request("ghost");
    Reply hidden = request("zz");  // outside the key's scope
    ExpectApiError(ghost, 404, "not_found", what + " on ghost");
    EXPECT_EQ(ghost.ErrorMessage().find(data_->path().string()), std::string::npos) << what << ": " << ghost.body;
    EXPECT_EQ(ghost.ErrorMessage().find("known"), std::string::npos) << what << ": " << ghost.body;
    std::string message = ghost.ErrorMessage();
    for (size_t at; (at = message.find("'ghost'")) != std::string::npos;) message.replace(at, 7, "'zz'");
    EXPECT_EQ(message, hidden.ErrorMessage()) << what;
  };
  expect_like_hidden("schema",
                     [&](const std::string& d) { return server_->Get("/api/v1/datasets/" + d + "/schema", key); });
  expect_like_hidden("examples",
                     [&](const std::string& d) { return server_->Get("/api/v1/datasets/" + d + "/examples", key); });
  expect_like_hidden("ask", [&](const std::string& d) {
    return server_->PostJson("/api/v1/ask", {{"dataset", d}, {"question", kQuestion}}, key);
  });
  expect_like_hidden("sql", [&](const std::string& d) {
    return server_->PostJson("/api/v1/sql", {{"dataset", d}, {"sql", "SELECT 1"}}, key);
  });
  expect_like_hidden("feedback", [&](const std::string& d) {
    return server_->PostJson(
        "/api/v1/feedback", {{"dataset", d}, {"verdict", "reject"}, {"question", kQuestion}, {"sql", "SELECT 1"}}, key);
  });
  expect_like_hidden("delete", [&](const std::string& d) { return server_->Delete("/api/v1/datasets/" + d, key); });
}

TEST_F(ApiAuthTest, ScopedAdminCannotDeleteOrUploadOutsideItsScope) {
  ExpectApiError(server_->Delete("/api/v1/datasets/b", admin_a_), 404, "not_found", "DELETE /datasets/b");
  ExpectApiError(server_->Upload({{"file", "x,y\n1,2\n", "b.csv", "text/csv"}, {"name", "b", "", ""}}, admin_a_), 404,
                 "not_found", "upload as b");
  Reply b = server_->Get("/api/v1/datasets/b/schema", root_);
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(b.json["tables"][0]["row_count"], 9);  // the upload did not replace it
}

TEST_F(ApiAuthTest, HistoryShowsOnlyThisKeysQuestions) {
  const std::string mine = "What were total sales in 2011?";
  const std::string theirs = "What were total sales in 2010?";
  ASSERT_EQ(server_->PostJson("/api/v1/ask", {{"dataset", "a"}, {"question", mine}}, alice_).status, 200);
  ASSERT_EQ(server_->PostJson("/api/v1/ask", {{"dataset", "a"}, {"question", theirs}}, scoped_a_).status, 200);
  auto questions = [&](const std::string& key) {
    Reply r = server_->Get("/api/v1/history", key);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    for (const auto& item : r.json["items"]) out.insert(item["question"].get<std::string>());
    return out;
  };
  const auto alice = questions(alice_);
  const auto scoped = questions(scoped_a_);
  EXPECT_TRUE(alice.count(mine));
  EXPECT_FALSE(alice.count(theirs));
  EXPECT_TRUE(scoped.count(theirs));
  EXPECT_FALSE(scoped.count(mine));
  EXPECT_TRUE(questions(scoped_b_).empty());
}

TEST_F(ApiAuthTest, AnswerOfAnotherDatasetIsNotFoundInFeedback) {
  Reply ask =
      server_->PostJson("/api/v1/ask", {{"dataset", "a"}, {"question", "What were total sales in 2012?"}}, scoped_a_);
  ASSERT_EQ(ask.status, 200) << ask.body;
  const int64_t id = ask.json.value("answer_id", int64_t{0});
  ASSERT_GT(id, 0) << ask.body;
  auto feedback = [&](const std::string& dataset, const std::string& key) {
    return server_->PostJson("/api/v1/feedback", {{"dataset", dataset}, {"answer_id", id}, {"verdict", "approve"}},
                             key);
  };
  ExpectApiError(feedback("b", scoped_b_), 404, "not_found", "a's answer as b's, by b's key");
  ExpectApiError(feedback("a", scoped_b_), 404, "not_found", "a's answer by b's key");
  ExpectApiError(feedback("b", alice_), 404, "not_found", "a's answer as b's, by an all-datasets key");
  EXPECT_EQ(server_->Get("/api/v1/datasets/b/examples", root_).json["examples"].size(), 0u);
}

TEST_F(ApiAuthTest, RateLimitedKeyGets429WithRetryAfterAndOthersDoNot) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(server_->Get("/api/v1/settings", limited_).status, 200) << "request " << i + 1;
  Reply over = server_->Get("/api/v1/settings", limited_);
  ExpectApiError(over, 429, "rate_limited", "4th request");
  EXPECT_NE(over.ErrorMessage().find("limited"), std::string::npos) << over.body;  // names the key
  EXPECT_EQ(over.body.find(limited_), std::string::npos);
  const std::string retry = over.Header("Retry-After");
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_LE(std::stoi(retry), 60);
  EXPECT_FALSE(over.Header("X-Request-Id").empty());
  // Other keys and public routes are not affected.
  EXPECT_EQ(server_->Get("/api/v1/settings", alice_).status, 200);
  EXPECT_EQ(server_->Get("/api/v1/health").status, 200);
  // Counted, and logged under the key's name.
  Reply metrics = server_->Get("/api/v1/metrics", root_);
  EXPECT_TRUE(std::regex_search(metrics.body, std::regex("\ndataanalyst_rate_limited_total [1-9]"))) << metrics.body;
  const json line = server_->RequestLogLine(over.Header("X-Request-Id"));
  EXPECT_EQ(line.value("status", 0), 429) << line;
  EXPECT_EQ(line.value("key", ""), "limited") << line;
}

// Conversations are private to a key: another key using the same id starts afresh.
TEST_F(ApiAuthTest, ConversationIdsArePrivateToAKey) {
  Reply first =
      server_->PostJson("/api/v1/ask", {{"dataset", "a"}, {"question", kQuestion}, {"conversation", "shared"}}, alice_);
  ASSERT_EQ(first.status, 200) << first.body;
  auto follow_up = [&](const std::string& key) {
    Reply r = server_->PostJson("/api/v1/ask",
                                {{"dataset", "a"}, {"question", "and for 2011?"}, {"conversation", "shared"}}, key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  };
  const json other = follow_up(scoped_a_);
  EXPECT_EQ(other["follow_up"]["kind"], "standalone") << other;
  EXPECT_EQ(other["resolved_question"], "and for 2011?") << other;
  const json mine = follow_up(alice_);
  EXPECT_EQ(mine["follow_up"]["kind"], "resolved") << mine;
  EXPECT_EQ(mine["resolved_question"], "What were total sales in 2011?") << mine;
}

TEST_F(ApiAuthTest, NoAuthIsRefusedOffLoopback) {
  TempDir dir;
  CommandResult r =
      RunCli({"serve", "--no-auth", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.path().string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--no-auth"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("serving on"), std::string::npos) << r.out;
}

TEST_F(ApiAuthTest, NoAuthOnLoopbackServesEveryoneAsAnonymousAdmin) {
  auto open = ServerProcess::Start(data_->path(), {"--no-auth"});
  ASSERT_NE(open, nullptr);
  Reply settings = open->Get("/api/v1/settings");
  ASSERT_EQ(settings.status, 200) << settings.body;
  EXPECT_EQ(settings.json["auth"], false);
  EXPECT_EQ(settings.json["key"]["name"], "anonymous");
  EXPECT_EQ(settings.json["key"]["admin"], true);
  Reply datasets = open->Get("/api/v1/datasets");
  ASSERT_EQ(datasets.status, 200) << datasets.body;
  EXPECT_EQ(datasets.json["datasets"].size(), 2u);
  EXPECT_EQ(open->Get("/api/v1/keys").status, 200);
  // The log says so.
  EXPECT_FALSE(open->WaitForLogLine([](const json& l) { return l.value("event", "") == "no_auth"; }).is_null())
      << open->Stderr();
  EXPECT_EQ(open->Stop(), 0);
}

}  // namespace
}  // namespace da::testing
