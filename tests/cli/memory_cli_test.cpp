// The memory end to end on the CLI: `ask` remembers and answers from memory, `feedback`
// approves and rejects, `examples` lists, imports and exports, and removing or re-ingesting a
// dataset keeps the memory true. The real binary, real files.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "test_util.h"

namespace da::testing {
namespace {

using nlohmann::json;

constexpr const char* kSingers =
    "Singer ID,Name,Country,Age\n1,Joe Sharp,Netherlands,52\n2,Timbaland,United States,32\n"
    "3,Justin Brown,France,29\n4,Rose White,France,41\n5,John Nizinik,France,43\n";
constexpr const char* kCountSql = "SELECT country, COUNT(*) AS singers FROM singers GROUP BY country";

class MemoryCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("DATAANALYST_CONFIG");
    WriteFile(inputs_ / "singers.csv", kSingers);
    Ingest("music");
  }
  void Ingest(const std::string& name) {
    CommandResult r = Run({"ingest", (inputs_ / "singers.csv").string(), "--dataset", name});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCli(args);
  }
  json Json(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCliJson(args, expected_exit);
  }
  json Ask(const std::string& question, const std::string& dataset = "music") {
    return Json({"ask", dataset, question});
  }
  TempDir data_, inputs_;
};

TEST_F(MemoryCliTest, TheSameQuestionIsAnsweredFromMemoryWithTheSameAnswerId) {
  json first = Ask("How many singers are there in each country?");
  ASSERT_EQ(first["answered"], true) << first.dump(1);
  EXPECT_EQ(first["source"], "engine");
  EXPECT_EQ(first["cache"]["hit"], false);
  ASSERT_TRUE(first.contains("answer_id"));
  json again = Ask("how many singers are there in each country");
  EXPECT_EQ(again["source"], "cache");
  EXPECT_EQ(again["cache"]["exact"], true);
  EXPECT_EQ(again["cache"]["result_reused"], true);
  EXPECT_EQ(again["answer_id"], first["answer_id"]);
  EXPECT_EQ(again["rows"], first["rows"]);
  EXPECT_EQ(again["explanation"], first["explanation"]);
  EXPECT_EQ(again["chart"]["type"], first["chart"]["type"]);
  json fresh = Json({"ask", "music", "How many singers are there in each country?", "--no-memory"});
  EXPECT_EQ(fresh["source"], "engine");
  EXPECT_FALSE(fresh.contains("answer_id"));
  CommandResult text = Run({"ask", "music", "How many singers are there in each country?"});
  EXPECT_NE(text.out.find("Answered from memory"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Answer id: "), std::string::npos) << text.out;
}

TEST_F(MemoryCliTest, ApprovedAnswersServeParaphrasesAndRejectedOnesAreNotGivenAgain) {
  json first = Ask("How many singers are there in each country?");
  const std::string id = std::to_string(first["answer_id"].get<int64_t>());
  EXPECT_NE(Ask("number of singers per country")["source"], "cache");
  json approved = Json({"feedback", "music", "--approve", id, "--notes", "checked"});
  EXPECT_EQ(approved["entry"]["status"], "approved");
  EXPECT_EQ(approved["entry"]["notes"], "checked");
  json paraphrase = Ask("count of singers for every country");
  EXPECT_EQ(paraphrase["source"], "cache") << paraphrase.dump(1);
  EXPECT_EQ(paraphrase["cache"]["approved"], true);
  EXPECT_EQ(paraphrase["rows"], first["rows"]);
  // A near-duplicate is not served the approved answer.
  EXPECT_NE(Ask("average age of singers in each country")["source"], "cache");

  json rejected = Json({"feedback", "music", "--reject", "--question", "How many singers are there in each country?"});
  EXPECT_EQ(rejected["entry"]["status"], "rejected");
  EXPECT_NE(Ask("How many singers are there in each country?")["source"], "cache");
  CommandResult text = Run({"feedback", "music", "--reject", id});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("will not be given again"), std::string::npos) << text.out;
}

TEST_F(MemoryCliTest, FeedbackErrorsAreClear) {
  CommandResult both = Run({"feedback", "music", "--approve", "--reject", "1"});
  EXPECT_EQ(both.exit_code, 2);
  json missing = Json({"feedback", "music", "--approve", "999"}, 1);
  EXPECT_EQ(missing["error"]["code"], "not_found") << missing.dump();
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("999"), std::string::npos);
  json word = Json({"feedback", "music", "--approve", "latest"}, 1);
  EXPECT_NE(word["error"]["message"].get<std::string>().find("answer id"), std::string::npos) << word.dump();
  json bad_sql = Json({"feedback", "music", "--approve", "--question", "oldest singer", "--sql",
                       "SELECT name FROM singer ORDER BY age DESC LIMIT 1"}, 1);
  EXPECT_NE(bad_sql["error"]["message"].get<std::string>().find("singer"), std::string::npos) << bad_sql.dump();
  json write = Json({"feedback", "music", "--approve", "--question", "oldest singer", "--sql", "DELETE FROM singers"}, 1);
  EXPECT_EQ(write["error"]["code"], "refused") << write.dump();
  EXPECT_EQ(Json({"sql", "music", "SELECT COUNT(*) FROM singers"})["rows"][0][0], 5);
}

TEST_F(MemoryCliTest, ACorrectionGivenWithAQuestionBecomesAnExample) {
  json added = Json({"feedback", "music", "--approve", "--question", "Who is the oldest singer?", "--sql",
                     "SELECT name FROM singers ORDER BY age DESC LIMIT 1"});
  EXPECT_EQ(added["entry"]["status"], "approved");
  json a = Ask("Who is the oldest singer?");
  EXPECT_EQ(a["source"], "cache");
  EXPECT_EQ(a["rows"][0][0], "Joe Sharp");
}

TEST_F(MemoryCliTest, ExamplesExportAndImportAsJsonlAndXlsx) {
  Json({"feedback", "music", "--approve", "--question", "Who is the oldest singer?", "--sql",
        "SELECT name FROM singers ORDER BY age DESC LIMIT 1"});
  Json({"feedback", "music", "--approve", "--question", "How many singers are from France?", "--sql",
        "SELECT COUNT(*) FROM singers WHERE country = 'France'"});
  json list = Json({"examples", "music"});
  ASSERT_EQ(list["examples"].size(), 2u) << list.dump(1);
  for (const char* file : {"examples.jsonl", "examples.xlsx"}) {
    const std::string path = (inputs_ / file).string();
    EXPECT_EQ(Json({"examples", "music", "export", path})["exported"], 2);
    const std::string copy = std::string("copy_") + (file[9] == 'j' ? "jsonl" : "xlsx");
    Ingest(copy);
    EXPECT_EQ(Json({"examples", copy, "import", path})["imported"], 2);
    json copied = Json({"examples", copy});
    ASSERT_EQ(copied["examples"].size(), 2u);
    EXPECT_EQ(copied["examples"][1]["sql"], "SELECT COUNT(*) FROM singers WHERE country = 'France'");
    EXPECT_EQ(copied["examples"][1]["source"], "import");
    EXPECT_EQ(Ask("How many singers are from France?", copy)["rows"][0][0], 3);
  }
}

TEST_F(MemoryCliTest, ABadImportNamesTheLineAndImportsNothing) {
  WriteFile(inputs_ / "bad.jsonl",
            std::string("{\"question\": \"Total singers\", \"sql\": \"SELECT COUNT(*) FROM singers\"}\n") +
                "{\"question\": \"Oldest\", \"sql\": \"SELECT name FROM nowhere\"}\n");
  json failed = Json({"examples", "music", "import", (inputs_ / "bad.jsonl").string()}, 1);
  const std::string message = failed["error"]["message"];
  EXPECT_NE(message.find("bad.jsonl: line 2"), std::string::npos) << message;
  EXPECT_NE(message.find("nowhere"), std::string::npos) << message;
  EXPECT_TRUE(Json({"examples", "music"})["examples"].empty());
  WriteFile(inputs_ / "notes.txt", "question,query\n");
  json wrong = Json({"examples", "music", "import", (inputs_ / "notes.txt").string()}, 1);
  EXPECT_NE(wrong["error"]["message"].get<std::string>().find(".jsonl or .xlsx"), std::string::npos) << wrong.dump();
}

TEST_F(MemoryCliTest, RemovingADatasetForgetsItsMemory) {
  Json({"feedback", "music", "--approve", "--question", "Who is the oldest singer?", "--sql",
        "SELECT name FROM singers ORDER BY age DESC LIMIT 1"});
  ASSERT_TRUE(std::filesystem::exists(data_.path() / "memory"));
  Json({"datasets", "remove", "music"});
  for (const auto& f : std::filesystem::directory_iterator(data_.path() / "memory")) {
    ADD_FAILURE() << "left behind: " << f.path();
  }
  Ingest("music");
  EXPECT_TRUE(Json({"examples", "music"})["examples"].empty());
  EXPECT_EQ(Ask("Who is the oldest singer?")["cache"]["hit"], false);
}

TEST_F(MemoryCliTest, ReIngestingWithAnotherSchemaDropsAnswersThatNoLongerRun) {
  Json({"feedback", "music", "--approve", "--question", "Who is the oldest singer?", "--sql",
        "SELECT name FROM singers ORDER BY age DESC LIMIT 1"});
  Json({"feedback", "music", "--approve", "--question", "How many singers are there?", "--sql",
        "SELECT COUNT(*) FROM singers"});
  WriteFile(inputs_ / "singers.csv", "Singer ID,Name,Country\n1,Joe Sharp,Netherlands\n2,Timbaland,United States\n");
  CommandResult r = Run({"ingest", (inputs_ / "singers.csv").string(), "--dataset", "music", "--replace"});
  if (r.exit_code != 0) r = Run({"ingest", (inputs_ / "singers.csv").string(), "--dataset", "music"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = Ask("How many singers are there?");
  EXPECT_EQ(a["source"], "cache");
  EXPECT_EQ(a["cache"]["result_reused"], false);  // new data: the SQL runs again
  EXPECT_EQ(a["rows"][0][0], 2);
  const std::string notes = a["warnings"].dump();
  EXPECT_NE(notes.find("1 remembered answers still run, 1 no longer do"), std::string::npos) << notes;
  EXPECT_EQ(Json({"examples", "music"})["examples"].size(), 1u);
}

}  // namespace
}  // namespace da::testing
