#include "llm/http_client.h"

#include <gtest/gtest.h>

#include "fake_llm_server.h"

namespace da::llm {
namespace {

using std::chrono::milliseconds;
using testing::ClosedPort;
using testing::FakeLlmServer;
using testing::ScriptedReply;

ScriptedReply Ok(const std::string& body = "{\"ok\":true}") {
  ScriptedReply reply;
  reply.body = body;
  return reply;
}

ScriptedReply Status(int status, HttpHeaders headers = {}) {
  ScriptedReply reply;
  reply.status = status;
  reply.body = "{}";
  reply.headers = std::move(headers);
  return reply;
}

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClient Client(int attempts = 3, milliseconds total = milliseconds(5000)) {
    HttpOptions options;
    options.total_timeout = total;
    options.connect_timeout = milliseconds(2000);
    options.retry.max_attempts = attempts;
    options.retry.base_delay = milliseconds(400);
    options.sleep = [this](milliseconds d) { slept.push_back(d); };
    return HttpClient(options);
  }
  HttpRequest Post(const std::string& url) {
    HttpRequest request;
    request.url = url + "/v1/thing?x=1";
    request.headers = {{"content-type", "application/json"}, {"x-custom", "value 1"}};
    request.body = "{\"q\":1}";
    return request;
  }

  FakeLlmServer server{[](const testing::RecordedRequest&) { return Ok(); }};
  std::vector<milliseconds> slept;
};

TEST_F(HttpClientTest, PostsBodyAndHeadersAndReturnsTheResponse) {
  server.Script({[] {
    ScriptedReply reply = Ok("{\"answer\":42}");
    reply.headers = {{"X-Reply", "yes"}};
    return reply;
  }()});
  auto exchange = Client().Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok()) << exchange.status().ToString();
  EXPECT_EQ(exchange->response.status, 200);
  EXPECT_EQ(exchange->response.body, "{\"answer\":42}");
  EXPECT_EQ(exchange->response.Header("x-reply"), "yes");
  EXPECT_EQ(exchange->attempts, 1);
  EXPECT_TRUE(exchange->delays.empty());
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/thing?x=1");
  EXPECT_EQ(requests[0].body, "{\"q\":1}");
  EXPECT_EQ(requests[0].Header("x-custom"), "value 1");
  EXPECT_EQ(requests[0].Header("content-type"), "application/json");
  EXPECT_FALSE(requests[0].HasHeader("expect"));
}

TEST_F(HttpClientTest, OpenConnectionsAreReusedAcrossRequestsAndClients) {
  server.KeepConnectionsOpen();
  auto first = Client().Send(Post(server.url()));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->new_connections, 1);
  auto second = Client().Send(Post(server.url()));  // another client: the share is process-wide
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->new_connections, 0);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(HttpClientTest, Retries500WithJitteredBackoffThenSucceeds) {
  server.Script({Status(500), Status(502)});
  auto exchange = Client().Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(exchange->response.status, 200);
  EXPECT_EQ(exchange->attempts, 3);
  ASSERT_EQ(exchange->delays.size(), 2u);
  EXPECT_GE(exchange->delays[0], milliseconds(200));  // base 400 jittered into [200, 400]
  EXPECT_LE(exchange->delays[0], milliseconds(400));
  EXPECT_GE(exchange->delays[1], milliseconds(400));  // doubled: [400, 800]
  EXPECT_LE(exchange->delays[1], milliseconds(800));
  EXPECT_EQ(slept, exchange->delays);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(HttpClientTest, HonoursRetryAfterSeconds) {
  server.Script({Status(429, {{"Retry-After", "7"}})});
  auto exchange = Client().Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(exchange->response.status, 200);
  EXPECT_EQ(exchange->attempts, 2);
  EXPECT_EQ(slept, std::vector<milliseconds>{milliseconds(7000)});
}

TEST_F(HttpClientTest, HonoursRetryAfterMillisecondsHeader) {
  server.Script({Status(429, {{"retry-after-ms", "1250"}, {"Retry-After", "2"}})});
  auto exchange = Client().Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(slept, std::vector<milliseconds>{milliseconds(1250)});
}

TEST_F(HttpClientTest, HonoursRetryAfterHttpDate) {
  std::time_t later = std::time(nullptr) + 20;
  char date[64];
  std::tm tm{};
  gmtime_r(&later, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  server.Script({Status(503, {{"Retry-After", date}})});
  auto exchange = Client().Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok());
  ASSERT_EQ(slept.size(), 1u);
  EXPECT_GT(slept[0], milliseconds(15000));
  EXPECT_LE(slept[0], milliseconds(20000));
}

TEST_F(HttpClientTest, RetryAfterBeyondTheLimitEndsRetries) {
  server.Script({Status(429, {{"Retry-After", "3600"}})});
  auto exchange = Client().Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(exchange->response.status, 429);
  EXPECT_EQ(exchange->attempts, 1);
  EXPECT_TRUE(slept.empty());
}

TEST_F(HttpClientTest, GivesUpAfterMaxAttemptsAndReturnsTheLastResponse) {
  server.Script({Status(503), Status(503), Status(504), Status(503)});
  auto exchange = Client(3).Send(Post(server.url()));
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(exchange->response.status, 504);
  EXPECT_EQ(exchange->attempts, 3);
  EXPECT_EQ(slept.size(), 2u);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(HttpClientTest, ClientErrorsAreNotRetried) {
  server.Script({Status(400), Status(401), Status(404)});
  for (int expected : {400, 401, 404}) {
    auto exchange = Client().Send(Post(server.url()));
    ASSERT_TRUE(exchange.ok());
    EXPECT_EQ(exchange->response.status, expected);
    EXPECT_EQ(exchange->attempts, 1);
  }
  EXPECT_TRUE(slept.empty());
}

TEST_F(HttpClientTest, UnreachableHostIsRetriedThenAnIoErrorNamingTheHost) {
  ClosedPort closed;
  auto exchange = Client(3).Send(Post(closed.url()));
  ASSERT_FALSE(exchange.ok());
  EXPECT_EQ(exchange.status().code(), Status::Code::kIoError);
  EXPECT_NE(exchange.status().message().find("127.0.0.1:" + std::to_string(closed.port())), std::string::npos)
      << exchange.status().ToString();
  EXPECT_NE(exchange.status().message().find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(slept.size(), 2u);
}

TEST_F(HttpClientTest, SlowReplyTimesOutWithoutRetry) {
  ScriptedReply slow = Ok();
  slow.delay_ms = 2000;
  server.Script({slow});
  auto exchange = Client(3, milliseconds(200)).Send(Post(server.url()));
  ASSERT_FALSE(exchange.ok());
  EXPECT_EQ(exchange.status().code(), Status::Code::kTimeout) << exchange.status().ToString();
  EXPECT_NE(exchange.status().message().find(server.host()), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(slept.empty());
}

TEST_F(HttpClientTest, PrepareRunsOnAFreshCopyBeforeEachAttempt) {
  server.Script({Status(500)});
  int calls = 0;
  auto exchange = Client().Send(Post(server.url()), [&calls](HttpRequest& r) {
    r.headers.emplace_back("x-attempt", std::to_string(++calls));
  });
  ASSERT_TRUE(exchange.ok());
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("x-attempt"), "1");
  EXPECT_EQ(requests[1].Header("x-attempt"), "2");
  EXPECT_EQ(requests[1].target, "/v1/thing?x=1");
}

TEST(HttpHelpersTest, RetryAfterParsesSecondsMillisecondsAndDates) {
  auto now = std::chrono::system_clock::from_time_t(1440938160);  // Sun, 30 Aug 2015 12:36:00 GMT
  HttpResponse response;
  EXPECT_FALSE(RetryAfter(response, now).has_value());
  response.headers = {{"Retry-After", "12"}};
  EXPECT_EQ(RetryAfter(response, now), milliseconds(12000));
  response.headers = {{"Retry-After", "Sun, 30 Aug 2015 12:36:30 GMT"}};
  EXPECT_EQ(RetryAfter(response, now), milliseconds(30000));
  response.headers = {{"Retry-After", "Sun, 30 Aug 2015 12:00:00 GMT"}};  // past: now
  EXPECT_EQ(RetryAfter(response, now), milliseconds(0));
  response.headers = {{"Retry-After", "soon"}};
  EXPECT_FALSE(RetryAfter(response, now).has_value());
  response.headers = {{"retry-after-ms", "40"}};
  EXPECT_EQ(RetryAfter(response, now), milliseconds(40));
}

TEST(HttpHelpersTest, BackoffDoublesAndIsCapped) {
  RetryPolicy policy;
  policy.base_delay = milliseconds(1000);
  policy.max_delay = milliseconds(3000);
  for (int i = 0; i < 50; ++i) {
    auto first = BackoffDelay(policy, 1);
    EXPECT_GE(first, milliseconds(500));
    EXPECT_LE(first, milliseconds(1000));
    auto third = BackoffDelay(policy, 3);  // 4000 capped at 3000
    EXPECT_GE(third, milliseconds(1500));
    EXPECT_LE(third, milliseconds(3000));
  }
  EXPECT_TRUE(IsRetryableStatus(429));
  EXPECT_TRUE(IsRetryableStatus(529));
  EXPECT_FALSE(IsRetryableStatus(404));
}

TEST(HttpHelpersTest, UrlHostDropsUserInfoPathAndQuery) {
  EXPECT_EQ(UrlHost("https://api.openai.com/v1/chat"), "api.openai.com");
  EXPECT_EQ(UrlHost("http://user:pw@127.0.0.1:8080/x?y"), "127.0.0.1:8080");
  EXPECT_EQ(UrlHost("http://localhost:11434"), "localhost:11434");
}

}  // namespace
}  // namespace da::llm
