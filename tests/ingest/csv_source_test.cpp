// CsvRowSource over real files: dialects, quoting, line ends, encodings, header detection,
// line numbers, and every bad-input error.
#include "ingest/csv_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace da {
namespace {

using Rows = std::vector<std::vector<std::string>>;

struct ReadResult {
  std::vector<std::string> header;
  Rows rows;
  std::vector<int64_t> lines;
};

ReadResult ReadAll(RowSource& source) {
  ReadResult out;
  out.header = source.header();
  Status st = source.ForEachRow([&](const RowView& row) {
    out.rows.emplace_back(row.fields.begin(), row.fields.end());
    out.lines.push_back(row.line);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

class CsvSourceTest : public ::testing::Test {
 protected:
  // Writes `bytes` to a file called `name` and opens it.
  Result<std::unique_ptr<RowSource>> Open(const std::string& bytes, const std::string& name = "data.csv") {
    testing::WriteFile(dir_ / name, bytes);
    return OpenCsvFile(dir_ / name);
  }
  ReadResult Read(const std::string& bytes) {
    auto source = Open(bytes);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    if (!source.ok()) return {};
    return ReadAll(**source);
  }
  testing::TempDir dir_;
};

TEST_F(CsvSourceTest, CommaSeparatedWithHeader) {
  auto r = Read("id,name,amount\n1,Alice,10.5\n2,Bob,7\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "name", "amount"}));
  EXPECT_EQ(r.rows, (Rows{{"1", "Alice", "10.5"}, {"2", "Bob", "7"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 3}));
}

TEST_F(CsvSourceTest, SemicolonWithDecimalCommas) {
  auto r = Read("product;price;qty\nTea;1,50;3\nCoffee;2,75;10\nCake;3,10;1\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"product", "price", "qty"}));
  EXPECT_EQ(r.rows, (Rows{{"Tea", "1,50", "3"}, {"Coffee", "2,75", "10"}, {"Cake", "3,10", "1"}}));
}

TEST_F(CsvSourceTest, TabSeparatedWithCommasInText) {
  auto r = Read("city\tnote\tpopulation\nParis\tbig, old\t2100000\nLyon\tsmaller, also old\t520000\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"city", "note", "population"}));
  EXPECT_EQ(r.rows, (Rows{{"Paris", "big, old", "2100000"}, {"Lyon", "smaller, also old", "520000"}}));
}

TEST_F(CsvSourceTest, PipeSeparated) {
  auto r = Read("a|b|c\nx|1|2024-01-01\ny|2|2024-01-02\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.rows, (Rows{{"x", "1", "2024-01-01"}, {"y", "2", "2024-01-02"}}));
}

TEST_F(CsvSourceTest, SniffReportsDialect) {
  CsvDialect d = SniffCsv("a;b\n1;2\n3;4\n");
  EXPECT_EQ(d.delimiter, ';');
  EXPECT_EQ(d.quote, '"');
  EXPECT_TRUE(d.has_header);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(SniffCsv("a\tb\n1\t2\n").delimiter, '\t');
  EXPECT_EQ(SniffCsv("a|b\n1|2\n").delimiter, '|');
  EXPECT_EQ(SniffCsv("\xEF\xBB\xBFx,y\n1,2\n").encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(SniffCsv("x,y\nCaf\xE9,2\n").encoding, TextEncoding::kWindows1252);
  EXPECT_FALSE(SniffCsv("1,2\n3,4\n").has_header);
}

TEST_F(CsvSourceTest, DelimiterInsideQuotesDoesNotCount) {
  // Semicolons only inside quotes: the comma is the delimiter.
  auto r = Read("name,tags\n\"Smith; John\",\"a;b;c\"\n\"Doe; Jane\",\"d;e\"\n");
  EXPECT_EQ(r.rows, (Rows{{"Smith; John", "a;b;c"}, {"Doe; Jane", "d;e"}}));
}

TEST_F(CsvSourceTest, QuotedFields) {
  auto r = Read(
      "id,text\n"
      "1,\"has, comma\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"\"\n"
      "4,\"\"\"\"\n"
      "5,plain \"quote\" inside\n"
      "6,\"closed\"tail\n");
  EXPECT_EQ(r.rows, (Rows{{"1", "has, comma"},
                          {"2", "say \"hi\""},
                          {"3", ""},
                          {"4", "\""},
                          {"5", "plain \"quote\" inside"},
                          {"6", "closedtail"}}));
}

TEST_F(CsvSourceTest, ManyDoubledQuotesInOneRowStayIntact) {
  // Several rebuilt fields in one record, long enough to grow the scratch buffer mid-record.
  std::string big(1000, 'x');
  std::string csv = "a,b,c\n";
  csv += "\"" + big + "\"\"1\",\"" + big + big + "\"\"2\",\"" + big + big + big + "\"\"3\"\n";
  csv += "\"q\"\"1\",\"q\"\"2\",\"q\"\"3\"\n";
  auto r = Read(csv);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], (std::vector<std::string>{big + "\"1", big + big + "\"2", big + big + big + "\"3"}));
  EXPECT_EQ(r.rows[1], (std::vector<std::string>{"q\"1", "q\"2", "q\"3"}));
}

TEST_F(CsvSourceTest, UnquotedWhitespaceIsKept) {
  auto r = Read("a,b\n  x , y  \n");
  EXPECT_EQ(r.rows, (Rows{{"  x ", " y  "}}));
}

TEST_F(CsvSourceTest, LineEndingsLfCrlfAndLoneCr) {
  const Rows expected = {{"1", "x"}, {"2", "y"}};
  for (const std::string& eol : {std::string("\n"), std::string("\r\n"), std::string("\r")}) {
    auto r = Read("n,s" + eol + "1,x" + eol + "2,y" + eol);
    EXPECT_EQ(r.header, (std::vector<std::string>{"n", "s"}));
    EXPECT_EQ(r.rows, expected) << "line end " << ::testing::PrintToString(eol);
    EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 3}));
  }
}

TEST_F(CsvSourceTest, MissingFinalNewline) {
  auto r = Read("n,s\n1,x\n2,y");
  EXPECT_EQ(r.rows, (Rows{{"1", "x"}, {"2", "y"}}));
  auto q = Read("n,s\n1,\"quoted at the end\"");
  EXPECT_EQ(q.rows, (Rows{{"1", "quoted at the end"}}));
  auto t = Read("n,s\n1,");
  EXPECT_EQ(t.rows, (Rows{{"1", ""}}));
}

TEST_F(CsvSourceTest, TrailingDosEndOfFileMarkerIsDropped) {
  auto r = Read("n,s\r\n1,x\r\n\x1A");
  EXPECT_EQ(r.rows, (Rows{{"1", "x"}}));
}

TEST_F(CsvSourceTest, BlankLinesSkippedButDelimiterOnlyLinesAreRows) {
  auto r = Read("n,s\n\n1,x\n   \n\r\n,\n2,y\n\n");
  EXPECT_EQ(r.rows, (Rows{{"1", "x"}, {"", ""}, {"2", "y"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{3, 6, 7}));
}

TEST_F(CsvSourceTest, MultiLineQuotedFieldsKeepPhysicalLineNumbers) {
  auto r = Read(
      "id,comment,n\n"
      "1,\"first line\nsecond line\",10\n"
      "2,\"crlf\r\ninside\r\nthree\",20\n"
      "3,plain,30\n");
  EXPECT_EQ(r.rows, (Rows{{"1", "first line\nsecond line", "10"},
                          {"2", "crlf\r\ninside\r\nthree", "20"},
                          {"3", "plain", "30"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 4, 7}));
}

TEST_F(CsvSourceTest, Utf8BomIsStripped) {
  auto r = Read("\xEF\xBB\xBFid,name\n1,Zo\xC3\xAB\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(r.rows, (Rows{{"1", "Zo\xC3\xAB"}}));
}

TEST_F(CsvSourceTest, Windows1252IsConvertedToUtf8) {
  auto r = Read("item;price\nCaf\xE9;\x80 3\n\x93quoted\x94;\xA3 2\n");
  EXPECT_EQ(r.rows, (Rows{{"Caf\xC3\xA9", "\xE2\x82\xAC 3"}, {"\xE2\x80\x9Cquoted\xE2\x80\x9D", "\xC2\xA3 2"}}));
}

std::string EncodeUtf16(const std::u16string& text, bool little_endian) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (char16_t u : text) {
    const char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
    out += little_endian ? std::string{lo, hi} : std::string{hi, lo};
  }
  return out;
}

TEST_F(CsvSourceTest, Utf16WithBomIsConvertedToUtf8) {
  for (bool little_endian : {true, false}) {
    auto r = Read(EncodeUtf16(u"name\tprice\r\nCaf\u00e9\t\u20ac3\r\n\U0001F600\t2\r\n", little_endian));
    EXPECT_EQ(r.header, (std::vector<std::string>{"name", "price"}));
    EXPECT_EQ(r.rows, (Rows{{"Caf\xC3\xA9", "\xE2\x82\xAC" "3"}, {"\xF0\x9F\x98\x80", "2"}}));
  }
  EXPECT_EQ(SniffCsv(EncodeUtf16(u"a;b\n1;2\n", true)).encoding, TextEncoding::kUtf16Le);
  EXPECT_EQ(SniffCsv(EncodeUtf16(u"a;b\n1;2\n", false)).delimiter, ';');
}

TEST_F(CsvSourceTest, SniffToleratesACharacterCutAtThePrefixEnd) {
  // A prefix of a UTF-8 file that ends in the middle of "é" is still UTF-8.
  const std::string prefix = "name,city\nAda,Gen\xC3\xA8ve\nBob,Z\xC3";
  EXPECT_EQ(SniffCsv(prefix).encoding, TextEncoding::kUtf8);
}

TEST_F(CsvSourceTest, Latin1HeaderIsConverted) {
  auto r = Read("r\xE9gion,ann\xE9\x65\nNord,2023\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"r\xC3\xA9gion", "ann\xC3\xA9\x65"}));
}

TEST_F(CsvSourceTest, HeaderOverNumbersAndDates) {
  auto r = Read("order_id,order_date,total\n1001,2024-01-05,19.99\n1002,2024-01-06,5.00\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"order_id", "order_date", "total"}));
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(CsvSourceTest, NoHeaderWhenFirstRowIsData) {
  auto r = Read("1001,2024-01-05,19.99\n1002,2024-01-06,5.00\n1003,2024-01-07,8.50\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"column_1", "column_2", "column_3"}));
  EXPECT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], (std::vector<std::string>{"1001", "2024-01-05", "19.99"}));
  EXPECT_EQ(r.lines[0], 1);
}

TEST_F(CsvSourceTest, NoHeaderWhenFirstTextValueRepeatsBelow) {
  auto r = Read("Paris,France,2100000\nLyon,France,520000\nBerlin,Germany,3600000\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"column_1", "column_2", "column_3"}));
  EXPECT_EQ(r.rows.size(), 3u);
}

TEST_F(CsvSourceTest, AllTextFileWithDistinctLabelsHasHeader) {
  auto r = Read("first_name,last_name,city\nAda,Lovelace,London\nAlan,Turing,Wilmslow\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"first_name", "last_name", "city"}));
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(CsvSourceTest, YearLabelsOverDecimalsAreAHeader) {
  auto r = Read("country,2022,2023\nFrance,1.5,2.25\nSpain,0.75,1.10\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"country", "2022", "2023"}));
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(CsvSourceTest, PandasIndexColumnWithEmptyLabelIsAHeader) {
  auto r = Read(",name,age\n0,Ada,36\n1,Alan,41\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"", "name", "age"}));
  EXPECT_EQ(r.rows, (Rows{{"0", "Ada", "36"}, {"1", "Alan", "41"}}));
}

TEST_F(CsvSourceTest, NoHeaderInNumericMatrix) {
  auto r = Read("1;2.5;3\n4;5.5;6\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"column_1", "column_2", "column_3"}));
  EXPECT_EQ(r.rows, (Rows{{"1", "2.5", "3"}, {"4", "5.5", "6"}}));
}

TEST_F(CsvSourceTest, SingleNumericRowIsData) {
  auto r = Read("7,8,9\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"column_1", "column_2", "column_3"}));
  EXPECT_EQ(r.rows, (Rows{{"7", "8", "9"}}));
}

TEST_F(CsvSourceTest, HeaderOverBooleansAndCurrency) {
  auto r = Read("active\tprice\tname\ntrue\t$12.50\tTea\nfalse\t$3.00\tCake\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"active", "price", "name"}));
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(CsvSourceTest, HeaderlessRaggedFileGetsWidestColumnCount) {
  auto r = Read("1,2\n3,4,5\n6,7\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"column_1", "column_2", "column_3"}));
  EXPECT_EQ(r.rows.size(), 3u);
}

TEST_F(CsvSourceTest, HeaderOnlyFileHasNoRows) {
  auto r = Read("id,name,amount\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "name", "amount"}));
  EXPECT_TRUE(r.rows.empty());
}

TEST_F(CsvSourceTest, HeaderLabelsTrimmedDuplicatesAndEmptiesKept) {
  auto r = Read(" id , name ,name,,x\n1,a,b,c,d\n2,e,f,g,h\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "name", "name", "", "x"}));
}

TEST_F(CsvSourceTest, NullMarkersArePassedVerbatim) {
  auto r = Read("id,v\n1,NULL\n2,NA\n3,\\N\n4,\n5,\"\"\n");
  EXPECT_EQ(r.rows, (Rows{{"1", "NULL"}, {"2", "NA"}, {"3", "\\N"}, {"4", ""}, {"5", ""}}));
}

TEST_F(CsvSourceTest, RaggedRowsArePassedAsTheyAre) {
  auto r = Read("a,b,c\n1,2,3\n4,5\n6,7,8,9\n");
  EXPECT_EQ(r.rows, (Rows{{"1", "2", "3"}, {"4", "5"}, {"6", "7", "8", "9"}}));
}

TEST_F(CsvSourceTest, ForEachRowTwiceGivesTheSameRows) {
  auto source = Open("id,text\n1,\"a \"\"b\"\"\"\n2,\"multi\nline\"\n3,c\n");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ReadResult first = ReadAll(**source);
  ReadResult second = ReadAll(**source);
  EXPECT_EQ(first.rows.size(), 3u);
  EXPECT_EQ(first.rows, second.rows);
  EXPECT_EQ(first.lines, second.lines);
}

TEST_F(CsvSourceTest, CallbackErrorStopsIteration) {
  auto source = Open("n\n1\n2\n3\n4\n");
  ASSERT_TRUE(source.ok());
  int calls = 0;
  Status st = (*source)->ForEachRow([&](const RowView& row) {
    ++calls;
    if (row.fields[0] == "2") return Status::InvalidArgument("stop at 2");
    return Status::Ok();
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "stop at 2");
}

TEST_F(CsvSourceTest, NameAndByteSize) {
  const std::string csv = "a,b\n1,2\n";
  auto source = Open(csv, "orders.csv");
  ASSERT_TRUE(source.ok());
  EXPECT_EQ((*source)->name(), "orders.csv");
  EXPECT_EQ((*source)->byte_size(), csv.size());
}

TEST_F(CsvSourceTest, BufferSourceFromZipEntry) {
  auto source = OpenCsvBuffer("sales/2023.csv", "region;total\nNord;10\nSud;\xE9t\xE9\n");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ((*source)->name(), "sales/2023.csv");
  ReadResult r = ReadAll(**source);
  EXPECT_EQ(r.header, (std::vector<std::string>{"region", "total"}));
  EXPECT_EQ(r.rows, (Rows{{"Nord", "10"}, {"Sud", "\xC3\xA9t\xC3\xA9"}}));
}

TEST_F(CsvSourceTest, SingleQuoteQuoting) {
  auto r = Read("name,city\n'Smith, J',Paris\n'Doe, A',Lyon\n");
  EXPECT_EQ(r.rows, (Rows{{"Smith, J", "Paris"}, {"Doe, A", "Lyon"}}));
}

TEST_F(CsvSourceTest, ApostrophesAreNotQuotes) {
  auto r = Read("name,note\nO'Brien,'til Monday\nD'Arcy,it's 'fine'\n");
  EXPECT_EQ(r.rows, (Rows{{"O'Brien", "'til Monday"}, {"D'Arcy", "it's 'fine'"}}));
}

TEST_F(CsvSourceTest, SingleColumnFile) {
  auto r = Read("email\na@example.com\nb@example.com\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"email"}));
  EXPECT_EQ(r.rows, (Rows{{"a@example.com"}, {"b@example.com"}}));
}

TEST_F(CsvSourceTest, QuotedRowBeyondTheSniffSampleIsStillParsed) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 20000; ++i) csv += std::to_string(i) + ",plain name\n";
  csv += "20000,\"Smith, John\"\n";
  auto r = Read(csv);
  ASSERT_EQ(r.rows.size(), 20001u);
  EXPECT_EQ(r.rows.back(), (std::vector<std::string>{"20000", "Smith, John"}));
  EXPECT_EQ(r.lines.back(), 20002);
}

// ---- Bad input

TEST_F(CsvSourceTest, MissingFileIsNotFound) {
  auto source = OpenCsvFile(dir_ / "nope.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), Status::Code::kNotFound);
  EXPECT_NE(source.status().message().find("nope.csv"), std::string::npos);
}

TEST_F(CsvSourceTest, EmptyFile) {
  for (const std::string& bytes : {std::string(), std::string(" \n\r\n\t \n"), std::string("\xEF\xBB\xBF\n")}) {
    auto source = Open(bytes, "orders.csv");
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(source.status().message(), "orders.csv: the file is empty");
  }
  auto buffer = OpenCsvBuffer("a/b.csv", "");
  ASSERT_FALSE(buffer.ok());
  EXPECT_EQ(buffer.status().message(), "a/b.csv: the file is empty");
}

TEST_F(CsvSourceTest, NulByteIsBinary) {
  auto source = Open(std::string("a,b\n1,2\n3,\0\n", 12), "orders.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(source.status().message(), "orders.csv: not a text file (binary data at line 3)");
}

TEST_F(CsvSourceTest, ControlCharactersAreBinary) {
  std::string bytes = "header\n";
  for (int i = 0; i < 200; ++i) bytes += std::string("\x01\x02\x03\x04\xFF\x1B", 6) + "abcd";
  auto source = Open(bytes, "image.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().message(), "image.csv: not a text file (binary data at line 2)");
}

TEST_F(CsvSourceTest, RealBinaryFileIsRejected) {
  auto source = Open(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16), "picture.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().message(), "picture.csv: not a text file (binary data at line 3)");
}

TEST_F(CsvSourceTest, UnterminatedQuoteInDataRow) {
  auto source = Open("id,text\n1,ok\n2,\"never closed\n3,more\n4,rows\n", "notes.csv");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  int rows = 0;
  Status st = (*source)->ForEachRow([&](const RowView&) {
    ++rows;
    return Status::Ok();
  });
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "notes.csv:3: unterminated quoted field (opened at line 3, column 3)");
}

TEST_F(CsvSourceTest, UnterminatedQuoteAfterMultiLineField) {
  auto source = Open("id,a,b\n1,\"x\ny\",\"z\n", "m.csv");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  Status st = (*source)->ForEachRow([](const RowView&) { return Status::Ok(); });
  EXPECT_EQ(st.message(), "m.csv:2: unterminated quoted field (opened at line 3, column 4)");
}

TEST_F(CsvSourceTest, UnterminatedQuoteInFirstLineFailsOpen) {
  auto source = Open("id,\"name\n1,2\n", "h.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().message(), "h.csv:1: unterminated quoted field (opened at line 1, column 4)");
}

TEST(LooksLikeCsvNameTest, Extensions) {
  EXPECT_TRUE(LooksLikeCsvName("orders.csv"));
  EXPECT_TRUE(LooksLikeCsvName("ORDERS.CSV"));
  EXPECT_TRUE(LooksLikeCsvName("data.tsv"));
  EXPECT_TRUE(LooksLikeCsvName("export.TXT"));
  EXPECT_TRUE(LooksLikeCsvName("dir/x.tab"));
  EXPECT_FALSE(LooksLikeCsvName("book.xlsx"));
  EXPECT_FALSE(LooksLikeCsvName("archive.zip"));
  EXPECT_FALSE(LooksLikeCsvName("csv"));
  EXPECT_FALSE(LooksLikeCsvName(".csv"));
  EXPECT_FALSE(LooksLikeCsvName("notes.csv.gz"));
}

}  // namespace
}  // namespace da
