// The ask pipeline's test ground: a real SQLite dataset (kRetailScript) opened through the guard,
// the real engine, and LLM roles served by a fake OpenAI-compatible server over loopback HTTP.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ask/pipeline.h"
#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "engine/engine.h"
#include "llm/fake_llm_server.h"
#include "llm/model_factory.h"
#include "profiled_db.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"
#include "test_util.h"

namespace da {

using llm::testing::FakeLlmServer;
using llm::testing::OpenAIChatReply;
using llm::testing::RecordedRequest;
using llm::testing::ScriptedReply;
using testing::TempDir;

inline constexpr const char* kKeyVar = "PIPELINE_TEST_KEY";
// Not a question the engine can read: an invented word it cannot link.
inline constexpr const char* kHardQuestion = "What is the zorbly quuxness of sales per city?";
inline constexpr const char* kGoodSql =
    "SELECT s.city, SUM(x.amount) AS total FROM sales x JOIN stores s ON s.store_id = x.store_id "
    "GROUP BY s.city ORDER BY total DESC";

inline std::string Fenced(const std::string& sql) { return "Here you go:\n```sql\n" + sql + "\n```\n"; }

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto staged = store_.Begin("retail");
    ASSERT_TRUE(staged.ok()) << staged.status().ToString();
    data_path_ = staged->data_path();
    {
      auto db = OpenSqlite(data_path_, OpenMode::kReadWriteCreate);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      ASSERT_TRUE(ExecSql(db->get(), testing::kRetailScript).ok());
      ProfileOptions profile;
      profile.dataset = "retail";
      auto catalog = ProfileDatabase(db->get(), profile);
      ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
      ASSERT_TRUE(catalog->Save(staged->catalog_path().string()).ok());
      ASSERT_TRUE(BuildAndSaveValueIndex(db->get(), *catalog, staged->values_path().string()).ok());
    }
    ASSERT_TRUE(store_.Commit(&*staged, "sqlite", "retail.sqlite").ok());
    auto dataset = Dataset::Open(store_, "retail");
    ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
    dataset_ = std::move(*dataset);
    data_path_ = dataset_->info().data_path;
    auto engine = Engine::Create(dataset_->catalog(), dataset_->values());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
  }

  // An OpenAI-compatible model at the fake server.
  RoleModel Model(double timeout_s = 10) {
    llm::ModelConfig config;
    config.provider = llm::ProviderKind::kOpenAI;
    config.model = "coder-7b";
    config.base_url = server_.url() + "/v1";
    config.api_key_env = kKeyVar;
    config.timeout_s = timeout_s;
    config.max_retries = 0;
    auto model = llm::MakeChatModel(config, llm::Environment::FromMap({{kKeyVar, "sk-test"}}));
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    models_.push_back(std::move(*model));
    return RoleModel{models_.back().get(), 512, 0.0};
  }

  AskAnswer Ask(const std::string& question, AskModels models, AskOptions options = {},
                const std::vector<AskHistoryTurn>& history = {}, memory::Memory* memory = nullptr) {
    AskPipeline pipeline(*dataset_, *engine_, models, options, memory);
    return pipeline.Ask(question, history);
  }
  AskModels SqlOnly() { return AskModels{Model(), {}, {}}; }

  std::vector<RecordedRequest> Requests() const { return server_.requests(); }
  // The text of every message and the system prompt of request `i`.
  std::string PromptText(size_t i) const {
    return Requests().at(i).Json()["messages"].dump();
  }

  TempDir dir_;
  DatasetStore store_{dir_.path()};
  std::filesystem::path data_path_;
  std::unique_ptr<Dataset> dataset_;
  std::unique_ptr<Engine> engine_;
  FakeLlmServer server_{[](const RecordedRequest&) { return OpenAIChatReply("NO_SQL: nothing scripted", 1, 1); }};
  std::vector<std::unique_ptr<llm::ChatModel>> models_;
};

}  // namespace da
