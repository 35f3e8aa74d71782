// Byte-level text checks shared by the delimited-text readers: UTF-8 validation, Windows-1252
// to UTF-8 conversion, binary-content detection, and line/column positions for messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace da {

// Byte order marks.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
inline constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
inline constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

// Appends code point `cp` (at most U+10FFFF) encoded as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF). ASCII runs are checked eight bytes at a time.
bool IsValidUtf8(std::string_view bytes);

// `bytes` without a trailing multi-byte sequence that was cut short (a prefix of a longer
// text may end mid-character); unchanged when its end is complete.
std::string_view DropIncompleteUtf8Tail(std::string_view bytes);

// Decodes UTF-16 (without its BOM) into UTF-8. Unpaired surrogates and an odd final byte
// become U+FFFD, so the conversion never fails.
std::string Utf16ToUtf8(std::string_view bytes, bool little_endian);

// Decodes Windows-1252 (a superset of printable Latin-1) into UTF-8. The five bytes 1252
// leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) map to the C1 controls of the same value, as
// browsers do, so the conversion never fails.
std::string Windows1252ToUtf8(std::string_view bytes);

// Offset of the first sign that `bytes` is not text: any NUL byte in the whole input, or,
// when more than 5% of the first 64 KB are control characters other than TAB, LF, CR, FF and
// VT, the first such character. nullopt for text.
std::optional<size_t> FindBinaryData(std::string_view bytes);

// 1-based physical line of byte `offset`: LF, CRLF and a lone CR each end one line.
int64_t LineNumberAt(std::string_view text, size_t offset);

// 1-based column of byte `offset` within its line, counted in UTF-8 code points.
int64_t ColumnNumberAt(std::string_view text, size_t offset);

}  // namespace da
