// Helpers shared by memory.cpp and memory_feedback.cpp; not part of the memory's interface.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "memory/memory_store.h"
#include "memory/question_key.h"

namespace da::memory::internal {

// SQL compared for "the same statement": whitespace runs collapsed, trailing ';' dropped.
std::string NormalizeSql(std::string_view sql);

// "2026-11-24T10:00:00Z" -> seconds since the epoch; nullopt when malformed.
std::optional<std::time_t> ParseIsoUtc(std::string_view text);

// What is embedded for a question: its signature (schema elements, operators, slots in order)
// and its template, so paraphrases of one shape land close whatever their wording.
std::string EmbeddingText(std::string_view signature, std::string_view template_text);

// Writes the key's exact text, template, signature and JSON into the entry.
void SetKey(MemoryEntry& entry, const QuestionKey& key);

}  // namespace da::memory::internal
