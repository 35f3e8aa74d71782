#include "ask/follow_up.h"

#include <optional>
#include <unordered_set>

#include "ask/follow_up_internal.h"
#include "common/strings.h"
#include "engine/linker.h"
#include "engine/schema_index.h"

namespace da {

namespace {

using follow_up::Part;
using WordSet = std::unordered_set<std::string>;

// Words that open a follow-up; "what about" and "how about" are matched as pairs.
const WordSet kCueWords = {"and", "but", "also", "now", "then", "so", "ok", "okay", "only", "just",
                           "same", "instead", "plus", "split", "grouped"};
// Open a follow-up only in a message of at most four words ("for 2011?", "by month").
const WordSet kWeakCueWords = {"for", "in", "by", "per", "from", "during"};
constexpr size_t kMaxWeakCueWords = 4;
// After the cue, these make the message a question of its own.
const WordSet kHeadWords = {"what", "which", "who", "whom", "whose", "how", "when", "where", "why",
                            "show", "list", "count", "give", "find", "tell", "display", "get",
                            "return", "compute", "calculate", "is", "are", "was", "were", "does",
                            "did", "can", "could", "would", "will", "should", "name", "plot", "chart"};

std::vector<std::string> LowerWords(const std::vector<Token>& tokens) {
  std::vector<std::string> words;
  for (const Token& t : tokens) words.push_back(t.kind == Token::Kind::kPunct ? "" : t.lower);
  return words;
}

bool Matches(const std::vector<std::string>& words, size_t at, std::initializer_list<const char*> phrase) {
  size_t k = at;
  for (const char* w : phrase) {
    if (k >= words.size() || words[k] != w) return false;
    ++k;
  }
  return true;
}

// The cue at the start of a message: how many tokens it spans and whether it asks to narrow
// ("only", "just"). nullopt when the message does not open like a follow-up.
struct Cue {
  size_t length = 0;
  bool narrowing = false;
};

std::optional<Cue> FindCue(const std::vector<Token>& tokens) {
  const std::vector<std::string> words = LowerWords(tokens);
  Cue cue;
  for (;;) {
    size_t at = cue.length;
    if (at < words.size() && words[at].empty() && at > 0) {  // "and, only ..."
      ++cue.length;
      continue;
    }
    if (Matches(words, at, {"what", "about"}) || Matches(words, at, {"how", "about"}) ||
        Matches(words, at, {"the", "same"}) || Matches(words, at, {"broken", "down"})) {
      cue.length += 2;
    } else if (Matches(words, at, {"do", "the", "same"}) || Matches(words, at, {"break", "it", "down"})) {
      cue.length += 3;
    } else if (at < words.size() && kCueWords.count(words[at])) {
      cue.narrowing = cue.narrowing || words[at] == "only" || words[at] == "just";
      cue.length += 1;
    } else {
      break;
    }
  }
  size_t word_count = 0;
  for (const auto& w : words) word_count += !w.empty();
  if (cue.length == 0) {
    if (words.empty() || !kWeakCueWords.count(words[0]) || word_count > kMaxWeakCueWords) return std::nullopt;
  }
  return cue;
}

// Words left after the cue (punctuation aside).
size_t ContentWords(const std::vector<Token>& tokens, size_t from) {
  size_t n = 0;
  for (size_t i = from; i < tokens.size(); ++i) n += tokens[i].kind != Token::Kind::kPunct;
  return n;
}

}  // namespace

FollowUpResolver::FollowUpResolver(const Catalog& catalog, const ValueIndex* values)
    : schema_(std::make_unique<SchemaIndex>(catalog)), values_(values) {}

FollowUpResolver::~FollowUpResolver() = default;

FollowUp FollowUpResolver::Resolve(std::string_view previous, std::string_view message) const {
  FollowUp out;
  out.question = std::string(Trim(message));
  if (Trim(previous).empty()) return out;
  const std::vector<Token> tokens = Tokenize(message);
  std::optional<Cue> cue = FindCue(tokens);
  if (!cue) return out;
  size_t rest = cue->length;
  if (rest < tokens.size() && kHeadWords.count(tokens[rest].lower)) return out;
  if (ContentWords(tokens, rest) > kMaxFollowUpWords) return out;

  out.kind = FollowUp::Kind::kUnresolved;
  if (ContentWords(tokens, rest) == 0) {
    out.note = "a follow-up that says nothing to change";
    return out;
  }
  const std::string_view remainder = message.substr(tokens[rest].begin);
  const LinkedQuestion now = LinkQuestion(remainder, *schema_, values_);
  const LinkedQuestion before = LinkQuestion(previous, *schema_, values_);

  follow_up::Parsed parsed = follow_up::ParseRemainder(now, *schema_);
  follow_up::Rewriter rewriter(previous, before, *schema_);
  if (cue->narrowing && !parsed.OnlyFilters()) {
    rewriter.AddCondition(remainder, now);
  } else if (!parsed.unknown.empty()) {
    out.note = "could not tell what '" + Join(parsed.unknown, "', '") + "' changes in the previous question";
    return out;
  } else {
    for (const Part& part : parsed.parts) rewriter.Apply(remainder, now, part);
  }
  if (!rewriter.failure().empty()) {
    out.note = rewriter.failure();
    return out;
  }
  if (rewriter.changes().empty()) {
    out.note = "nothing in the follow-up changes the previous question";
    return out;
  }
  out.kind = FollowUp::Kind::kResolved;
  out.question = rewriter.Result();
  out.changes = rewriter.changes();
  out.note = Join(out.changes, "; ");
  return out;
}

}  // namespace da
