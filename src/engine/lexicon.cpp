#include "engine/lexicon.h"

#include <libstemmer.h>
#include <wn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace da {
namespace {

// Stop words are English function words that name nothing in a schema AND express no query
// operation. A word that can change which rows, columns, aggregates, groups or order a question
// asks for is never a stop word, even if it is a function word: negation (not, no, without),
// comparison (more, less, than, over, under, before, after, since), quantity and aggregation
// (how, many, much, number, count, total, average), grouping (each, per, by), ranking (top,
// first, last, most, least), ranges and boolean structure (between, and, or, from, to).
// Question boilerplate ("show", "list", "give me", "please") is included: it asks for an answer
// but says nothing about which one.
constexpr const char* kStopWords[] = {
    // articles and determiners
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "all", "every",
    "another", "such",
    // pronouns and possessives
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your",
    "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
    "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "one's",
    "'s", "s",
    // auxiliaries and copulas
    "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "doing",
    "done", "has", "have", "had", "having", "can", "could", "would", "should", "will", "shall",
    "may", "might", "must", "let", "let's", "there", "here",
    // wh-words (except "how", which starts "how many" / "how much")
    "what", "which", "who", "whom", "whose", "where", "when", "why", "whatever", "whichever",
    // prepositions and particles that carry no comparison or range
    "of", "in", "on", "at", "for", "with", "about", "into", "onto", "within", "as", "via",
    "upon", "across", "among", "amongst", "along", "throughout", "regarding", "concerning",
    "including", "whether", "if", "so", "then", "also", "just", "too", "very", "really",
    "currently", "ever",
    // question boilerplate
    "show", "shows", "showing", "list", "lists", "listing", "give", "gives", "giving", "tell",
    "find", "display", "return", "returns", "get", "fetch", "retrieve", "provide", "please",
    "kindly", "want", "wanted", "need", "know", "see", "respectively",
};

std::string AsciiLower(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// WordNet spells collocations with '_' and marks adjective positions as "(a)", "(p)", "(ip)".
std::string CleanWordNetWord(const char* raw) {
  std::string word = AsciiLower(raw);
  if (size_t paren = word.find('('); paren != std::string::npos) word.resize(paren);
  std::replace(word.begin(), word.end(), '_', ' ');
  return word;
}

// WordNet's search functions take `char*` and look words up in fixed-size buffers; words
// outside this shape cannot be in its index, so they are never passed to it.
bool WordNetCanLookUp(std::string_view word) {
  if (word.empty() || word.size() > 64) return false;
  for (unsigned char c : word) {
    if (c < 0x20 || c >= 0x80) return false;
  }
  return true;
}

// "Isaac_Merrit_Singer", "Daniel_Chester_French": a collocation whose every part is capitalised
// names one person or place, which says nothing about the word's meaning in a schema.
bool IsProperNameCollocation(const char* raw) {
  std::string_view word(raw);
  if (word.find('_') == std::string_view::npos) return false;
  bool at_part_start = true;
  for (char c : word) {
    if (at_part_start && !(c >= 'A' && c <= 'Z')) return false;
    at_part_start = c == '_';
  }
  return true;
}

constexpr int kPartsOfSpeech[] = {NOUN, VERB, ADJ, ADV};

void AddUnique(std::vector<std::string>& out, std::unordered_set<std::string>& seen,
               std::string word) {
  if (word.empty()) return;
  if (seen.insert(word).second) out.push_back(std::move(word));
}

}  // namespace

struct Lexicon::Impl {
  std::unordered_set<std::string_view> stop_words;

  // Guards every call into WordNet and the stemmer (neither is thread-safe).
  mutable std::mutex library_mutex;
  bool wordnet_ready = false;
  sb_stemmer* stemmer = nullptr;

  // Caches; readers share, writers (after a library call) take the lock exclusively.
  mutable std::shared_mutex cache_mutex;
  mutable std::unordered_map<std::string, std::string> lemmas;
  mutable std::unordered_map<std::string, std::string> stems;
  mutable std::unordered_map<std::string, std::vector<std::string>> synonyms;
  mutable std::unordered_map<std::string, std::vector<std::string>> related;
  mutable std::unordered_map<std::string, std::vector<std::string>> attributes;
  mutable std::unordered_map<std::string, bool> known;

  Impl() {
    for (const char* w : kStopWords) stop_words.insert(w);
    // Debian installs the database in /usr/share/wordnet while the library's compiled-in
    // default is /usr/local/WordNet-3.0/dict; an explicit WNSEARCHDIR always wins.
    if (std::getenv("WNSEARCHDIR") == nullptr &&
        std::filesystem::exists("/usr/share/wordnet/index.noun")) {
      setenv("WNSEARCHDIR", "/usr/share/wordnet", 0);
    }
    wordnet_ready = wninit() == 0;
    stemmer = sb_stemmer_new("english", nullptr);
  }

  template <typename Map, typename Compute>
  auto Cached(Map& map, const std::string& key, Compute compute) const ->
      typename Map::mapped_type {
    {
      std::shared_lock lock(cache_mutex);
      if (auto it = map.find(key); it != map.end()) return it->second;
    }
    typename Map::mapped_type value;
    {
      std::lock_guard lock(library_mutex);
      value = compute();
    }
    std::unique_lock lock(cache_mutex);
    return map.emplace(key, std::move(value)).first->second;
  }

  // Caller holds library_mutex. First base form in noun, verb, adjective, adverb order; a word
  // that is itself a base form of a part of speech is its own lemma there. A noun base of one or
  // two letters made by stripping "s" ("was" -> "wa", "has" -> "ha") is an abbreviation, not a
  // lemma, so that part of speech is skipped.
  std::string LemmaLocked(const std::string& word) const {
    // The one suppletive plural WordNet's exception lists lack ("people" is a noun of its own
    // there, never a form of "person").
    if (word == "people" || word == "peoples") return "person";
    if (!wordnet_ready || !WordNetCanLookUp(word)) return word;
    std::string buffer = word;
    for (int pos : kPartsOfSpeech) {
      const char* base = morphstr(buffer.data(), pos);
      if (base != nullptr) {
        std::string result = base;
        while (morphstr(nullptr, pos) != nullptr) {
        }  // drain Morphy's static iteration state
        if (pos == NOUN && result.size() <= 2 && word.size() > result.size()) continue;
        return result;
      }
      if (in_wn(buffer.data(), pos) != 0) return word;
    }
    return word;
  }

  // Caller holds library_mutex. Visits every synset of `word` in every part of speech.
  template <typename Visit>
  void ForEachSynsetLocked(const std::string& word, Visit visit) const {
    if (!wordnet_ready || !WordNetCanLookUp(word)) return;
    std::string buffer = word;
    std::replace(buffer.begin(), buffer.end(), ' ', '_');
    for (int pos : kPartsOfSpeech) {
      SynsetPtr head = findtheinfo_ds(buffer.data(), pos, SYNS, ALLSENSES);
      for (SynsetPtr s = head; s != nullptr; s = s->nextss) visit(*s);
      if (head != nullptr) free_syns(head);
    }
  }

  std::vector<std::string> SynonymsLocked(const std::string& word) const {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen{word};
    for (const std::string& form : {word, LemmaLocked(word)}) {
      seen.insert(form);
      ForEachSynsetLocked(form, [&](const Synset& s) {
        for (int i = 0; i < s.wcount; ++i) {
          if (!IsProperNameCollocation(s.words[i])) {
            AddUnique(out, seen, CleanWordNetWord(s.words[i]));
          }
        }
      });
    }
    return out;
  }

  // Pertainym and derivation pointers from the sense of `word` (pfrm == whichword) or from the
  // whole synset (pfrm == 0); the target is one word (pto) or the whole synset (pto == 0).
  std::vector<std::string> RelatedLocked(const std::string& word) const {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen{word};
    for (const std::string& form : {word, LemmaLocked(word)}) {
      seen.insert(form);
      ForEachSynsetLocked(form, [&](const Synset& s) {
        for (int i = 0; i < s.ptrcount; ++i) {
          if (s.ptrtyp[i] != PERTPTR && s.ptrtyp[i] != DERIVATION) continue;
          if (s.pfrm[i] != 0 && s.pfrm[i] != s.whichword) continue;
          SynsetPtr target = read_synset(s.ppos[i], s.ptroff[i], const_cast<char*>(""));
          if (target == nullptr) continue;
          if (s.pto[i] > 0 && s.pto[i] <= target->wcount) {
            AddUnique(out, seen, CleanWordNetWord(target->words[s.pto[i] - 1]));
          } else if (s.pto[i] == 0) {
            for (int w = 0; w < target->wcount; ++w) {
              AddUnique(out, seen, CleanWordNetWord(target->words[w]));
            }
          }
          free_synset(target);
        }
      });
    }
    return out;
  }

  std::vector<std::string> AttributesLocked(const std::string& word) const {
    std::vector<std::string> out;
    if (!wordnet_ready || !WordNetCanLookUp(word)) return out;
    std::unordered_set<std::string> seen;
    std::string buffer = word;
    const char* base = morphstr(buffer.data(), ADJ);
    std::string lemma = base != nullptr ? base : word;
    while (base != nullptr && morphstr(nullptr, ADJ) != nullptr) {
    }  // drain Morphy's static iteration state
    std::replace(lemma.begin(), lemma.end(), ' ', '_');
    auto add_attributes = [&](const Synset& s) {
      for (int i = 0; i < s.ptrcount; ++i) {
        if (s.ptrtyp[i] != ATTRIBUTE) continue;
        SynsetPtr target = read_synset(s.ppos[i], s.ptroff[i], const_cast<char*>(""));
        if (target == nullptr) continue;
        for (int w = 0; w < target->wcount; ++w) AddUnique(out, seen, CleanWordNetWord(target->words[w]));
        free_synset(target);
      }
    };
    SynsetPtr head = findtheinfo_ds(lemma.data(), ADJ, SYNS, ALLSENSES);
    for (SynsetPtr s = head; s != nullptr; s = s->nextss) {
      add_attributes(*s);
      // A satellite adjective ("elderly") carries its attribute on the head it is similar to.
      for (int i = 0; i < s->ptrcount; ++i) {
        if (s->ptrtyp[i] != SIMPTR) continue;
        SynsetPtr similar = read_synset(s->ppos[i], s->ptroff[i], const_cast<char*>(""));
        if (similar == nullptr) continue;
        add_attributes(*similar);
        free_synset(similar);
      }
    }
    if (head != nullptr) free_syns(head);
    return out;
  }

  std::string StemLocked(const std::string& word) const {
    if (stemmer == nullptr) return word;
    const sb_symbol* stemmed = sb_stemmer_stem(
        stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (stemmed == nullptr) return word;  // out of memory inside Snowball
    return std::string(reinterpret_cast<const char*>(stemmed),
                       static_cast<size_t>(sb_stemmer_length(stemmer)));
  }

  bool KnownLocked(const std::string& word) const {
    if (!wordnet_ready || !WordNetCanLookUp(word)) return false;
    std::string lemma = LemmaLocked(word);
    std::replace(lemma.begin(), lemma.end(), ' ', '_');
    return in_wn(lemma.data(), ALL_POS) != 0;
  }
};

Lexicon::Lexicon() : impl_(new Impl) {}

const Lexicon& Lexicon::Get() {
  static const Lexicon* instance = new Lexicon();  // never destroyed: used until exit
  return *instance;
}

std::string Lexicon::Lemma(std::string_view word) const {
  std::string lower = AsciiLower(word);
  if (IsStopWord(lower)) return lower;  // "was", "has", "us" are not plurals of anything
  return impl_->Cached(impl_->lemmas, lower, [&] { return impl_->LemmaLocked(lower); });
}

std::string Lexicon::Stem(std::string_view word) const {
  std::string lower = AsciiLower(word);
  return impl_->Cached(impl_->stems, lower, [&] { return impl_->StemLocked(lower); });
}

std::vector<std::string> Lexicon::Synonyms(std::string_view word) const {
  std::string lower = AsciiLower(word);
  return impl_->Cached(impl_->synonyms, lower, [&] { return impl_->SynonymsLocked(lower); });
}

std::vector<std::string> Lexicon::Related(std::string_view word) const {
  std::string lower = AsciiLower(word);
  return impl_->Cached(impl_->related, lower, [&] { return impl_->RelatedLocked(lower); });
}

std::vector<std::string> Lexicon::Attributes(std::string_view word) const {
  std::string lower = AsciiLower(word);
  return impl_->Cached(impl_->attributes, lower, [&] { return impl_->AttributesLocked(lower); });
}

bool Lexicon::IsStopWord(std::string_view lower) const {
  return impl_->stop_words.count(lower) != 0;
}

bool Lexicon::IsKnownWord(std::string_view lower) const {
  std::string key(lower);
  return impl_->Cached(impl_->known, key, [&] { return impl_->KnownLocked(key); });
}

}  // namespace da
