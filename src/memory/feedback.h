// A person's verdict on a remembered answer, as the CLI's `feedback` command and the server's
// POST /feedback take it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "memory/memory.h"

namespace da::memory {

struct Feedback {
  bool approve = false;
  int64_t answer_id = 0;                // the entry; 0: the newest answer to `question`
  std::optional<std::string> question;  // names the answer when answer_id is 0
  std::optional<std::string> sql;       // approve only: the corrected statement (validated first)
  std::string notes;
};

// Approves or rejects the entry named. A question never answered, approved with its SQL (no
// answer id), becomes a new example. kInvalidArgument when --sql comes with a rejection or
// nothing names the answer; kNotFound when there is no such answer.
Result<MemoryEntry> ApplyFeedback(Memory& memory, const Feedback& feedback);

// {"id", "question", "sql", "notes", "status", "source", "hits", "created_at", "updated_at"}.
nlohmann::json EntryJson(const MemoryEntry& entry);

}  // namespace da::memory
