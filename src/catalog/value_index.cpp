#include "catalog/value_index.h"

#include "common/file_util.h"
#include "ingest/text_encoding.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>

#include "common/sqlite.h"
#include "common/strings.h"

namespace da {

namespace {

// ---------------------------------------------------------------------------------------------
// Normalisation

// Decodes the UTF-8 sequence at s[i]; returns its length, or 0 when it is not valid UTF-8.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n;
  char32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
    n = 2, v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
    n = 4, v = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3F);
  }
  *cp = v;
  return n;
}

struct FoldRange {
  char32_t first, last;
  const char* ascii;  // nullptr: a separator
};
// Latin-1 Supplement and Latin Extended-A, in order, plus Romanian comma-below letters.
constexpr FoldRange kFoldRanges[] = {
    {0x80, 0xA9, nullptr},   {0xAA, 0xAA, "a"},       {0xAB, 0xB4, nullptr},   {0xB5, 0xB5, "\xC2\xB5"},
    {0xB6, 0xB9, nullptr},   {0xBA, 0xBA, "o"},       {0xBB, 0xBF, nullptr},   {0xC0, 0xC5, "a"},
    {0xC6, 0xC6, "ae"},      {0xC7, 0xC7, "c"},       {0xC8, 0xCB, "e"},       {0xCC, 0xCF, "i"},
    {0xD0, 0xD0, "d"},       {0xD1, 0xD1, "n"},       {0xD2, 0xD6, "o"},       {0xD7, 0xD7, nullptr},
    {0xD8, 0xD8, "o"},       {0xD9, 0xDC, "u"},       {0xDD, 0xDD, "y"},       {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},      {0xE0, 0xE5, "a"},       {0xE6, 0xE6, "ae"},      {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},       {0xEC, 0xEF, "i"},       {0xF0, 0xF0, "d"},       {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},       {0xF7, 0xF7, nullptr},   {0xF8, 0xF8, "o"},       {0xF9, 0xFC, "u"},
    {0xFD, 0xFD, "y"},       {0xFE, 0xFE, "th"},      {0xFF, 0xFF, "y"},       {0x100, 0x105, "a"},
    {0x106, 0x10D, "c"},     {0x10E, 0x111, "d"},     {0x112, 0x11B, "e"},     {0x11C, 0x123, "g"},
    {0x124, 0x127, "h"},     {0x128, 0x131, "i"},     {0x132, 0x133, "ij"},    {0x134, 0x135, "j"},
    {0x136, 0x138, "k"},     {0x139, 0x142, "l"},     {0x143, 0x14B, "n"},     {0x14C, 0x151, "o"},
    {0x152, 0x153, "oe"},    {0x154, 0x159, "r"},     {0x15A, 0x161, "s"},     {0x162, 0x167, "t"},
    {0x168, 0x173, "u"},     {0x174, 0x175, "w"},     {0x176, 0x178, "y"},     {0x179, 0x17E, "z"},
    {0x17F, 0x17F, "s"},     {0x218, 0x219, "s"},     {0x21A, 0x21B, "t"},
};

// kFoldTable[cp - 0x80] for U+0080..U+017F: the folded text, or nullptr for a separator.
const std::array<const char*, 0x100>& FoldTable() {
  static const std::array<const char*, 0x100> table = [] {
    std::array<const char*, 0x100> t{};
    for (const auto& r : kFoldRanges)
      for (char32_t c = r.first; c <= r.last && c < 0x180; ++c) t[c - 0x80] = r.ascii;
    return t;
  }();
  return table;
}

enum class CharClass { kWord, kApostrophe, kMark, kSeparator };

bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }

// Classifies `cp`; for a word character writes its folded form (1 to 4 bytes, never longer
// than the character's own UTF-8 form) to `folded` and its length to `*len`.
CharClass Classify(char32_t cp, char* folded, size_t* len) {
  *len = 0;
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      folded[(*len)++] = static_cast<char>(cp);
      return CharClass::kWord;
    }
    if (cp >= 'A' && cp <= 'Z') {
      folded[(*len)++] = static_cast<char>(cp - 'A' + 'a');
      return CharClass::kWord;
    }
    return cp == '\'' ? CharClass::kApostrophe : CharClass::kSeparator;
  }
  if (cp < 0x180) {
    const char* ascii = FoldTable()[cp - 0x80];
    if (!ascii) return CharClass::kSeparator;
    for (; *ascii; ++ascii) folded[(*len)++] = *ascii;
    return CharClass::kWord;
  }
  if (cp >= 0x218 && cp <= 0x21B) {  // Romanian Ș ș Ț ț
    folded[(*len)++] = cp <= 0x219 ? 's' : 't';
    return CharClass::kWord;
  }
  if (IsApostrophe(cp)) return CharClass::kApostrophe;
  if (cp >= 0x300 && cp <= 0x36F) return CharClass::kMark;
  if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF || (cp >= 0x2E00 && cp <= 0x2E7F))
    return CharClass::kSeparator;
  char32_t lower = cp;
  if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F)) lower = cp + 0x20;  // Greek, Cyrillic
  else if (cp >= 0x400 && cp <= 0x40F) lower = cp + 0x50;
  std::string bytes;
  AppendUtf8(lower, &bytes);
  for (char c : bytes) folded[(*len)++] = c;
  return CharClass::kWord;
}

// The class of the character starting at s[i] (invalid bytes are word characters).
CharClass ClassAt(std::string_view s, size_t i) {
  char32_t cp;
  char folded[4];
  size_t len;
  return DecodeUtf8(s, i, &cp) == 0 ? CharClass::kWord : Classify(cp, folded, &len);
}

// Calls fn(word) for each space-separated word of a normalised text.
template <typename Fn>
void ForEachWord(std::string_view normalized, Fn fn) {
  size_t start = 0;
  while (start < normalized.size()) {
    size_t end = normalized.find(' ', start);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > start) fn(normalized.substr(start, end - start));
    start = end + 1;
  }
}

uint32_t CountWords(std::string_view normalized) {
  uint32_t n = 0;
  ForEachWord(normalized, [&](std::string_view) { ++n; });
  return n;
}

uint64_t HashBytes(std::string_view s) { return std::hash<std::string_view>{}(s); }

// Whether a and b differ by at most one insertion, deletion, substitution or transposition of
// adjacent bytes (optimal string alignment distance <= 1).
bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or b has one more byte at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // b has one extra byte at i
}

constexpr size_t kMinTypoWordBytes = 5;  // phrase words this long may match with one typo
constexpr double kTypoWordWeight = 0.75;
constexpr double kPartialScale = 0.99;

// ---------------------------------------------------------------------------------------------
// Storage

constexpr char kMagic[8] = {'D', 'A', 'V', 'A', 'L', 'I', 'X', '\0'};

// FNV-1a over 8-byte little-endian words (then single trailing bytes): each step is a
// bijection of the running value, so any single changed word always changes the result.
uint64_t Checksum(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i + k])) << (8 * k);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<unsigned char>(bytes[i])) * 0x100000001b3ULL;
  return h;
}

template <typename T>
void PutInt(T v, std::string* out) {
  for (size_t i = 0; i < sizeof(T); ++i) out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
}

void PutString(std::string_view s, std::string* out) {
  PutInt<uint32_t>(static_cast<uint32_t>(s.size()), out);
  out->append(s);
}

// Reads the little-endian fields of a value index file, naming the field and offset of any
// truncation.
class FileReader {
 public:
  FileReader(std::string_view bytes, const std::string& path) : bytes_(bytes), path_(path) {}

  template <typename T>
  Status Int(const char* what, T* v) {
    if (bytes_.size() - pos_ < sizeof(T)) return Truncated(what);
    uint64_t x = 0;
    for (size_t i = 0; i < sizeof(T); ++i) x |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += sizeof(T);
    *v = static_cast<T>(x);
    return Status::Ok();
  }
  Status String(const char* what, std::string* s) {
    uint32_t n = 0;
    DA_RETURN_IF_ERROR(Int(what, &n));
    if (bytes_.size() - pos_ < n) return Truncated(what);
    s->assign(bytes_.substr(pos_, n));
    pos_ += n;
    return Status::Ok();
  }
  size_t pos() const { return pos_; }
  void Skip(size_t n) { pos_ += n; }
  Status Bad(const std::string& problem) const {
    return Status::Corruption(path_ + ": damaged value index: " + problem + " at byte " + std::to_string(pos_));
  }

 private:
  Status Truncated(const char* what) const { return Bad(std::string("file ends inside ") + what); }
  std::string_view bytes_;
  const std::string& path_;
  size_t pos_ = 0;
};

Status ReadWholeFile(const std::string& path, std::string* bytes) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (errno == ENOENT) return Status::NotFound("value index file " + path + " does not exist");
    return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::error_code ec;
  bytes->resize(std::filesystem::file_size(path, ec));
  const size_t got = std::fread(bytes->data(), 1, bytes->size(), f);
  const bool failed = ec || got != bytes->size() || std::ferror(f);
  std::fclose(f);
  if (failed) return Status::IoError("cannot read " + path + (ec ? ": " + ec.message() : std::string()));
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Scan

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using ValueCounts = std::unordered_map<std::string, int64_t, TransparentHash, std::equal_to<>>;

bool IsHidden(const Catalog& catalog, const std::string& table) {
  for (const auto& h : catalog.hidden_tables)
    if (EqualsIgnoreCase(h, table)) return true;
  return false;
}

// Counts the distinct values of `columns` of `table` in one scan and adds them to `builder`.
// A value longer than kMaxValueBytes is counted by a prefix one byte longer than the limit:
// it is never indexed, but still weighs in the column's average length.
Status ScanTable(sqlite3* db, const TableInfo& table, const std::vector<const ColumnInfo*>& columns,
                 ValueIndexBuilder* builder) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + QuoteIdentifier(columns[i]->name);
  sql += " FROM " + QuoteIdentifier(table.name);
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, sql));
  std::vector<ValueCounts> counts(columns.size());
  std::vector<bool> over_cap(columns.size(), false);
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const int type = sqlite3_column_type(st.get(), static_cast<int>(i));
      if (type == SQLITE_NULL || type == SQLITE_BLOB || over_cap[i]) continue;
      const char* text = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), static_cast<int>(i)));
      std::string_view value(text, static_cast<size_t>(sqlite3_column_bytes(st.get(), static_cast<int>(i))));
      value = value.substr(0, ValueIndex::kMaxValueBytes + 1);
      auto it = counts[i].find(value);
      if (it != counts[i].end()) {
        ++it->second;
      } else if (static_cast<int64_t>(counts[i].size()) >= ValueIndex::kMaxValuesPerColumn) {
        over_cap[i] = true;  // the data has more values than the catalog said: leave it out
        ValueCounts().swap(counts[i]);
      } else {
        counts[i].emplace(value, 1);
      }
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "reading values of table " + table.name);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (over_cap[i]) continue;
    for (const auto& [value, count] : counts[i]) builder->Add(table.name, columns[i]->name, value, count);
  }
  return Status::Ok();
}

}  // namespace

std::string NormalizeValueText(std::string_view text) {
  // The output is never longer than the input: each folded character is at most as long as
  // its UTF-8 form, and each space replaces at least one separator byte.
  std::string out(text.size(), '\0');
  size_t o = 0;
  bool pending_space = false;
  const auto emit = [&](const char* bytes, size_t len) {
    if (pending_space && o > 0) out[o++] = ' ';
    pending_space = false;
    for (size_t k = 0; k < len; ++k) out[o++] = bytes[k];
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {  // the common cases first
      emit(&c, 1);
      ++i;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      const char lower = static_cast<char>(c - 'A' + 'a');
      emit(&lower, 1);
      ++i;
      continue;
    }
    if (c == ' ') {
      pending_space = true;
      ++i;
      continue;
    }
    char32_t cp;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {  // not UTF-8: keep the byte as part of a word
      emit(&c, 1);
      ++i;
      continue;
    }
    char folded[4];
    size_t len;
    const CharClass cls = Classify(cp, folded, &len);
    if (cls == CharClass::kWord) {
      emit(folded, len);
    } else if (cls == CharClass::kApostrophe) {
      // Dropped inside a word ("o'brien" -> "obrien"), a separator elsewhere.
      const bool inner = !pending_space && o > 0 && i + n < text.size() && ClassAt(text, i + n) == CharClass::kWord;
      if (!inner) pending_space = true;
    } else if (cls == CharClass::kSeparator) {
      pending_space = true;
    }  // combining marks vanish without separating
    i += n;
  }
  out.resize(o);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Builder

void ValueIndexBuilder::Add(std::string_view table, std::string_view column, std::string_view value,
                            int64_t count) {
  if (count <= 0) return;
  std::string key;
  key.reserve(table.size() + column.size() + 1);
  key.append(table).push_back('\0');
  key.append(column);
  auto [it, inserted] = column_ids_.try_emplace(std::move(key));
  if (inserted) {
    it->second.index = static_cast<uint32_t>(index_.columns_.size());
    index_.columns_.emplace_back(std::string(table), std::string(column));
  }
  ColumnStats& stats = it->second;
  ++stats.values;
  stats.rows += count;
  stats.bytes += static_cast<int64_t>(value.size()) * count;
  if (value.size() > ValueIndex::kMaxValueBytes) return;
  index_.entries_.push_back({stats.index, 0, count, std::string(value), std::string()});
}

ValueIndex ValueIndexBuilder::Finish() && {
  // Columns kept, renumbered in order of first appearance.
  std::vector<int64_t> new_index(index_.columns_.size(), -1);
  std::vector<const ColumnStats*> by_index(index_.columns_.size());
  for (const auto& [key, stats] : column_ids_) by_index[stats.index] = &stats;
  std::vector<std::pair<std::string, std::string>> kept;
  for (size_t c = 0; c < by_index.size(); ++c) {
    const ColumnStats& s = *by_index[c];
    const bool free_text = s.bytes > static_cast<int64_t>(ValueIndex::kMaxAverageValueBytes) * s.rows;
    if (s.values > ValueIndex::kMaxValuesPerColumn || free_text) continue;
    new_index[c] = static_cast<int64_t>(kept.size());
    kept.push_back(std::move(index_.columns_[c]));
  }
  index_.columns_ = std::move(kept);
  std::vector<ValueIndex::Entry> entries;
  entries.reserve(index_.entries_.size());
  for (auto& e : index_.entries_) {
    if (new_index[e.column] < 0) continue;
    e.column = static_cast<uint32_t>(new_index[e.column]);
    e.normalized = NormalizeValueText(e.value);
    if (e.normalized.empty()) continue;
    entries.push_back(std::move(e));
  }
  index_.entries_ = std::move(entries);
  column_ids_.clear();
  index_.Index();
  return std::move(index_);
}

// ---------------------------------------------------------------------------------------------
// Indexing

void ValueIndex::Index() {
  for (auto& e : entries_) {
    if (e.normalized.empty()) e.normalized = NormalizeValueText(e.value);
    e.words = CountWords(e.normalized);
  }
  const auto order = [](const Entry& a, const Entry& b) {
    if (int c = a.normalized.compare(b.normalized)) return c < 0;
    if (a.count != b.count) return a.count > b.count;
    if (a.column != b.column) return a.column < b.column;
    return a.value < b.value;
  };
  if (!std::is_sorted(entries_.begin(), entries_.end(), order)) std::sort(entries_.begin(), entries_.end(), order);
  ranks_.clear();
  ranks_.reserve(entries_.size());
  for (const auto& e : entries_) ranks_.push_back({e.count, e.words});
  IndexWords();
  IndexTypos();
}

void ValueIndex::IndexWords() {
  word_bytes_.clear();
  word_offsets_.assign(1, 0);
  size_t slots = 16;
  while (slots < entries_.size() * 2) slots <<= 1;
  word_slots_.assign(slots, 0);
  // (word, entry) per distinct word of each entry, in entry order.
  std::vector<std::pair<uint32_t, uint32_t>> occurrences;
  occurrences.reserve(entries_.size() * 2);
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    const size_t first = occurrences.size();
    ForEachWord(entries_[e].normalized, [&](std::string_view word) {
      int64_t id = FindWord(word);
      if (id < 0) {
        id = static_cast<int64_t>(word_offsets_.size() - 1);
        word_bytes_.append(word);
        word_offsets_.push_back(static_cast<uint32_t>(word_bytes_.size()));
        size_t mask = word_slots_.size() - 1, slot = HashBytes(word) & mask;
        while (word_slots_[slot]) slot = (slot + 1) & mask;
        word_slots_[slot] = static_cast<uint32_t>(id + 1);
        if ((word_offsets_.size() - 1) * 2 > word_slots_.size()) {  // keep the load factor <= 1/2
          std::vector<uint32_t> bigger(word_slots_.size() * 2, 0);
          mask = bigger.size() - 1;
          for (uint32_t w = 0; w + 1 < word_offsets_.size(); ++w) {
            size_t s = HashBytes(Word(w)) & mask;
            while (bigger[s]) s = (s + 1) & mask;
            bigger[s] = w + 1;
          }
          word_slots_.swap(bigger);
        }
      }
      for (size_t k = first; k < occurrences.size(); ++k)
        if (occurrences[k].first == id) return;  // a word repeated in one value
      occurrences.emplace_back(static_cast<uint32_t>(id), e);
    });
  }
  // Counting sort by word; entries stay ascending within a word.
  const size_t words = word_offsets_.size() - 1;
  posting_starts_.assign(words + 1, 0);
  for (const auto& [w, e] : occurrences) ++posting_starts_[w + 1];
  for (size_t w = 0; w < words; ++w) posting_starts_[w + 1] += posting_starts_[w];
  postings_.assign(occurrences.size(), 0);
  std::vector<uint32_t> next(posting_starts_.begin(), posting_starts_.end() - 1);
  for (const auto& [w, e] : occurrences) postings_[next[w]++] = e;
}

void ValueIndex::IndexTypos() {
  typo_keys_.clear();
  std::string deleted;
  for (uint32_t w = 0; w + 1 < word_offsets_.size(); ++w) {
    const std::string_view word = Word(w);
    if (word.size() < kMinTypoWordBytes - 1) continue;
    typo_keys_.emplace_back(HashBytes(word), w);
    if (word.size() < kMinTypoWordBytes) continue;
    for (size_t i = 0; i < word.size(); ++i) {
      if (i > 0 && word[i] == word[i - 1]) continue;  // same deletion as the previous one
      deleted.assign(word.substr(0, i)).append(word.substr(i + 1));
      typo_keys_.emplace_back(HashBytes(deleted), w);
    }
  }
  std::sort(typo_keys_.begin(), typo_keys_.end());
}

int64_t ValueIndex::FindWord(std::string_view word) const {
  if (word_slots_.empty()) return -1;
  const size_t mask = word_slots_.size() - 1;
  for (size_t slot = HashBytes(word) & mask; word_slots_[slot]; slot = (slot + 1) & mask)
    if (Word(word_slots_[slot] - 1) == word) return word_slots_[slot] - 1;
  return -1;
}

std::vector<uint32_t> ValueIndex::TypoWords(std::string_view word) const {
  std::vector<uint32_t> out;
  const auto probe = [&](std::string_view key) {
    const uint64_t h = HashBytes(key);
    auto it = std::lower_bound(typo_keys_.begin(), typo_keys_.end(), std::make_pair(h, uint32_t{0}));
    for (; it != typo_keys_.end() && it->first == h; ++it) {
      const std::string_view candidate = Word(it->second);
      if (candidate != word && WithinOneEdit(candidate, word)) out.push_back(it->second);
    }
  };
  probe(word);
  std::string deleted;
  for (size_t i = 0; i < word.size(); ++i) {
    if (i > 0 && word[i] == word[i - 1]) continue;
    deleted.assign(word.substr(0, i)).append(word.substr(i + 1));
    probe(deleted);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lookup

ValueHit ValueIndex::Hit(const Entry& e, double score) const {
  const auto& [table, column] = columns_[e.column];
  return ValueHit{table, column, e.value, e.count, score};
}

std::vector<ValueHit> ValueIndex::Exact(std::string_view phrase) const {
  std::vector<ValueHit> hits;
  const std::string key = NormalizeValueText(phrase);
  if (key.empty()) return hits;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, const std::string& k) { return e.normalized < k; });
  for (; it != entries_.end() && it->normalized == key; ++it) hits.push_back(Hit(*it, 1.0));
  return hits;  // already most rows first: the order's second key
}

std::vector<ValueHit> ValueIndex::Partial(std::string_view phrase, size_t max) const {
  std::vector<ValueHit> hits;
  const std::string key = NormalizeValueText(phrase);
  if (key.empty() || max == 0) return hits;
  std::vector<std::string_view> words;
  ForEachWord(key, [&](std::string_view w) {
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
  });

  // Per phrase word: the entries holding it (weight 1) or a one-typo variant (weight 3/4).
  using Matches = std::vector<std::pair<uint32_t, double>>;  // (entry, weight), ascending entry
  std::vector<Matches> per_word;
  for (std::string_view w : words) {
    Matches m;
    const auto add_postings = [&](uint32_t id, double weight) {
      for (uint32_t p = posting_starts_[id]; p < posting_starts_[id + 1]; ++p) m.emplace_back(postings_[p], weight);
    };
    const int64_t id = FindWord(w);
    if (id >= 0) add_postings(static_cast<uint32_t>(id), 1.0);
    if (w.size() >= kMinTypoWordBytes) {
      const std::vector<uint32_t> typos = TypoWords(w);
      for (uint32_t t : typos) add_postings(t, kTypoWordWeight);
      if (!typos.empty()) {
        std::sort(m.begin(), m.end(), [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first < b.first : a.second > b.second;
        });
        m.erase(std::unique(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                m.end());
      }
    }
    if (m.empty()) return hits;  // no value holds this word
    per_word.push_back(std::move(m));
  }

  // Intersect, smallest list first, summing the weights.
  std::sort(per_word.begin(), per_word.end(), [](const Matches& a, const Matches& b) { return a.size() < b.size(); });
  Matches candidates = std::move(per_word[0]);
  for (size_t k = 1; k < per_word.size() && !candidates.empty(); ++k) {
    const Matches& other = per_word[k];
    size_t out = 0;
    auto it = other.begin();
    for (const auto& [entry, weight] : candidates) {
      it = std::lower_bound(it, other.end(), entry, [](const auto& p, uint32_t e) { return p.first < e; });
      if (it == other.end()) break;
      if (it->first == entry) candidates[out++] = {entry, weight + it->second};
    }
    candidates.resize(out);
  }

  struct Scored {
    uint32_t entry;
    double score;
  };
  std::vector<Scored> scored;
  scored.reserve(candidates.size());
  const size_t phrase_words = words.size();  // distinct
  const uint32_t key_words = CountWords(key);
  for (const auto& [entry, weight] : candidates) {
    const Rank& r = ranks_[entry];
    // Only a value with as many words as the phrase, all matched exactly, can equal it.
    const bool equal = r.words == key_words && weight == static_cast<double>(phrase_words) &&
                       entries_[entry].normalized == key;
    const double score = equal ? 1.0 : kPartialScale * std::min(1.0, weight / static_cast<double>(r.words));
    scored.push_back({entry, score});
  }
  const auto better = [this](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    if (ranks_[a.entry].count != ranks_[b.entry].count) return ranks_[a.entry].count > ranks_[b.entry].count;
    return a.entry < b.entry;  // index order: normalized text, then column
  };
  const size_t n = std::min(max, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(n), scored.end(), better);
  for (size_t i = 0; i < n; ++i) hits.push_back(Hit(entries_[scored[i].entry], scored[i].score));
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Build, save, load

bool ValueIndex::ColumnEligible(const TableInfo& table, const ColumnInfo& column) {
  return !table.is_view && column.type == ColumnType::kText && !column.distinct_is_estimate &&
         column.distinct_count > 0 && column.distinct_count <= kMaxValuesPerColumn;
}

Result<ValueIndex> ValueIndex::Build(sqlite3* db, const Catalog& catalog) {
  ValueIndexBuilder builder;
  for (const auto& table : catalog.tables) {
    if (IsHidden(catalog, table.name)) continue;
    std::vector<const ColumnInfo*> columns;
    for (const auto& c : table.columns)
      if (ColumnEligible(table, c)) columns.push_back(&c);
    if (!columns.empty()) DA_RETURN_IF_ERROR(ScanTable(db, table, columns, &builder));
  }
  return std::move(builder).Finish();
}

Status ValueIndex::Save(const std::string& path) const {
  std::string bytes(kMagic, sizeof kMagic);
  PutInt<uint32_t>(kFormatVersion, &bytes);
  PutInt<uint32_t>(static_cast<uint32_t>(columns_.size()), &bytes);
  for (const auto& [table, column] : columns_) {
    PutString(table, &bytes);
    PutString(column, &bytes);
  }
  PutInt<uint32_t>(static_cast<uint32_t>(entries_.size()), &bytes);
  for (const auto& e : entries_) {
    PutInt<uint32_t>(e.column, &bytes);
    PutInt<int64_t>(e.count, &bytes);
    PutString(e.value, &bytes);
  }
  PutInt<uint64_t>(Checksum(bytes), &bytes);
  return WriteFileAtomically(path, bytes);
}

Result<ValueIndex> ValueIndex::Load(const std::string& path) {
  std::string bytes;
  DA_RETURN_IF_ERROR(ReadWholeFile(path, &bytes));

  if (bytes.size() < sizeof kMagic || bytes.compare(0, sizeof kMagic, kMagic, sizeof kMagic) != 0)
    return Status::Corruption(path + ": not a value index file (wrong magic bytes)");
  std::string_view body(bytes);
  FileReader header(body.substr(sizeof kMagic), path);
  uint32_t version = 0;
  DA_RETURN_IF_ERROR(header.Int("the format version", &version));
  if (version != kFormatVersion)
    return Status::Corruption(path + ": value index format version " + std::to_string(version) +
                              ", this build reads version " + std::to_string(kFormatVersion) +
                              "; ingest the dataset again");
  if (body.size() < sizeof kMagic + 4 + 8) return Status::Corruption(path + ": damaged value index: file too short");
  FileReader tail(body.substr(body.size() - 8), path);
  uint64_t stored = 0;
  DA_RETURN_IF_ERROR(tail.Int("the checksum", &stored));
  body.remove_suffix(8);
  if (Checksum(body) != stored)
    return Status::Corruption(path + ": damaged value index: checksum mismatch (the file was truncated or altered)");

  FileReader r(body, path);
  r.Skip(sizeof kMagic + sizeof version);
  ValueIndex index;
  uint32_t columns = 0;
  DA_RETURN_IF_ERROR(r.Int("the column count", &columns));
  for (uint32_t c = 0; c < columns; ++c) {
    std::string table, column;
    DA_RETURN_IF_ERROR(r.String("a table name", &table));
    DA_RETURN_IF_ERROR(r.String("a column name", &column));
    index.columns_.emplace_back(std::move(table), std::move(column));
  }
  uint32_t entries = 0;
  DA_RETURN_IF_ERROR(r.Int("the value count", &entries));
  if (entries > body.size() / 16) return r.Bad(std::to_string(entries) + " values cannot fit in the file");
  index.entries_.reserve(entries);
  for (uint32_t i = 0; i < entries; ++i) {
    Entry e{0, 0, 0, {}, {}};
    DA_RETURN_IF_ERROR(r.Int("a value's column", &e.column));
    if (e.column >= columns)
      return r.Bad("value " + std::to_string(i) + " names column " + std::to_string(e.column) + " of " +
                   std::to_string(columns));
    DA_RETURN_IF_ERROR(r.Int("a value's row count", &e.count));
    if (e.count <= 0) return r.Bad("value " + std::to_string(i) + " has row count " + std::to_string(e.count));
    DA_RETURN_IF_ERROR(r.String("a value", &e.value));
    index.entries_.push_back(std::move(e));
  }
  if (r.pos() != body.size()) return r.Bad(std::to_string(body.size() - r.pos()) + " unexpected bytes after the values");
  index.Index();
  return index;
}

Status BuildAndSaveValueIndex(sqlite3* db, const Catalog& catalog, const std::string& path) {
  DA_ASSIGN_OR_RETURN(ValueIndex index, ValueIndex::Build(db, catalog));
  return index.Save(path);
}

}  // namespace da
