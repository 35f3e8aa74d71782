#include "engine/tokenizer.h"

#include <charconv>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/lexicon.h"

namespace da {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// One UTF-8 character: its code point (U+FFFD for a malformed byte) and byte length.
struct Char {
  char32_t code = 0;
  size_t size = 0;
};

Char DecodeAt(std::string_view s, size_t i) {
  if (i >= s.size()) return {0, 0};
  unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1};
  size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return {0xFFFD, 1};
  char32_t code = b & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    unsigned char c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return {0xFFFD, 1};
    code = (code << 6) | (c & 0x3F);
  }
  return {code, len};
}

bool IsSpace(char32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// Non-ASCII characters are letters unless they are in a punctuation, symbol or space block, so
// "Zürich", "São Paulo" and "東京" are words.
bool IsNonAsciiPunct(char32_t c) {
  return (c >= 0xA1 && c <= 0xBF && c != 0xAA && c != 0xB5 && c != 0xBA) || c == 0xD7 ||
         c == 0xF7 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
         (c >= 0x2100 && c <= 0x214F && c != 0x2113) || (c >= 0x2190 && c <= 0x2BFF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) || c == 0xFFFD;
}

bool IsWordChar(Char c) {
  if (c.size == 0) return false;
  if (c.code < 0x80) return IsAsciiAlpha(static_cast<char>(c.code)) ||
                            IsAsciiDigit(static_cast<char>(c.code));
  return !IsSpace(c.code) && !IsNonAsciiPunct(c.code);
}

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019; }

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Lowercases and folds the typographic apostrophe (U+2019) to "'", so "O’Brien" and "O'Brien"
// match the same way.
std::string FoldedLower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\xE2\x80\x99") == 0) {
      out += '\'';
      i += 2;
    } else {
      char c = text[i];
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

// Lemma and stem of a lowercased word, memoised per thread so a warm tokenizer never takes the
// Lexicon's locks. Bounded so a long-running server does not grow without limit.
const std::pair<std::string, std::string>& LemmaAndStem(const std::string& lower) {
  thread_local std::unordered_map<std::string, std::pair<std::string, std::string>> cache;
  if (auto it = cache.find(lower); it != cache.end()) return it->second;
  if (cache.size() > 50000) cache.clear();
  const Lexicon& lexicon = Lexicon::Get();
  return cache.emplace(lower, std::make_pair(lexicon.Lemma(lower), lexicon.Stem(lower)))
      .first->second;
}

class Scanner {
 public:
  explicit Scanner(std::string_view q) : q_(q) {}

  std::vector<Token> Run() {
    while (pos_ < q_.size()) {
      Char c = DecodeAt(q_, pos_);
      if (IsSpace(c.code)) {
        pos_ += c.size;
      } else if (TryQuoted(c) || TryPossessive(c) || TryNumber(c)) {
        continue;
      } else if (IsWordChar(c)) {
        ScanWord();
      } else {
        ScanPunct(c);
      }
    }
    return std::move(tokens_);
  }

 private:
  Char At(size_t i) const { return DecodeAt(q_, i); }
  bool WordCharAt(size_t i) const { return IsWordChar(At(i)); }
  // The character before byte offset i (UTF-8 aware); size 0 at the start.
  Char Before(size_t i) const {
    if (i == 0) return {0, 0};
    size_t k = i - 1;
    while (k > 0 && (static_cast<unsigned char>(q_[k]) & 0xC0) == 0x80 && i - k < 4) --k;
    return DecodeAt(q_, k);
  }

  Token& Emit(Token::Kind kind, size_t begin, size_t end) {
    Token t;
    t.kind = kind;
    t.text = std::string(q_.substr(begin, end - begin));
    t.begin = begin;
    t.end = end;
    tokens_.push_back(std::move(t));
    return tokens_.back();
  }

  void EmitWord(size_t begin, size_t end) {
    Token& t = Emit(Token::Kind::kWord, begin, end);
    t.lower = FoldedLower(t.text);
    const auto& [lemma, stem] = LemmaAndStem(t.lower);
    t.lemma = lemma;
    t.stem = stem;
  }

  // '...' opens only at a word boundary and closes at a quote not followed by a letter, so
  // apostrophes inside "O'Brien" or "singers' names" never start or end a quoted string.
  bool TryQuoted(Char c) {
    std::string_view close;
    bool needs_boundary = false;
    if (c.code == '"') {
      close = "\"";
    } else if (c.code == 0x201C) {
      close = "\xE2\x80\x9D";
    } else if (c.code == 0x2018) {
      close = "\xE2\x80\x99";
      needs_boundary = true;
    } else if (c.code == '\'') {
      if (IsWordChar(Before(pos_))) return false;
      close = "'";
      needs_boundary = true;
    } else {
      return false;
    }
    size_t content = pos_ + c.size;
    for (size_t k = q_.find(close, content); k != std::string_view::npos;
         k = q_.find(close, k + 1)) {
      if (needs_boundary && (k == content || WordCharAt(k + close.size()))) continue;
      Token& t = Emit(Token::Kind::kQuoted, pos_, k + close.size());
      t.text = std::string(q_.substr(content, k - content));
      t.lower = AsciiLower(t.text);
      t.lemma = t.lower;
      t.stem = t.lower;
      pos_ = k + close.size();
      return true;
    }
    return false;
  }

  // "'s" right after a word or number and not followed by a letter: "singer's", "it's".
  bool TryPossessive(Char c) {
    if (!IsApostrophe(c.code) || !IsWordChar(Before(pos_))) return false;
    size_t s = pos_ + c.size;
    if (s >= q_.size() || (q_[s] != 's' && q_[s] != 'S') || WordCharAt(s + 1)) return false;
    EmitWord(pos_, s + 1);
    pos_ = s + 1;
    return true;
  }

  // Digits with optional ",ddd" groups, ".ddd" fraction, leading '-' at a boundary and an
  // ordinal suffix ("2nd"). Other letters after digits start a token of their own ("5k" ->
  // "5", "k"), which the literal finder reads as a scale.
  bool TryNumber(Char c) {
    size_t i = pos_;
    bool negative = false;
    if (c.code == '-' && !IsWordChar(Before(pos_)) && pos_ + 1 < q_.size() &&
        IsAsciiDigit(q_[pos_ + 1])) {
      negative = true;
      ++i;
    } else if (c.code > 0x7F || !IsAsciiDigit(static_cast<char>(c.code))) {
      return false;
    }
    std::string digits = negative ? "-" : "";
    auto take_digits = [&] {
      while (i < q_.size() && IsAsciiDigit(q_[i])) digits += q_[i++];
    };
    take_digits();
    // Thousands groups: exactly three digits after each comma, not followed by a fourth.
    while (i + 3 < q_.size() && q_[i] == ',' && IsAsciiDigit(q_[i + 1]) &&
           IsAsciiDigit(q_[i + 2]) && IsAsciiDigit(q_[i + 3]) &&
           (i + 4 >= q_.size() || !IsAsciiDigit(q_[i + 4]))) {
      digits.append(q_.substr(i + 1, 3));
      i += 4;
    }
    if (i + 1 < q_.size() && q_[i] == '.' && IsAsciiDigit(q_[i + 1])) {
      digits += q_[i++];
      take_digits();
    }
    double value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    size_t end = i;
    if (!negative && digits.find('.') == std::string::npos && i + 2 <= q_.size()) {
      std::string suffix = AsciiLower(q_.substr(i, 2));
      if ((suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") &&
          !WordCharAt(i + 2)) {
        end = i + 2;
      }
    }
    Token& t = Emit(Token::Kind::kNumber, pos_, end);
    t.lower = AsciiLower(t.text);
    t.lemma = t.lower;
    t.stem = t.lower;
    t.number = value;
    pos_ = end;
    return true;
  }

  // Letters and digits, continuing over an apostrophe or hyphen that has a word character on
  // both sides ("o'brien", "e-mail", "covid-19"), but stopping before a possessive "'s".
  void ScanWord() {
    size_t begin = pos_;
    size_t i = pos_;
    while (i < q_.size()) {
      Char c = At(i);
      if (IsWordChar(c)) {
        i += c.size;
        continue;
      }
      bool joiner = IsApostrophe(c.code) || c.code == '-';
      size_t next = i + c.size;
      if (!joiner || !WordCharAt(next)) break;
      bool possessive = IsApostrophe(c.code) && (q_[next] == 's' || q_[next] == 'S') &&
                        !WordCharAt(next + 1);
      if (possessive) break;
      i = next;
    }
    EmitWord(begin, i);
    pos_ = i;
  }

  // One punctuation character, or a two-character comparison operator (">=", "<=", "!=", "<>").
  void ScanPunct(Char c) {
    size_t end = pos_ + c.size;
    if (c.size == 1 && end < q_.size()) {
      char a = q_[pos_], b = q_[end];
      if ((b == '=' && (a == '>' || a == '<' || a == '!' || a == '=')) || (a == '<' && b == '>')) {
        ++end;
      }
    }
    Token& t = Emit(Token::Kind::kPunct, pos_, end);
    t.lower = t.text;
    t.lemma = t.text;
    t.stem = t.text;
    pos_ = end;
  }

  std::string_view q_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view question) { return Scanner(question).Run(); }

}  // namespace da
