#include "ingest/csv_tokenizer.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace da {

namespace {

// Number of physical line ends in a quoted field's content.
int64_t CountLineEnds(const char* p, const char* end) {
  int64_t n = 0;
  for (; p < end; ++p) {
    if (*p == '\n') {
      ++n;
    } else if (*p == '\r') {
      if (p + 1 < end && p[1] == '\n') ++p;
      ++n;
    }
  }
  return n;
}

bool IsBlank(std::string_view field, char delimiter) {
  for (char c : field)
    if (c != ' ' && !(c == '\t' && delimiter != '\t')) return false;
  return true;
}

}  // namespace

CsvTokenizer::CsvTokenizer(std::string_view text, char delimiter, char quote, size_t start_offset,
                           int64_t start_line)
    : begin_(text.data()),
      end_(text.data() + text.size()),
      delimiter_(delimiter),
      quote_(quote),
      pos_(text.data() + std::min(start_offset, text.size())),
      line_(start_line) {
  special_[static_cast<unsigned char>(delimiter)] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  special_[static_cast<unsigned char>('\r')] = true;
  fields_.reserve(64);
}

bool CsvTokenizer::SkipLineEnds() {
  while (pos_ < end_) {
    if (*pos_ == '\n') {
      ++pos_;
    } else if (*pos_ == '\r') {
      ++pos_;
      if (pos_ < end_ && *pos_ == '\n') ++pos_;
    } else {
      return true;
    }
    ++line_;
  }
  return false;
}

// First delimiter, LF or CR at or after `p`, or end_. Sixteen bytes per step where SSE2 exists.
const char* CsvTokenizer::FindUnquotedEnd(const char* p) const {
#if defined(__SSE2__)
  const __m128i delim = _mm_set1_epi8(delimiter_);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  while (end_ - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, delim), _mm_cmpeq_epi8(chunk, lf)),
                                      _mm_cmpeq_epi8(chunk, cr));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end_ && !special_[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

char* CsvTokenizer::ReserveScratch(size_t bytes) {
  if (scratch_used_ + bytes > scratch_capacity_) {
    const size_t capacity = std::max(scratch_capacity_ * 2, scratch_used_ + bytes + 256);
    auto grown = std::make_unique<char[]>(capacity);
    if (scratch_used_ > 0) std::memcpy(grown.get(), scratch_.get(), scratch_used_);
    for (size_t index : scratch_fields_) {
      const size_t at = static_cast<size_t>(fields_[index].data() - scratch_.get());
      fields_[index] = std::string_view(grown.get() + at, fields_[index].size());
    }
    scratch_ = std::move(grown);
    scratch_capacity_ = capacity;
  }
  return scratch_.get() + scratch_used_;
}

// pos_ is at an opening quote. Leaves pos_ at the delimiter/line end/end_ after the field.
bool CsvTokenizer::ReadQuotedField() {
  const char* open = pos_;
  const char* content = open + 1;
  const char* p = content;
  bool doubled = false;
  const char* close;
  for (;;) {
    close = static_cast<const char*>(std::memchr(p, quote_, static_cast<size_t>(end_ - p)));
    if (close == nullptr) {
      error_offset_ = static_cast<size_t>(open - begin_);
      return false;
    }
    if (close + 1 < end_ && close[1] == quote_) {
      doubled = true;
      p = close + 2;
      continue;
    }
    break;
  }
  line_ += CountLineEnds(content, close);
  const char* after = close + 1;
  const char* field_end = after;
  if (after < end_ && !special_[static_cast<unsigned char>(*after)]) field_end = FindUnquotedEnd(after);
  pos_ = field_end;

  if (!doubled && field_end == after) {
    fields_.emplace_back(content, static_cast<size_t>(close - content));
    return true;
  }
  // Rebuild: content with "" collapsed, then any text after the closing quote.
  char* out = ReserveScratch(static_cast<size_t>(field_end - content));
  char* const start = out;
  for (const char* s = content; s < close; ++s) {
    *out++ = *s;
    if (*s == quote_) ++s;  // the second quote of a doubled pair
  }
  std::memcpy(out, after, static_cast<size_t>(field_end - after));
  out += field_end - after;
  scratch_used_ += static_cast<size_t>(out - start);
  scratch_fields_.push_back(fields_.size());
  fields_.emplace_back(start, static_cast<size_t>(out - start));
  return true;
}

CsvTokenizer::Step CsvTokenizer::Next() {
  for (;;) {
    fields_.clear();
    scratch_fields_.clear();
    scratch_used_ = 0;
    if (!SkipLineEnds()) return Step::kEnd;
    record_line_ = line_;
    bool quoted_any = false;
    for (;;) {
      if (pos_ < end_ && *pos_ == quote_ && quote_ != '\0') {
        quoted_any = true;
        if (!ReadQuotedField()) return Step::kUnterminatedQuote;
      } else {
        const char* start = pos_;
        pos_ = FindUnquotedEnd(pos_);
        fields_.emplace_back(start, static_cast<size_t>(pos_ - start));
      }
      if (pos_ == end_) break;
      const char c = *pos_++;
      if (c == delimiter_) continue;
      if (c == '\r' && pos_ < end_ && *pos_ == '\n') ++pos_;
      ++line_;
      break;
    }
    if (fields_.size() == 1 && !quoted_any && IsBlank(fields_[0], delimiter_)) continue;
    return Step::kRecord;
  }
}

}  // namespace da
