// Internal to the follow-up resolver (follow_up.h): the parts a follow-up is read into, and
// the rewriting of the previous question part by part.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/linker.h"
#include "engine/schema_index.h"

namespace da::follow_up {

struct Part {
  enum class Kind {
    kLiteral,      // a year, month, quarter, date or number; `mention`: a column before it ("store 5")
    kValue,        // a value of a column (`mention`), with the names around it that name its column
    kGrouping,     // "by X" / "per X" / "for each X": X is tokens [target_first, target_last]
    kSuperlative,  // `word` ("lowest"), with `count` ("top 3")
    kAggregate,    // `word` ("average")
    kSchema,       // a table or column name alone (`mention`): a new measure or subject
  };
  Kind kind = Kind::kLiteral;
  size_t first = 0, last = 0;  // the tokens the part covers, inclusive
  int literal = -1;            // kLiteral: index into LinkedQuestion::literals
  int mention = -1;            // index into LinkedQuestion::mentions, or -1
  size_t target_first = 0, target_last = 0;
  std::string word;
  std::string count;  // kSuperlative: the count as written, or empty
};

struct Parsed {
  std::vector<Part> parts;
  std::vector<std::string> unknown;  // words no rule explains, as written
  // Only literals and values: what "only ..." can narrow by without being read as a condition.
  bool OnlyFilters() const;
};

// Reads the rest of a follow-up (after its cue) into parts.
Parsed ParseRemainder(const LinkedQuestion& q, const SchemaIndex& schema);

// +1 for "highest"-like words, -1 for "lowest"-like ones, 0 for other words.
int SuperlativeDirection(const std::string& lower);
bool IsAggregateWord(const std::string& lower);

// The previous question with changes applied: replacements of its spans and additions at its end.
class Rewriter {
 public:
  // `before` is `previous` linked; both must outlive the rewriter.
  Rewriter(std::string_view previous, const LinkedQuestion& before, const SchemaIndex& schema);

  // Applies one part of the follow-up `now` (linked from `now_text`). A part that cannot be
  // applied sets failure().
  void Apply(std::string_view now_text, const LinkedQuestion& now, const Part& part);
  // Adds the follow-up `now` as a condition, as written ("only stores with size above 100000"
  // adds "with size above 100000"), after "with" unless it opens with a preposition.
  void AddCondition(std::string_view now_text, const LinkedQuestion& now);

  const std::string& failure() const { return failure_; }
  const std::vector<std::string>& changes() const { return changes_; }
  // The previous question with every change applied.
  std::string Result() const;

 private:
  struct Edit {
    size_t begin, end;
    std::string text;
  };
  void ApplyLiteral(std::string_view now_text, const LinkedQuestion& now, const Part& part);
  void ApplyValue(std::string_view now_text, const LinkedQuestion& now, const Part& part);
  void ApplyGrouping(std::string_view now_text, const LinkedQuestion& now, const Part& part);
  void ApplySuperlative(const Part& part);
  void ApplyAggregate(const Part& part);
  void ApplySchema(std::string_view now_text, const LinkedQuestion& now, const Part& part);

  // Replaces previous tokens [first, last] with `text`; false (and failure set) when an earlier
  // change already touched them.
  bool Replace(size_t first, size_t last, const std::string& text);
  void Add(const std::string& phrase);
  void Fail(std::string why);
  std::string Span(size_t first, size_t last) const;
  bool Touched(size_t token) const;

  // Spans of the previous question by role.
  int GroupingTarget(size_t* first, size_t* last) const;
  int FindSuperlative() const;  // token index, or -1
  int FindAggregate() const;    // token index, or -1
  // The mention that names what the previous question measures or counts: not a grouping, not
  // a column followed by its value; preferring a table or a numeric column as asked. -1: none.
  int MeasureMention(bool want_table, bool want_numeric) const;
  bool MentionIsNumeric(const Mention& m) const;

  std::string_view previous_;
  const LinkedQuestion& before_;
  const SchemaIndex& schema_;
  size_t tail_;  // where additions go: after the last word
  std::vector<Edit> edits_;
  std::vector<bool> touched_;
  std::vector<std::string> changes_;
  std::string failure_;
};

}  // namespace da::follow_up
