#include "ingest/text_encoding.h"

#include <gtest/gtest.h>

namespace da {
namespace {

TEST(TextEncodingTest, ValidUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 end"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(TextEncodingTest, InvalidUtf8) {
  EXPECT_FALSE(IsValidUtf8("Caf\xE9"));                // Latin-1 byte
  EXPECT_FALSE(IsValidUtf8("abcdefgh\x80"));           // stray continuation after a fast-path word
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));               // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));           // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));           // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));       // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));               // truncated
}

TEST(TextEncodingTest, Windows1252ToUtf8) {
  EXPECT_EQ(Windows1252ToUtf8("Caf\xE9"), "Caf\xC3\xA9");
  EXPECT_EQ(Windows1252ToUtf8("\x80"), "\xE2\x82\xAC");
  EXPECT_EQ(Windows1252ToUtf8("\x93hi\x94"), "\xE2\x80\x9Chi\xE2\x80\x9D");
  EXPECT_EQ(Windows1252ToUtf8("\xFF"), "\xC3\xBF");
  EXPECT_EQ(Windows1252ToUtf8("\x81"), "\xC2\x81");  // undefined in 1252: the C1 control
  EXPECT_EQ(Windows1252ToUtf8("ascii only"), "ascii only");
  EXPECT_TRUE(IsValidUtf8(Windows1252ToUtf8("\x80\x8D\x9F\xA0\xFF")));
}

TEST(TextEncodingTest, Utf16ToUtf8) {
  EXPECT_EQ(Utf16ToUtf8(std::string("h\0i\0", 4), true), "hi");
  EXPECT_EQ(Utf16ToUtf8(std::string("\0h\0i", 4), false), "hi");
  EXPECT_EQ(Utf16ToUtf8("\xAC\x20", true), "\xE2\x82\xAC");              // U+20AC
  EXPECT_EQ(Utf16ToUtf8(std::string("\x3D\xD8\x00\xDE", 4), true), "\xF0\x9F\x98\x80");  // surrogate pair
  EXPECT_EQ(Utf16ToUtf8(std::string("\x3D\xD8h\0", 4), true), "\xEF\xBF\xBDh");          // unpaired high surrogate
  EXPECT_EQ(Utf16ToUtf8(std::string("h\0x", 3), true), "h\xEF\xBF\xBD");   // odd final byte
}

TEST(TextEncodingTest, DropIncompleteUtf8Tail) {
  EXPECT_EQ(DropIncompleteUtf8Tail("abc"), "abc");
  EXPECT_EQ(DropIncompleteUtf8Tail("ab\xC3\xA9"), "ab\xC3\xA9");
  EXPECT_EQ(DropIncompleteUtf8Tail("ab\xC3"), "ab");
  EXPECT_EQ(DropIncompleteUtf8Tail("ab\xE2\x82"), "ab");
  EXPECT_EQ(DropIncompleteUtf8Tail("ab\xF0\x9F\x98"), "ab");
  EXPECT_EQ(DropIncompleteUtf8Tail(""), "");
}

TEST(TextEncodingTest, FindBinaryData) {
  EXPECT_FALSE(FindBinaryData("a,b\r\n1,2\tx\f\n").has_value());
  EXPECT_EQ(FindBinaryData(std::string("ab\0c", 4)), 2u);
  // One stray control character in text is not binary.
  std::string text(1000, 'x');
  text[10] = '\x01';
  EXPECT_FALSE(FindBinaryData(text).has_value());
  std::string binary(100, 'x');
  for (int i = 0; i < 10; ++i) binary[20 + i] = '\x02';
  EXPECT_EQ(FindBinaryData(binary), 20u);
  // A NUL far beyond the 64 KB sample is still found.
  std::string late(200000, 'y');
  late[150000] = '\0';
  EXPECT_EQ(FindBinaryData(late), 150000u);
}

TEST(TextEncodingTest, LineAndColumnNumbers) {
  const std::string text = "ab\ncd\r\nef\rg\xC3\xA9h";
  EXPECT_EQ(LineNumberAt(text, 0), 1);
  EXPECT_EQ(LineNumberAt(text, 3), 2);
  EXPECT_EQ(LineNumberAt(text, 7), 3);
  EXPECT_EQ(LineNumberAt(text, 10), 4);
  EXPECT_EQ(ColumnNumberAt(text, 4), 2);
  EXPECT_EQ(ColumnNumberAt(text, 10), 1);
  EXPECT_EQ(ColumnNumberAt(text, 13), 3);  // 'h' after the two-byte é
}

}  // namespace
}  // namespace da
