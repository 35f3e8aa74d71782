// A question asked within a conversation: read against the conversation's last answered turn
// (ask/follow_up.h), answered with the earlier turns as history, then recorded. The CLI's
// `ask --conversation` and the server's POST /ask share this.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ask/conversation.h"
#include "ask/follow_up.h"
#include "ask/pipeline.h"
#include "common/status.h"

namespace da {

struct ConversationQuestion {
  FollowUp follow_up;                  // follow_up.question is what the pipeline answers
  std::vector<AskHistoryTurn> history;  // earlier turns about the dataset, oldest first
  QuestionContext context = QuestionContext::kStandalone;
};

// Reads `question` in conversation `id` about `dataset`. An empty `id` is no conversation: the
// question is standalone. kInvalidArgument for a bad id, kCorruption for an unreadable file.
Result<ConversationQuestion> ReadInConversation(const ConversationStore& conversations, std::string_view id,
                                                const std::string& dataset, const FollowUpResolver& resolver,
                                                std::string_view question);

// Appends the turn to conversation `id` (no-op when `id` is empty) and adds "conversation",
// "resolved_question" and "follow_up" {kind, changes, note} to `answer_json`.
Status RecordInConversation(ConversationStore& conversations, std::string_view id, const std::string& dataset,
                            std::string_view question, const ConversationQuestion& read, const AskAnswer& answer,
                            nlohmann::json* answer_json);

}  // namespace da
