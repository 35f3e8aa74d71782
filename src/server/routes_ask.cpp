// Questions (JSON or streamed as server-sent events), SQL through the guard, feedback, history.
#include "ask/conversation_ask.h"
#include "memory/feedback.h"
#include "server/server_internal.h"
#include "viz/chart.h"

namespace da::server {

namespace {

constexpr size_t kMaxQuestionBytes = 2000;
constexpr size_t kMaxConversationId = 48;  // leaves room for the key's prefix in the stored id

bool WantsEvents(const httplib::Request& req) {
  return req.get_header_value("Accept").find("text/event-stream") != std::string::npos;
}

std::string SseText(const std::string& event, const nlohmann::json& data) {
  return "event: " + event + "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

// What a stage's event carries: the part of the answer the stage produced.
nlohmann::json StageData(AskStage stage, const AskAnswer& a) {
  switch (stage) {
    case AskStage::kIntent: return {{"intent", IntentName(a.intent)}};
    case AskStage::kSql: return {{"sql", a.sql}, {"source", a.source}, {"restatement", a.restatement}};
    case AskStage::kRows: {
      nlohmann::json r = a.result ? a.result->ToJson() : nlohmann::json::object();
      return {{"columns", r.value("columns", nlohmann::json::array())}, {"rows", r.value("rows", nlohmann::json::array())},
              {"row_count", r.value("row_count", 0)}, {"truncated", r.value("truncated", false)}};
    }
    case AskStage::kChart: return {{"chart", a.chart.ToJson()}};
    case AskStage::kExplanation: return {{"explanation", a.explanation}};
  }
  return {};
}

// A question as the request gives it, checked.
struct AskRequest {
  std::string dataset, question, conversation;  // conversation: the client's id ("" none)
  GuardLimits limits;
};

}  // namespace

void Server::Impl::CountAnswer(const AskAnswer& a) {
  metrics_.Count("dataanalyst_answers_total", {a.answered ? a.source : "none"});
  const AskTimings& t = a.timings;
  const std::pair<const char*, double> stages[] = {
      {"intent", t.intent}, {"cache", t.cache},   {"engine", t.engine},       {"prompt", t.prompt},
      {"llm", t.llm},       {"execute", t.execute}, {"repair", t.repair},     {"normalise", t.normalise},
      {"chart", t.chart},   {"explain", t.explain}, {"total", t.total}};
  nlohmann::json logged = nlohmann::json::object();
  for (const auto& [name, ms] : stages) {
    if (ms <= 0) continue;
    metrics_.Observe("dataanalyst_ask_stage_seconds", {name}, ms / 1000);
    logged[std::string(name) + "_ms"] = ms;
  }
  Current().stages = logged;
  if (t.cache > 0 || a.cache.hit) {
    ++cache_lookups_;
    if (a.cache.hit) ++cache_hits_;
    metrics_.Count("dataanalyst_cache_lookups_total", {a.cache.hit ? "hit" : "miss"});
  }
  if (a.usage.input_tokens) metrics_.Count("dataanalyst_llm_tokens_total", {"input"}, a.usage.input_tokens);
  if (a.usage.output_tokens) metrics_.Count("dataanalyst_llm_tokens_total", {"output"}, a.usage.output_tokens);
  if (a.usage.calls) metrics_.Count("dataanalyst_llm_calls_total", {}, a.usage.calls);
}

void Server::Impl::Ask(const httplib::Request& req, httplib::Response& res) {
  auto body = JsonBody(req, res);
  if (!body) return;
  JsonFields f(*body);
  AskRequest ask;
  ask.dataset = f.String("dataset", true, 64);
  ask.question = f.String("question", true, kMaxQuestionBytes);
  ask.conversation = f.String("conversation", false, kMaxConversationId);
  ask.limits = options_.limits;
  if (auto rows = f.Int("max_rows", 1, options_.max_rows_cap)) ask.limits.max_rows = *rows;
  if (f.error()) return WriteError(res, *f.error());
  if (!ask.conversation.empty()) {
    if (Status s = ConversationStore::ValidateId(ask.conversation); !s.ok()) {
      return WriteError(res, ApiError::BadRequest(s.message()));
    }
  }
  if (!CanSee(ask.dataset, res)) return;
  auto leased = hub_->Acquire(ask.dataset);
  if (!leased.ok()) return WriteError(res, ErrorFromStatus(leased.status()));
  auto lease = std::make_shared<DatasetHub::Lease>(std::move(*leased));
  const ApiKey key = Current().key;

  // The whole question, reporting stages to `on_stage`; returns the status to answer with.
  auto answer = [this, lease, ask, key, remote = req.remote_addr, port = req.remote_port](
                    const AskStageObserver& on_stage, nlohmann::json* out) -> int {
    // Conversations are private to a key: its id prefixes the client's.
    const std::string stored_id = ask.conversation.empty() ? "" : "k" + std::to_string(key.id) + "-" + ask.conversation;
    auto read = ReadInConversation(*conversations_, stored_id, ask.dataset, lease->resolver(), ask.question);
    if (!read.ok()) {
      ApiError e = ErrorFromStatus(read.status());
      if (e.status >= 500) {  // the file's path is the server's business: logged, not answered
        log_.Error("conversation_unreadable", {{"request_id", Current().id}, {"message", read.status().message()}});
        e.message = "the conversation '" + ask.conversation + "' could not be read (a server problem; request id " +
                    Current().id + ")";
      }
      *out = e.ToJson();
      return e.status;
    }
    lease->pipeline().set_limits(ask.limits);
    auto watch = watch_->Watch(remote, port, [lease] { lease->dataset().Interrupt(); });
    AskAnswer a = lease->pipeline().Ask(read->follow_up.question, read->history, read->context, on_stage);
    *out = a.ToJson();
    (*out)["question"] = ask.question;
    (*out)["dataset"] = ask.dataset;
    if (Status s = RecordInConversation(*conversations_, stored_id, ask.dataset, ask.question, *read, a, out); !s.ok()) {
      (*out)["warnings"].push_back("the conversation could not be saved: " + s.message());
    }
    if (!ask.conversation.empty()) (*out)["conversation"] = ask.conversation;
    CountAnswer(a);
    HistoryItem item;
    item.key_id = key.id;
    item.dataset = ask.dataset;
    item.question = ask.question;
    item.answered = a.answered;
    item.sql = a.sql;
    item.restatement = a.restatement;
    item.source = a.source;
    item.answer_id = a.answer_id;
    item.row_count = a.result ? static_cast<int64_t>(a.result->rows.size()) : 0;
    item.message = a.message;
    history_writer_->Add(std::move(item));
    if (watch.client_gone()) return 499;
    return a.error.code() == Status::Code::kTimeout ? 504 : 200;
  };

  if (!WantsEvents(req)) {
    nlohmann::json out;
    const int status = answer({}, &out);
    if (status == 504) return WriteError(res, ErrorFromStatus(Status::Timeout(out["error"].value("message", ""))));
    return WriteJson(res, out, status);
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [answer, &res](size_t, httplib::DataSink& sink) {
    auto send = [&sink](const std::string& event, const nlohmann::json& data) {
      const std::string text = SseText(event, data);
      return sink.write(text.data(), text.size());
    };
    nlohmann::json out;
    const int status = answer([&](AskStage stage, const AskAnswer& a) { send(AskStageName(stage), StageData(stage, a)); },
                              &out);
    // The status line went out before the question ran: the log line and metrics (written from
    // `res` after the stream) say 499 when the client went away (docs/api.md).
    if (status == 499) res.status = 499;
    send(status == 200 || status == 504 ? "done" : "error", out.contains("error") && status != 200 && status != 504
                                                                  ? nlohmann::json{{"error", out["error"]}}
                                                                  : out);
    sink.done();
    return true;
  });
}

void Server::Impl::Sql(const httplib::Request& req, httplib::Response& res) {
  auto body = JsonBody(req, res);
  if (!body) return;
  JsonFields f(*body);
  const std::string dataset = f.String("dataset", true, 64);
  const std::string sql = f.String("sql", true, GuardedConnection::kMaxSqlBytes);
  GuardLimits limits = options_.limits;
  if (auto rows = f.Int("max_rows", 1, options_.max_rows_cap)) limits.max_rows = *rows;
  if (f.error()) return WriteError(res, *f.error());
  if (!CanSee(dataset, res)) return;
  auto lease = hub_->Acquire(dataset);
  if (!lease.ok()) return WriteError(res, ErrorFromStatus(lease.status()));
  Result<QueryResult> result = [&] {
    auto watch = watch_->Watch(req.remote_addr, req.remote_port, [&lease] { lease->dataset().Interrupt(); });
    return lease->dataset().Query(sql, limits);
  }();
  if (!result.ok()) {
    ApiError e = ErrorFromStatus(result.status());
    if (e.status == 400) e.code = "sql_error";
    return WriteError(res, e);
  }
  nlohmann::json out = result->ToJson();
  out["chart"] = ChooseChart(*result).ToJson();
  WriteJson(res, out);
}

void Server::Impl::GiveFeedback(const httplib::Request& req, httplib::Response& res) {
  auto body = JsonBody(req, res);
  if (!body) return;
  JsonFields f(*body);
  const std::string dataset = f.String("dataset", true, 64);
  const std::string verdict = f.String("verdict", true, 16);
  memory::Feedback feedback;
  feedback.answer_id = f.Int("answer_id", 1, INT64_MAX).value_or(0);
  if (f.Has("question")) feedback.question = f.String("question", false, kMaxQuestionBytes);
  if (f.Has("sql")) feedback.sql = f.String("sql", false, GuardedConnection::kMaxSqlBytes);
  feedback.notes = f.String("notes", false, 4000);
  if (f.error()) return WriteError(res, *f.error());
  if (verdict != "approve" && verdict != "reject") {
    return WriteError(res, ApiError::BadRequest("field 'verdict' must be \"approve\" or \"reject\""));
  }
  feedback.approve = verdict == "approve";
  if (!CanSee(dataset, res)) return;
  auto lease = hub_->Acquire(dataset);
  if (!lease.ok()) return WriteError(res, ErrorFromStatus(lease.status()));
  memory::Memory* memory = lease->memory();
  if (memory == nullptr) return WriteError(res, {503, "unavailable", "the memory of '" + dataset + "' is not available"});
  // An id belongs to one dataset's memory: another dataset's answer is not found here.
  if (feedback.answer_id > 0) {
    auto entry = memory->Get(feedback.answer_id);
    if (!entry.ok() || entry->dataset != dataset) {
      return WriteError(res, ApiError::NotFound("no answer " + std::to_string(feedback.answer_id) + " in '" + dataset + "'"));
    }
  }
  auto entry = memory::ApplyFeedback(*memory, feedback);
  if (!entry.ok()) return WriteError(res, ErrorFromStatus(entry.status()));
  WriteJson(res, {{"dataset", dataset}, {"entry", memory::EntryJson(*entry)}});
}

void Server::Impl::History(const httplib::Request& req, httplib::Response& res) {
  const std::string dataset = req.get_param_value("dataset");
  size_t limit = 50;
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    char* end = nullptr;
    const long long n = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 1 || n > static_cast<long long>(HistoryStore::kMaxListed)) {
      return WriteError(res, ApiError::BadRequest("parameter 'limit' must be from 1 to " +
                                                  std::to_string(HistoryStore::kMaxListed)));
    }
    limit = static_cast<size_t>(n);
  }
  if (!dataset.empty() && !CanSee(dataset, res)) return;
  history_writer_->Flush();  // this key's latest questions are part of what it reads
  auto items = history_->List(Current().key.id, dataset, limit);
  if (!items.ok()) return WriteError(res, ErrorFromStatus(items.status()));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : *items) {
    // A key whose scope shrank no longer sees its old questions about other datasets.
    if (Current().key.CanSee(item.dataset)) list.push_back(item.ToJson());
  }
  WriteJson(res, {{"items", list}});
}

}  // namespace da::server
