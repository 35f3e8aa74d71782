// Follow-up questions without an LLM: "and for 2011?", "what about store 5", "only type A
// stores", "now by month", "and the lowest?", "same for temperature" are read against the
// previous (standalone) question and rewritten into a standalone question the engine can
// answer on its own.
//
// A message is a follow-up when it starts with a cue ("and", "what/how about", "only", "just",
// "now", "(do) the same", "but", "also", "instead", "broken down", "split"; or, when at most four
// words, "for", "in", "by", "per", "from", "during"), is short (at most kMaxFollowUpWords words after the cue) and has no head of its own
// (it does not go on with a question word or a command: "and which store sold most?" stands
// alone).
//
// The rest of the message is linked against the dataset's schema and values (engine/linker.h)
// and each part changes the previous question by a general rule:
//   - a year, month, quarter or date replaces the previous one of the same kind, else is added
//     ("in 2011");
//   - a value of a column replaces the previous value of that column ("France" for
//     "Netherlands"), else is added as a filter ("for type A stores"); a column with a number
//     ("store 5") replaces the number after that column, else is added;
//   - "by X" / "per X" / "for each X" replaces the previous grouping, else is added;
//   - a superlative ("the lowest", "the least") flips the previous one's direction, keeping its
//     word ("most" -> "least"); "top/bottom N" also replaces the count;
//   - an aggregate ("the average") replaces the previous aggregate;
//   - a measure or table name alone ("same for temperature") replaces the previous measure.
// After "only" or "just", a condition the rules do not recognise ("only stores with size above
// 100000") is added as it is written. Otherwise a word no rule explains makes the follow-up
// unresolved: the caller should treat the message as a question of its own.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/value_index.h"

namespace da {

class SchemaIndex;

struct FollowUp {
  enum class Kind {
    kStandalone,  // not a follow-up: answer the message as it is
    kResolved,    // `question` is the previous question with the changes applied
    kUnresolved,  // reads as a follow-up, but the rules cannot tell what it changes
  };
  Kind kind = Kind::kStandalone;
  std::string question;              // the question to answer: the message unless kResolved
  std::vector<std::string> changes;  // kResolved: "replaced '2010' with '2011'", "added 'by month'"
  std::string note;                  // one line: the changes joined by "; ", or why unresolved

  bool is_follow_up() const { return kind != Kind::kStandalone; }
};

// At most this many words after the cue for a message to read as a follow-up.
constexpr size_t kMaxFollowUpWords = 8;

class FollowUpResolver {
 public:
  // `values` may be null. Both must outlive the resolver. Indexes the schema once; Resolve is
  // const and thread-safe.
  FollowUpResolver(const Catalog& catalog, const ValueIndex* values);
  ~FollowUpResolver();

  // Reads `message` against `previous` (the previous turn's standalone question). An empty
  // `previous` makes every message standalone.
  FollowUp Resolve(std::string_view previous, std::string_view message) const;

 private:
  std::unique_ptr<SchemaIndex> schema_;
  const ValueIndex* values_;
};

}  // namespace da
