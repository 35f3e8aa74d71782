#include "memory/text_embedder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/lexicon.h"
#include "engine/tokenizer.h"
#include "memory/stable_hash.h"

namespace da::memory {
namespace {

// Feature weights (before normalisation). A known word's lemma is the unit. A word WordNet
// does not know (a typo, jargon, a foreign word) leans on its spelling instead.
constexpr float kLemmaWeight = 1.0f;
constexpr float kUnknownLemmaWeight = 0.6f;
constexpr float kSynonymWeight = 0.5f;  // the first synonym; the i-th weighs this / sqrt(i + 1)
constexpr size_t kMaxSynonyms = 12;
constexpr float kCharGramWeight = 0.5f;  // L2 norm of all of one word's 3-grams together
constexpr float kUnknownCharGramWeight = 1.0f;
constexpr float kAnagramWeight = 0.25f;
constexpr float kUnknownAnagramWeight = 0.5f;
constexpr size_t kMinAnagramLength = 4;  // shorter words have too many anagrams
constexpr float kBigramWeight = 0.35f;
constexpr float kSlotWeight = 1.0f;
constexpr float kSlotKindWeight = 0.5f;
constexpr float kNumberWeight = 0.7f;
constexpr float kQuotedWeight = 0.8f;
constexpr float kOperatorWeight = 0.5f;  // comparison operators
constexpr float kOperationWeight = 1.0f;  // a query operation ("sum", "count", "group")
constexpr float kOperationLemmaWeight = 0.5f;

// Hash seeds keep kinds of features apart. Words, synonyms and bigrams share one space, so the
// bigram "net income" meets the synonym "net income" of "earnings".
enum Space : uint64_t { kWordSpace = 1, kGramSpace = 2, kAnagramSpace = 3, kNumberSpace = 4,
                        kQuotedSpace = 5, kSlotSpace = 6, kOperationSpace = 7 };

struct Feature {
  uint64_t hash = 0;
  float weight = 0;
};

Feature MakeFeature(Space space, std::string_view text, float weight) {
  return {StableHash64(text, space), weight};
}

// "^word$" -> "^wo", "wor", "ord", "rd$" (bytes, so any UTF-8 text works), together weighing
// `total` (L2).
void AddCharGrams(std::string_view word, float total, std::vector<Feature>& out) {
  std::string marked = "^" + std::string(word) + "$";
  size_t count = marked.size() - 2;
  float weight = total / std::sqrt(static_cast<float>(count));
  for (size_t i = 0; i < count; ++i) {
    out.push_back(MakeFeature(kGramSpace, std::string_view(marked).substr(i, 3), weight));
  }
}

// Words analysts use interchangeably for one query operation, by lemma. Such a word contributes
// its operation instead of its WordNet synonyms, which mix the operations up ("total" and
// "number" are synonyms there, yet one sums and the other counts). Generic English only.
constexpr std::pair<std::string_view, std::string_view> kOperationWords[] = {
    {"total", "sum"},     {"sum", "sum"},         {"count", "count"},   {"number", "count"},
    {"many", "count"},    {"average", "avg"},     {"mean", "avg"},      {"avg", "avg"},
    {"maximum", "max"},   {"max", "max"},         {"high", "max"},      {"large", "max"},
    {"big", "max"},       {"minimum", "min"},     {"min", "min"},       {"low", "min"},
    {"small", "min"},     {"by", "group"},        {"per", "group"},     {"each", "group"},
};

std::optional<std::string_view> OperationOf(std::string_view lemma) {
  for (const auto& [word, operation] : kOperationWords) {
    if (word == lemma) return operation;
  }
  return std::nullopt;
}

// Everything a word contributes, independent of the vector's dimension: meaning from its lemma
// (so "sales" and "sale" mean alike), spelling from the word as written.
std::vector<Feature> ComputeWordFeatures(const std::string& lower, const std::string& lemma) {
  std::vector<Feature> out;
  if (std::optional<std::string_view> operation = OperationOf(lemma)) {
    out.push_back(MakeFeature(kOperationSpace, *operation, kOperationWeight));
    out.push_back(MakeFeature(kWordSpace, lemma, kOperationLemmaWeight));
    return out;
  }
  const Lexicon& lexicon = Lexicon::Get();
  const bool known = lexicon.IsKnownWord(lemma);
  out.push_back(MakeFeature(kWordSpace, lemma, known ? kLemmaWeight : kUnknownLemmaWeight));
  std::vector<std::string> synonyms = lexicon.Synonyms(lemma);
  for (size_t i = 0; i < synonyms.size() && i < kMaxSynonyms; ++i) {
    float weight = kSynonymWeight / std::sqrt(static_cast<float>(i + 1));
    out.push_back(MakeFeature(kWordSpace, synonyms[i], weight));
  }
  AddCharGrams(lower, known ? kCharGramWeight : kUnknownCharGramWeight, out);
  if (lower.size() >= kMinAnagramLength) {
    std::string sorted = lower;
    std::sort(sorted.begin(), sorted.end());
    out.push_back(MakeFeature(kAnagramSpace, sorted, known ? kAnagramWeight : kUnknownAnagramWeight));
  }
  return out;
}

// Memoised per thread (WordNet lookups are slow and serialised); bounded so a long-running
// server does not grow without limit.
const std::vector<Feature>& WordFeatures(const Token& token) {
  thread_local std::unordered_map<std::string, std::vector<Feature>> cache;
  if (auto it = cache.find(token.lower); it != cache.end()) return it->second;
  if (cache.size() > 50000) cache.clear();
  return cache.emplace(token.lower, ComputeWordFeatures(token.lower, token.lemma)).first->second;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }
bool IsSpaceOrAngle(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == '<' || c == '>'; }
char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Length of the slot placeholder starting at text[0] ("<year>", "<value:stores.region>"):
// '<', a letter, letters/digits/'_', optionally ':' and a non-empty qualifier without spaces
// or angle brackets, '>'. 0 when text does not start with one.
size_t PlaceholderLength(std::string_view text) {
  if (text.size() < 3 || text[0] != '<' || !IsAsciiAlpha(text[1])) return 0;
  size_t i = 2;
  while (i < text.size() && (IsAsciiAlnum(text[i]) || text[i] == '_')) ++i;
  if (i < text.size() && text[i] == ':') {
    size_t start = ++i;
    while (i < text.size() && !IsSpaceOrAngle(text[i])) ++i;
    if (i == start) return 0;
  }
  return i < text.size() && text[i] == '>' ? i + 1 : 0;
}

bool IsComparisonOperator(std::string_view p) {
  return p == "<" || p == ">" || p == "<=" || p == ">=" || p == "=" || p == "!=" || p == "<>";
}

// Collects features token by token; `key` of each kept token feeds the bigrams.
class FeatureBuilder {
 public:
  void AddSlot(std::string_view placeholder) {
    std::string lower;
    for (char c : placeholder) lower += AsciiLowerChar(c);
    features_.push_back(MakeFeature(kSlotSpace, lower, kSlotWeight));
    if (size_t colon = lower.find(':'); colon != std::string::npos) {
      features_.push_back(MakeFeature(kSlotSpace, lower.substr(0, colon) + ">", kSlotKindWeight));
    }
    Keep(lower);
  }

  void AddTokens(std::string_view text) {
    const Lexicon& lexicon = Lexicon::Get();
    for (const Token& t : Tokenize(text)) {
      switch (t.kind) {
        case Token::Kind::kWord:
          if (lexicon.IsStopWord(t.lower)) break;
          for (const Feature& f : WordFeatures(t)) features_.push_back(f);
          Keep(t.lemma);
          break;
        case Token::Kind::kNumber:
          features_.push_back(MakeFeature(kNumberSpace, t.lower, kNumberWeight));
          Keep(t.lower);
          break;
        case Token::Kind::kQuoted:
          if (t.lower.empty()) break;
          features_.push_back(MakeFeature(kQuotedSpace, t.lower, kQuotedWeight));
          Keep("\"" + t.lower + "\"");
          break;
        case Token::Kind::kPunct:
          if (!IsComparisonOperator(t.lower)) break;
          features_.push_back(MakeFeature(kWordSpace, t.lower, kOperatorWeight));
          Keep(t.lower);
          break;
      }
    }
  }

  const std::vector<Feature>& features() const { return features_; }
  int64_t kept_tokens() const { return kept_; }

 private:
  void Keep(std::string key) {
    if (!previous_.empty()) {
      features_.push_back(MakeFeature(kWordSpace, previous_ + " " + key, kBigramWeight));
    }
    previous_ = std::move(key);
    ++kept_;
  }

  std::vector<Feature> features_;
  std::string previous_;
  int64_t kept_ = 0;
};

// Signed feature hashing: the low bits pick the slot, the top bit the sign, so collisions
// cancel out on average instead of piling up.
std::vector<float> HashToVector(const std::vector<Feature>& features, int dimension) {
  std::vector<float> v(static_cast<size_t>(dimension), 0.0f);
  for (const Feature& f : features) {
    size_t slot = static_cast<size_t>(f.hash % static_cast<uint64_t>(dimension));
    v[slot] += (f.hash >> 63) != 0 ? -f.weight : f.weight;
  }
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  if (norm > 0) {
    float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v) x *= scale;
  }
  return v;
}

}  // namespace

TextEmbedder::TextEmbedder(int dimension) : dimension_(dimension) {}

std::string TextEmbedder::id() const {
  return "builtin:hash-v" + std::to_string(kAlgorithmVersion) + "-" + std::to_string(dimension_);
}

std::vector<float> TextEmbedder::EmbedOne(std::string_view text, int64_t* feature_tokens) const {
  FeatureBuilder builder;
  size_t segment = 0;
  for (size_t i = text.find('<'); i != std::string_view::npos; i = text.find('<', i + 1)) {
    size_t length = PlaceholderLength(text.substr(i));
    if (length == 0) continue;
    builder.AddTokens(text.substr(segment, i - segment));
    builder.AddSlot(text.substr(i, length));
    segment = i + length;
    i = segment - 1;
  }
  builder.AddTokens(text.substr(segment));
  if (feature_tokens != nullptr) *feature_tokens += builder.kept_tokens();
  return HashToVector(builder.features(), dimension_);
}

Result<llm::Embeddings> TextEmbedder::Embed(const std::vector<std::string>& texts) {
  if (dimension_ < 1 || dimension_ > kMaxDimension) {
    return Status::InvalidArgument("built-in embedder: dimension " + std::to_string(dimension_) +
                                   " is outside 1.." + std::to_string(kMaxDimension));
  }
  const auto start = std::chrono::steady_clock::now();
  llm::Embeddings out;
  out.model = id();
  out.vectors.reserve(texts.size());
  for (const std::string& text : texts) {
    out.vectors.push_back(EmbedOne(text, &out.usage.input_tokens));
  }
  out.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace da::memory
