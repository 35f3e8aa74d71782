// Conversations: the turns of one chat, kept so that a follow-up ("and for 2011?") can be read
// against the question before it. Persisted per data directory, one JSON file per
// conversation: <data-dir>/conversations/<id>.json, rewritten atomically on every turn.
//
// File format:
//   {"id": "ID", "turns": [{"question", "resolved_question", "sql", "restatement", "dataset",
//                           "created_at"}, ...]}   oldest turn first
#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace da {

struct ConversationTurn {
  std::string question;           // as the user wrote it
  std::string resolved_question;  // the standalone question answered (== question unless a follow-up)
  std::string sql;                // empty when the question was not answered
  std::string restatement;
  std::string dataset;
  std::string created_at;         // ISO-8601 UTC; set by Append when empty

  nlohmann::json ToJson() const;
  // kCorruption naming the missing or mistyped field.
  static Result<ConversationTurn> FromJson(const nlohmann::json& j);
};

struct Conversation {
  std::string id;
  std::vector<ConversationTurn> turns;  // oldest first

  // The most recent answered turn (with SQL) about `dataset`, or nullptr: what a follow-up
  // refers to. Turns the engine could not answer are skipped, so "and for 2011?" after a
  // misunderstood question still refines the last question that worked.
  const ConversationTurn* LastAnsweredTurn(std::string_view dataset) const;
};

class ConversationStore {
 public:
  // Only the most recent turns are kept.
  static constexpr size_t kMaxTurns = 20;
  static constexpr size_t kMaxIdLength = 64;

  // Conversations of the data directory `data_dir` (the directory is created on first write).
  explicit ConversationStore(std::filesystem::path data_dir);

  // Ids are safe file-name tokens: 1..kMaxIdLength of ASCII letters, digits, '-', '_' and '.',
  // not starting with '.'. Anything else (a path, "..", spaces) is kInvalidArgument.
  static Status ValidateId(std::string_view id);

  // The conversation `id`: with no turns when it does not exist yet. kInvalidArgument for a bad
  // id, kCorruption when its file is unreadable.
  Result<Conversation> Load(std::string_view id) const;
  // Appends `turn` (created_at defaults to now), drops turns beyond kMaxTurns and writes the
  // file atomically. Returns the conversation as stored.
  Result<Conversation> Append(std::string_view id, ConversationTurn turn);
  // kNotFound when there is no such conversation.
  Status Remove(std::string_view id);

  std::filesystem::path PathOf(std::string_view id) const;

 private:
  Result<Conversation> LoadLocked(std::string_view id) const;

  std::filesystem::path dir_;
  // Serialises read-modify-write of the files within one process (the server's threads).
  mutable std::mutex mu_;
};

}  // namespace da
