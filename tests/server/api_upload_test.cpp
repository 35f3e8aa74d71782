// Request bodies and uploads against the real server: malformed, mistyped, oversized and
// mislabelled bodies; uploads of a ZIP and a SQLite file through their ingest jobs and events;
// failed ingests that publish nothing; deleting a dataset.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include "server/server_harness.h"

namespace da::testing {
namespace {

using nlohmann::json;

constexpr const char* kSales = "region,amount\nnorth,10\nsouth,20\neast,30\n";

class ApiUploadTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    WriteFile(data_->path() / "in" / "sales.csv", kSales);
    IngestWithCli(data_->path(), data_->path() / "in" / "sales.csv", "sales");
    admin_ = CreateKeyWithCli(data_->path(), "root", {"--admin"});
    server_ = ServerProcess::Start(data_->path(), {"--rate-limit", "0", "--max-upload-mb", "1"}).release();
  }

  static Reply Ask(const std::string& body, const std::string& content_type = "application/json") {
    return server_->Post("/api/v1/ask", body, content_type, admin_);
  }
  // Uploads `content` as file `filename` (dataset `name` unless empty); the 202's job.
  static json UploadOk(const std::string& content, const std::string& filename, const std::string& name = "") {
    httplib::MultipartFormDataItems items = {{"file", content, filename, "application/octet-stream"}};
    if (!name.empty()) items.push_back({"name", name, "", ""});
    Reply r = server_->Upload(items, admin_);
    EXPECT_EQ(r.status, 202) << filename << ": " << r.body;
    EXPECT_TRUE(r.json.contains("job")) << r.body;
    return r.json.value("job", json::object());
  }
  static std::set<std::string> DatasetNames() {
    Reply r = server_->Get("/api/v1/datasets", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> names;
    for (const auto& d : r.json["datasets"]) names.insert(d["name"].get<std::string>());
    return names;
  }
  static std::set<std::string> TableNames(const std::string& dataset) {
    Reply r = server_->Get("/api/v1/datasets/" + dataset + "/schema", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> names;
    for (const auto& t : r.json["tables"]) names.insert(t["name"].get<std::string>());
    return names;
  }
  // A raw request whose headers promise `length` bytes but of which only `sent` arrive.
  static std::string PartialRequest(const std::string& path, const std::string& content_type, size_t length,
                                    const std::string& sent) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.connected());
    c.Send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + admin_ +
           "\r\nContent-Type: " + content_type + "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" + sent);
    return c.ReadResponse();
  }

  static std::string admin_;
};
std::string ApiUploadTest::admin_;

// --- JSON bodies

TEST_F(ApiUploadTest, MalformedAndNonObjectJsonAre400) {
  ExpectApiError(Ask(R"({"dataset": "sales", "question": )"), 400, "bad_request", "truncated JSON");
  ExpectApiError(Ask("not json at all"), 400, "bad_request", "not JSON");
  ExpectApiError(Ask(R"(["sales", "how many?"])"), 400, "bad_request", "an array");
  ExpectApiError(Ask(R"("sales")"), 400, "bad_request", "a string");
  Reply empty = Ask("");
  ExpectApiError(empty, 400, "bad_request", "an empty body");
}

TEST_F(ApiUploadTest, MissingOrMistypedFieldsAre400AndNameTheField) {
  auto expect_field = [&](const json& body, const std::string& field) {
    Reply r = server_->PostJson("/api/v1/ask", body, admin_);
    ExpectApiError(r, 400, "bad_request", body.dump());
    EXPECT_NE(r.ErrorMessage().find("'" + field + "'"), std::string::npos) << r.body;
  };
  expect_field({{"dataset", "sales"}}, "question");
  expect_field({{"question", "how many?"}}, "dataset");
  expect_field({{"dataset", "sales"}, {"question", 5}}, "question");
  expect_field({{"dataset", "sales"}, {"question", ""}}, "question");
  expect_field({{"dataset", "sales"}, {"question", "how many?"}, {"max_rows", "ten"}}, "max_rows");
  expect_field({{"dataset", "sales"}, {"question", "how many?"}, {"max_rows", 0}}, "max_rows");
  expect_field({{"dataset", "sales"}, {"question", "how many?"}, {"max_rows", 100001}}, "max_rows");
  expect_field({{"dataset", "sales"}, {"question", "how many?"}, {"conversation", 7}}, "conversation");
  Reply sql = server_->PostJson("/api/v1/sql", {{"dataset", "sales"}, {"sql", json::array()}}, admin_);
  ExpectApiError(sql, 400, "bad_request", "sql as an array");
  Reply verdict =
      server_->PostJson("/api/v1/feedback", {{"dataset", "sales"}, {"answer_id", 1}, {"verdict", "maybe"}}, admin_);
  ExpectApiError(verdict, 400, "bad_request", "verdict maybe");
  Reply id =
      server_->PostJson("/api/v1/feedback", {{"dataset", "sales"}, {"answer_id", "1"}, {"verdict", "approve"}}, admin_);
  ExpectApiError(id, 400, "bad_request", "answer_id as a string");
  ExpectApiError(server_->Get("/api/v1/history?limit=zero", admin_), 400, "bad_request", "history limit");
  ExpectApiError(server_->PostJson("/api/v1/keys", {{"name", "x"}, {"admin", "yes"}}, admin_), 400, "bad_request",
                 "admin as a string");
}

TEST_F(ApiUploadTest, WrongContentTypeIs415) {
  ExpectApiError(Ask(R"({"dataset": "sales", "question": "how many?"})", "text/plain"), 415, "unsupported_media_type",
                 "JSON as text/plain");
  ExpectApiError(server_->PostJson("/api/v1/datasets", {{"file", "x"}}, admin_), 415, "unsupported_media_type",
                 "upload as JSON");
}

TEST_F(ApiUploadTest, JsonBodyWithoutContentLengthIs411) {
  RawConnection c(server_->port());
  const std::string body = R"({"dataset": "sales", "question": "how many?"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  c.Send("POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + admin_ +
         "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body +
         "\r\n0\r\n\r\n");
  const std::string response = c.ReadResponse();
  EXPECT_EQ(RawStatus(response), 411) << response;
  EXPECT_EQ(json::parse(RawBody(response), nullptr, false)["error"]["code"], "length_required") << response;
}

// The server refuses from the headers: it answers although only a little of the body was sent.
TEST_F(ApiUploadTest, JsonBodyOverOneMebibyteIs413WithoutReadingIt) {
  const std::string response =
      PartialRequest("/api/v1/ask", "application/json", (size_t{1} << 20) + 1, R"({"dataset": "sales", "question": ")");
  ASSERT_EQ(RawStatus(response), 413) << response;
  EXPECT_EQ(json::parse(RawBody(response), nullptr, false)["error"]["code"], "payload_too_large") << response;
  EXPECT_NE(response.find("\r\nX-Request-Id: "), std::string::npos) << response;
  // Exactly 1 MiB is within the limit (a real body: malformed JSON, so 400 rather than 413).
  Reply at_limit = Ask(std::string(size_t{1} << 20, ' '));
  EXPECT_EQ(at_limit.status, 400) << at_limit.body.substr(0, 200);
}

TEST_F(ApiUploadTest, UploadOverMaxUploadMbIs413WithoutReadingIt) {
  const std::string head =
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"
      "a,b\n1,2\n";
  const std::string response =
      PartialRequest("/api/v1/datasets", "multipart/form-data; boundary=XyZ", (size_t{2} << 20), head);
  ASSERT_EQ(RawStatus(response), 413) << response;
  EXPECT_EQ(json::parse(RawBody(response), nullptr, false)["error"]["code"], "payload_too_large") << response;
  EXPECT_FALSE(DatasetNames().count("big"));
}

// Without a Content-Length (chunked) the limit holds as the body arrives.
TEST_F(ApiUploadTest, ChunkedUploadOverMaxUploadMbIs413) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.Send("POST /api/v1/datasets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + admin_ +
                     "\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n"));
  auto chunk = [](const std::string& bytes) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", bytes.size());
    return std::string(size) + "\r\n" + bytes + "\r\n";
  };
  bool sent_all = c.SendUnlessAnswered(
      chunk("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.csv\"\r\n\r\na,b\n"));
  std::string rows;
  for (int i = 0; i < 16384; ++i) rows += "1,2\n";                                        // 64 KiB
  for (int i = 0; sent_all && i < 40; ++i) sent_all = c.SendUnlessAnswered(chunk(rows));  // 2.5 MiB
  if (sent_all) c.SendUnlessAnswered(chunk("\r\n--XyZ--\r\n") + "0\r\n\r\n");
  const std::string response = c.ReadResponse();
  ASSERT_EQ(RawStatus(response), 413) << response.substr(0, 500);
  EXPECT_EQ(json::parse(RawBody(response), nullptr, false).value("/error/code"_json_pointer, ""), "payload_too_large")
      << response;
  EXPECT_FALSE(DatasetNames().count("huge"));
}

TEST_F(ApiUploadTest, SettingsShowTheUploadLimit) {
  Reply r = server_->Get("/api/v1/settings", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["limits"]["max_upload_mb"], 1);
}

TEST_F(ApiUploadTest, UploadWithoutAFilePartIs400) {
  Reply r = server_->Upload({{"name", "nofile", "", ""}}, admin_);
  ExpectApiError(r, 400, "bad_request", "no file part");
  EXPECT_NE(r.ErrorMessage().find("'file'"), std::string::npos) << r.body;
  Reply other = server_->Upload({{"data", "a,b\n1,2\n", "x.csv", "text/csv"}}, admin_);
  ExpectApiError(other, 400, "bad_request", "file under another field name");
  ExpectApiError(server_->Upload({{"file", "a\n1\n", "ok.csv", "text/csv"}, {"name", "Bad Name!", "", ""}}, admin_),
                 400, "bad_request", "invalid dataset name");
  EXPECT_FALSE(DatasetNames().count("nofile"));
}

// --- uploads that fail

TEST_F(ApiUploadTest, CsvWithARaggedRowFailsItsJobAndPublishesNothing) {
  json job = UploadOk("city,people\nparis,2100000\nlyon\nnice,340000\n", "towns.csv");
  ASSERT_TRUE(job.contains("id")) << job;
  EXPECT_EQ(job["dataset"], "towns");
  json done = WaitForJob(*server_, admin_, job["id"]);
  ASSERT_EQ(done["state"], "failed") << done;
  EXPECT_EQ(done["error"]["code"], "bad_input") << done;
  const std::string message = done["error"]["message"];
  EXPECT_NE(message.find("towns.csv:3"), std::string::npos) << message;           // the file and its ragged line
  EXPECT_EQ(message.find(data_->path().string()), std::string::npos) << message;  // not the server's path
  EXPECT_FALSE(DatasetNames().count("towns"));
  ExpectApiError(server_->Get("/api/v1/datasets/towns/schema", admin_), 404, "not_found", "schema of a failed upload");
}

TEST_F(ApiUploadTest, GarbageUploadIsBadInput) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  httplib::MultipartFormDataItems items = {{"file", garbage, "noise.bin", "application/octet-stream"}};
  Reply r = server_->Upload(items, admin_);
  if (r.status == 202) {  // refused by the ingest job rather than by the upload
    json done = WaitForJob(*server_, admin_, r.json["job"]["id"]);
    EXPECT_EQ(done["state"], "failed") << done;
    EXPECT_EQ(done["error"]["code"], "bad_input") << done;
    EXPECT_NE(done["error"].value("message", "").find("noise.bin"), std::string::npos) << done;
  } else {
    ExpectApiError(r, 422, "bad_input", "garbage");
    EXPECT_NE(r.ErrorMessage().find("noise.bin"), std::string::npos) << r.body;
  }
  EXPECT_FALSE(DatasetNames().count("noise"));
}

TEST_F(ApiUploadTest, FailedReUploadKeepsThePreviousVersion) {
  json first = WaitForJob(*server_, admin_, UploadOk("k,v\na,1\nb,2\n", "kv.csv", "keep")["id"]);
  ASSERT_EQ(first["state"], "done") << first;
  json failed = WaitForJob(*server_, admin_, UploadOk("k,v\na,1\nb\n", "kv2.csv", "keep")["id"]);
  ASSERT_EQ(failed["state"], "failed") << failed;
  EXPECT_EQ(failed["error"]["code"], "bad_input") << failed;

  Reply list = server_->Get("/api/v1/datasets", admin_);
  bool found = false;
  for (const auto& d : list.json["datasets"]) {
    if (d["name"] != "keep") continue;
    found = true;
    EXPECT_EQ(d["version"], 1) << d;
    EXPECT_EQ(d["rows"], 2) << d;
  }
  EXPECT_TRUE(found) << list.body;
  Reply rows =
      server_->PostJson("/api/v1/sql", {{"dataset", "keep"}, {"sql", "SELECT k, v FROM kv ORDER BY k"}}, admin_);
  ASSERT_EQ(rows.status, 200) << rows.body;
  EXPECT_EQ(rows.json["rows"], json::parse(R"([["a", 1], ["b", 2]])"));
}

// --- uploads that work

TEST_F(ApiUploadTest, ZipUploadStreamsProgressThenDoneAndCanBeDeleted) {
  const auto metadata = SourceDir() / "demo" / "metadata";
  Reply accepted = server_->Upload({{"file", ReadFile(RetailZip()), "retail.zip", "application/zip"},
                                    {"name", "shop", "", ""},
                                    {"metadata", ReadFile(metadata / "tables.csv"), "tables.csv", "text/csv"},
                                    {"metadata", ReadFile(metadata / "columns.csv"), "columns.csv", "text/csv"},
                                    {"metadata", ReadFile(metadata / "metrics.csv"), "metrics.csv", "text/csv"}},
                                   admin_);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const json openapi = server_->Get("/api/v1/openapi.json").json;
  ExpectMatchesOpenApi(openapi, "POST", "/api/v1/datasets", 202, accepted.json);
  const json job = accepted.json["job"];
  ASSERT_TRUE(job.contains("id")) << job;
  EXPECT_EQ(job["dataset"], "shop");
  Reply events = server_->Get("/api/v1/jobs/" + job["id"].get<std::string>() + "/events", admin_);
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_EQ(events.Header("Content-Type").rfind("text/event-stream", 0), 0u);
  const auto parsed = ParseSse(events.body);
  ASSERT_FALSE(parsed.empty()) << events.body;
  // progress events (as many as the job sent while we listened), then done.
  EXPECT_EQ(parsed.back().event, "done") << events.body;
  EXPECT_EQ(parsed.back().data["state"], "done");
  EXPECT_TRUE(parsed.back().data.contains("report"));
  double last = 0;
  for (size_t i = 0; i + 1 < parsed.size(); ++i) {
    EXPECT_EQ(parsed[i].event, "progress") << events.body;
    const double fraction = parsed[i].data.value("fraction", -1.0);
    EXPECT_GE(fraction, last) << events.body;
    EXPECT_LE(fraction, 1.0);
    last = fraction;
  }
  // The upload answered before the ingest finished, so the stream began while it was running.
  EXPECT_GE(parsed.size(), 2u) << "no progress event: " << events.body;

  json done = WaitForJob(*server_, admin_, job["id"]);
  EXPECT_EQ(done["state"], "done");
  ExpectMatchesOpenApi(openapi, "GET", "/api/v1/jobs/{id}", 200, done);
  EXPECT_DOUBLE_EQ(done["progress"]["fraction"].get<double>(), 1.0);
  EXPECT_TRUE(DatasetNames().count("shop"));
  EXPECT_EQ(TableNames("shop"), (std::set<std::string>{"customers", "order_items", "orders", "products"}));
  EXPECT_EQ(done["report"]["tables"].size(), 4u) << done["report"];
  // The metadata parts described it.
  Reply schema = server_->Get("/api/v1/datasets/shop/schema", admin_);
  EXPECT_EQ(schema.json["metrics"].size(), 3u);
  for (const auto& t : schema.json["tables"]) {
    if (t["name"] != "orders") continue;
    EXPECT_EQ(t["label"], "Orders");
    EXPECT_FALSE(t["description"].get<std::string>().empty());
  }
  // A finished job's stream sends its last event at once.
  Reply again = server_->Get("/api/v1/jobs/" + job["id"].get<std::string>() + "/events", admin_);
  EXPECT_EQ(EventNames(ParseSse(again.body)), std::vector<std::string>{"done"});

  Reply deleted = server_->Delete("/api/v1/datasets/shop", admin_);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json, json({{"deleted", "shop"}}));
  ExpectMatchesOpenApi(openapi, "DELETE", "/api/v1/datasets/{name}", 200, deleted.json);
  ExpectApiError(server_->Get("/api/v1/datasets/shop/schema", admin_), 404, "not_found", "schema after delete");
  EXPECT_FALSE(DatasetNames().count("shop"));
  ExpectApiError(server_->Delete("/api/v1/datasets/shop", admin_), 404, "not_found", "second delete");
}

// While a dataset is being ingested, another upload of it is a conflict.
TEST_F(ApiUploadTest, SecondUploadWhileTheFirstRunsIsAConflict) {
  const std::string zip = ReadFile(RetailZip());
  json first = UploadOk(zip, "retail.zip", "busy");
  Reply second = server_->Upload({{"file", zip, "retail.zip", "application/zip"}, {"name", "busy", "", ""}}, admin_);
  if (second.status == 202) {
    // Only if the first had already finished (a very fast machine): then nothing conflicts.
    EXPECT_EQ(server_->Get("/api/v1/jobs/" + first["id"].get<std::string>(), admin_).json["state"], "done");
    WaitForJob(*server_, admin_, second.json["job"]["id"]);
  } else {
    ExpectApiError(second, 409, "conflict", "second upload of busy");
  }
  EXPECT_EQ(WaitForJob(*server_, admin_, first["id"])["state"], "done");
  EXPECT_TRUE(DatasetNames().count("busy"));
}

TEST_F(ApiUploadTest, SqliteUploadIsAttached) {
  TempDir dir;
  const auto path = dir.path() / "music.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(
                db,
                "CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT);"
                "CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, singer_id INTEGER REFERENCES singer(singer_id),"
                " year INTEGER);"
                "INSERT INTO singer VALUES (1, 'Ana', 'Spain'), (2, 'Bo', 'Sweden');"
                "INSERT INTO concert VALUES (1, 1, 2020), (2, 1, 2021), (3, 2, 2021);",
                nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  json job = UploadOk(ReadFile(path), "music.sqlite");
  EXPECT_EQ(job["dataset"], "music");
  json done = WaitForJob(*server_, admin_, job["id"]);
  ASSERT_EQ(done["state"], "done") << done;
  EXPECT_EQ(TableNames("music"), (std::set<std::string>{"concert", "singer"}));
  Reply rows = server_->PostJson(
      "/api/v1/sql", {{"dataset", "music"}, {"sql", "SELECT count(*) FROM concert WHERE year = 2021"}}, admin_);
  ASSERT_EQ(rows.status, 200) << rows.body;
  EXPECT_EQ(rows.json["rows"][0][0], 2);

  ASSERT_EQ(server_->Delete("/api/v1/datasets/music", admin_).status, 200);
  ExpectApiError(server_->Get("/api/v1/datasets/music/schema", admin_), 404, "not_found", "schema after delete");
}

// Deleting a dataset forgets its examples and its history: a new dataset of the same name
// starts empty.
TEST_F(ApiUploadTest, DeleteForgetsTheDatasetsMemoryAndHistory) {
  const std::string csv = "region,amount\nnorth,10\nsouth,20\n";
  ASSERT_EQ(WaitForJob(*server_, admin_, UploadOk(csv, "memo.csv")["id"])["state"], "done");
  Reply ask =
      server_->PostJson("/api/v1/ask", {{"dataset", "memo"}, {"question", "what is the total amount?"}}, admin_);
  ASSERT_EQ(ask.status, 200) << ask.body;
  ASSERT_EQ(ask.json["answered"], true) << ask.body;
  ASSERT_EQ(server_
                ->PostJson("/api/v1/feedback",
                           {{"dataset", "memo"}, {"answer_id", ask.json["answer_id"]}, {"verdict", "approve"}}, admin_)
                .status,
            200);
  ASSERT_EQ(server_->Get("/api/v1/datasets/memo/examples", admin_).json["examples"].size(), 1u);
  ASSERT_EQ(server_->Get("/api/v1/history?dataset=memo", admin_).json["items"].size(), 1u);

  ASSERT_EQ(server_->Delete("/api/v1/datasets/memo", admin_).status, 200);
  ASSERT_EQ(WaitForJob(*server_, admin_, UploadOk(csv, "memo.csv")["id"])["state"], "done");
  Reply examples = server_->Get("/api/v1/datasets/memo/examples", admin_);
  EXPECT_EQ(examples.json["examples"].size(), 0u) << examples.body;
  Reply history = server_->Get("/api/v1/history?dataset=memo", admin_);
  EXPECT_EQ(history.json["items"].size(), 0u) << history.body;
  Reply again =
      server_->PostJson("/api/v1/ask", {{"dataset", "memo"}, {"question", "what is the total amount?"}}, admin_);
  EXPECT_EQ(again.json["source"], "engine") << again.body;  // not remembered from before
}

TEST_F(ApiUploadTest, MetricsCountIngestJobsByOutcome) {
  ASSERT_EQ(WaitForJob(*server_, admin_, UploadOk("p,q\n1,2\n", "good.csv")["id"])["state"], "done");
  ASSERT_EQ(WaitForJob(*server_, admin_, UploadOk("p,q\n1,2\n3\n", "bad.csv")["id"])["state"], "failed");
  Reply m = server_->Get("/api/v1/metrics", admin_);
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("dataanalyst_ingest_jobs_total{state=\"done\"} "), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("dataanalyst_ingest_jobs_total{state=\"failed\"} "), std::string::npos) << m.body;
}

// The client's file name is reduced to a base name: it cannot place a file anywhere.
TEST_F(ApiUploadTest, UploadFileNameCannotEscapeTheDataDirectory) {
  const auto outside = data_->path().parent_path() / "escape.csv";
  ASSERT_FALSE(std::filesystem::exists(outside));
  json job = UploadOk("e,f\n1,2\n", "../../escape.csv");
  EXPECT_EQ(job["dataset"], "escape");
  EXPECT_EQ(WaitForJob(*server_, admin_, job["id"])["state"], "done");
  EXPECT_FALSE(std::filesystem::exists(outside));
  EXPECT_FALSE(std::filesystem::exists(data_->path() / "escape.csv"));
  EXPECT_TRUE(DatasetNames().count("escape"));
}

TEST_F(ApiUploadTest, UnknownJobIs404) {
  ExpectApiError(server_->Get("/api/v1/jobs/j999999", admin_), 404, "not_found", "unknown job");
  ExpectApiError(server_->Get("/api/v1/jobs/j999999/events", admin_), 404, "not_found", "unknown job's events");
}

}  // namespace
}  // namespace da::testing
