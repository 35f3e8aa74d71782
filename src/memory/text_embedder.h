// The built-in embedder: turns a question into a vector with no network, no model download and
// no training, so the example memory and semantic cache work out of the box. Provider
// embeddings (llm/model_factory.h) replace it when configured.
//
// How a text becomes a vector (signed feature hashing into `dimension` floats, L2-normalised):
//   * Slot placeholders ("<number>", "<year>", "<value:stores.region>") are single tokens: each
//     is a feature of its own, plus one for its kind ("<value>") so slots of one kind but
//     different columns still share something. The memory embeds question templates in which
//     literals were replaced by such slots.
//   * The rest goes through the engine's tokenizer (engine/tokenizer.h). Stop words
//     (Lexicon::IsStopWord) and punctuation other than comparison operators are dropped.
//   * A word contributes its WordNet lemma (weight 1, so "sales" and "sale" mean alike); its
//     WordNet synonyms, the first ones (most frequent senses) weighing most, so "shop"/"store",
//     "customer"/"client" or "salary"/"wage" share features; character 3-grams of the word as
//     written with boundary marks, and its sorted letters, at a lower weight, so a typo
//     ("slaes", "totl") stays near its word. A word WordNet does not know (typo, jargon,
//     foreign word) leans on its spelling: lower lemma weight, higher 3-gram weight.
//     A canonical synonym (say the lexicographically smallest) does not work with WordNet:
//     rare senses win ("shop" -> "betray", "store" -> "computer memory").
//   * Words naming a query operation ("total"/"sum", "count"/"number"/"many",
//     "average"/"mean", "by"/"per"/"each", max and min words) contribute the operation
//     instead of their synonyms, which WordNet mixes up ("total" and "number" are synonyms
//     there, yet one sums and the other counts).
//   * Numbers and quoted strings are single features; consecutive kept tokens form bigram
//     features at a small weight, so word order matters a little.
//
// Empty text, or text made only of stop words and punctuation, gives the zero vector: its
// cosine with anything is 0 and VectorIndex accepts it.
//
// Contract of id(): "builtin:hash-v<N>-<dimension>". Vectors are comparable only between equal
// ids, so ANY change to what this embedder outputs for some text -- features, weights,
// hashing (memory/stable_hash.h), or the tokenizer, lemmas, stop words or synonyms it reads
// from the engine -- must bump kAlgorithmVersion; the memory then re-embeds its entries. A
// test pins the vector of a fixed sentence to catch changes made elsewhere.
//
// Deterministic across runs and platforms. Thread-safe: Embed may be called concurrently (each
// thread memoises the features of the words it has seen, bounded).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llm/provider.h"

namespace da::memory {

class TextEmbedder final : public llm::Embedder {
 public:
  static constexpr int kAlgorithmVersion = 1;
  static constexpr int kDefaultDimension = 256;
  static constexpr int kMaxDimension = 65536;

  // 1 <= dimension <= kMaxDimension; otherwise Embed returns kInvalidArgument.
  explicit TextEmbedder(int dimension = kDefaultDimension);

  // One vector per text, same order; never fails for a valid dimension. `model` is id();
  // usage.input_tokens counts the tokens that became features; attempts is 0 (no requests).
  Result<llm::Embeddings> Embed(const std::vector<std::string>& texts) override;
  std::string id() const override;
  int dimension() const override { return dimension_; }

  // The vector of one text (what Embed computes for each). Precondition: a valid dimension.
  std::vector<float> EmbedOne(std::string_view text, int64_t* feature_tokens = nullptr) const;

 private:
  int dimension_;
};

}  // namespace da::memory
