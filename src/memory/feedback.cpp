#include "memory/feedback.h"

namespace da::memory {

namespace {

Result<MemoryEntry> Target(Memory& memory, const Feedback& f) {
  if (f.answer_id > 0) return memory.Get(f.answer_id);
  if (!f.question) return Status::InvalidArgument("name the answer: an answer id or the question");
  return memory.Latest(*f.question);
}

}  // namespace

Result<MemoryEntry> ApplyFeedback(Memory& memory, const Feedback& f) {
  auto target = Target(memory, f);
  if (!target.ok() && target.status().code() == Status::Code::kNotFound && f.approve && f.sql && f.question &&
      f.answer_id == 0) {
    DA_ASSIGN_OR_RETURN(int64_t id, memory.AddExample(*f.question, *f.sql, f.notes, "feedback"));
    return memory.Get(id);
  }
  if (!target.ok()) return target.status();
  if (f.approve) return memory.Approve(target->id, f.sql, f.notes);
  if (f.sql) return Status::InvalidArgument("a corrected SQL goes with an approval, not a rejection");
  return memory.Reject(target->id, f.notes);
}

nlohmann::json EntryJson(const MemoryEntry& e) {
  return {{"id", e.id},
          {"question", e.question},
          {"sql", e.sql},
          {"notes", e.notes},
          {"status", EntryStatusName(e.status)},
          {"source", e.source},
          {"hits", e.hits},
          {"created_at", e.created_at},
          {"updated_at", e.updated_at}};
}

}  // namespace da::memory
