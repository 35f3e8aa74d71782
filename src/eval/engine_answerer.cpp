#include "eval/engine_answerer.h"

#include <map>
#include <memory>

#include "catalog/value_index.h"
#include "common/sqlite.h"

namespace da {

namespace {

struct DatasetEngine {
  std::unique_ptr<ValueIndex> values;
  std::unique_ptr<Engine> engine;
};

class EngineAnswerers {
 public:
  explicit EngineAnswerers(EngineOptions options) : options_(options) {}

  Status Prepare(const Dataset& dataset) {
    if (engines_.count(&dataset)) return Status::Ok();
    DatasetEngine entry;
    const ValueIndex* values = dataset.values();
    if (values == nullptr && !dataset.live()) {
      // A dataset stored without a value index: build the one ingest builds, from its data.
      DA_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(dataset.info().data_path, OpenMode::kReadOnly));
      DA_ASSIGN_OR_RETURN(ValueIndex built, ValueIndex::Build(db.get(), dataset.catalog()));
      entry.values = std::make_unique<ValueIndex>(std::move(built));
      values = entry.values.get();
    }
    EngineOptions options = options_;
    options.dialect = dataset.dialect();  // the SQL runs on this dataset's database
    DA_ASSIGN_OR_RETURN(entry.engine, Engine::Create(dataset.catalog(), values, options));
    engines_.emplace(&dataset, std::move(entry));
    return Status::Ok();
  }

  AnswerOutcome Answer(const Dataset& dataset, const std::string& question) {
    AnswerOutcome outcome;
    auto it = engines_.find(&dataset);
    if (it == engines_.end()) {
      outcome.message = "no engine was prepared for dataset " + dataset.info().name;
      return outcome;
    }
    EngineAnswer answer = it->second.engine->Answer(question);
    outcome.answered = answer.answered;
    outcome.sql = answer.sql;
    outcome.restatement = answer.restatement;
    outcome.message = answer.message;
    outcome.confidence = answer.confidence;
    outcome.doubts = answer.doubts;
    return outcome;
  }

 private:
  EngineOptions options_;
  std::map<const Dataset*, DatasetEngine> engines_;
};

}  // namespace

Answerer MakeEngineAnswerer(const EngineOptions& options) {
  auto engines = std::make_shared<EngineAnswerers>(options);
  Answerer answerer;
  answerer.prepare = [engines](const Dataset& dataset) { return engines->Prepare(dataset); };
  answerer.answer = [engines](const Dataset& dataset, const std::string& question) {
    return engines->Answer(dataset, question);
  };
  return answerer;
}

}  // namespace da
