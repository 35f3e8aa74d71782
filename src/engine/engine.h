// The built-in question engine: turns a plain-English question into SQL over a dataset's
// catalog with no LLM and no network, or says precisely what it did not understand.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/sql_dialect.h"
#include "common/status.h"

namespace da {

struct EngineOptions {
  // Answers below this confidence are returned with answered=false (the reason in message).
  double min_confidence = 0.7;
  int default_limit = 0;  // 0: no LIMIT unless the question asks for top-k
  // The dialect of EngineAnswer::sql: the dataset's (DialectOfDatasetKind of its kind).
  SqlDialect dialect = SqlDialect::kSqlite;
};

struct EngineAnswer {
  bool answered = false;
  std::string sql;           // in EngineOptions::dialect, one SELECT; empty when not answered
  std::string restatement;   // "Number of singers per country"; also set for low-confidence tries
  double confidence = 0;     // 0..1
  std::vector<std::string> alternatives;  // other close readings, restated
  std::vector<std::string> doubts;        // what lowered the confidence ("unknown word 'churn' (x0.60)")
  // When not answered: the words it could not link and the closest schema names.
  std::vector<std::string> unknown_terms;
  std::vector<std::string> suggestions;
  std::string message;       // "I don't know which column 'churn' refers to; closest: ..."
  double parse_ms = 0, plan_ms = 0;
};

class Engine {
 public:
  // `values` may be null (no value linking beyond the catalog's top values). Both must
  // outlive the engine. Construction indexes the schema once; Answer is const and
  // thread-safe.
  static Result<std::unique_ptr<Engine>> Create(const Catalog& catalog, const ValueIndex* values,
                                                EngineOptions options = {});
  virtual ~Engine() = default;
  virtual EngineAnswer Answer(std::string_view question) const = 0;
};

}  // namespace da
