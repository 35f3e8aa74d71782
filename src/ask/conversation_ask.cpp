#include "ask/conversation_ask.h"

namespace da {

namespace {

const char* FollowUpKindName(FollowUp::Kind kind) {
  switch (kind) {
    case FollowUp::Kind::kStandalone: return "standalone";
    case FollowUp::Kind::kResolved: return "resolved";
    case FollowUp::Kind::kUnresolved: return "unresolved";
  }
  return "standalone";
}

// The conversation so far about this dataset, oldest first, as the SQL model reads it.
std::vector<AskHistoryTurn> HistoryOf(const Conversation& conversation, const std::string& dataset) {
  std::vector<AskHistoryTurn> history;
  for (const auto& turn : conversation.turns) {
    if (turn.dataset != dataset) continue;
    std::string note = turn.sql.empty() ? "not answered" : "understood as: " + turn.restatement;
    history.push_back({turn.resolved_question, turn.sql, std::move(note)});
  }
  return history;
}

}  // namespace

Result<ConversationQuestion> ReadInConversation(const ConversationStore& conversations, std::string_view id,
                                                const std::string& dataset, const FollowUpResolver& resolver,
                                                std::string_view question) {
  ConversationQuestion read;
  read.follow_up.question = std::string(question);
  if (id.empty()) return read;
  DA_RETURN_IF_ERROR(ConversationStore::ValidateId(id));
  DA_ASSIGN_OR_RETURN(Conversation conversation, conversations.Load(id));
  const ConversationTurn* last = conversation.LastAnsweredTurn(dataset);
  read.follow_up = resolver.Resolve(last ? last->resolved_question : "", question);
  read.history = HistoryOf(conversation, dataset);
  // A follow-up the rules could not rewrite is read by the SQL model with the history.
  if (read.follow_up.kind == FollowUp::Kind::kUnresolved && !read.history.empty()) {
    read.context = QuestionContext::kNeedsHistory;
  }
  return read;
}

Status RecordInConversation(ConversationStore& conversations, std::string_view id, const std::string& dataset,
                            std::string_view question, const ConversationQuestion& read, const AskAnswer& answer,
                            nlohmann::json* answer_json) {
  if (id.empty()) return Status::Ok();
  (*answer_json)["conversation"] = std::string(id);
  (*answer_json)["resolved_question"] = read.follow_up.question;
  (*answer_json)["follow_up"] = {{"kind", FollowUpKindName(read.follow_up.kind)},
                                 {"changes", read.follow_up.changes},
                                 {"note", read.follow_up.note}};
  ConversationTurn turn{std::string(question), read.follow_up.question, answer.answered ? answer.sql : "",
                        answer.restatement, dataset, ""};
  return conversations.Append(id, std::move(turn)).status();
}

}  // namespace da
