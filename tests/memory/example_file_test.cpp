#include "memory/example_file.h"

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/xlsx_reader.h"
#include "test_util.h"

namespace da::memory {
namespace {

using da::testing::ReadFile;
using da::testing::TempDir;
using da::testing::WriteFile;

// Examples whose text exercises quoting, line breaks and non-ASCII text.
std::vector<ExampleRecord> TrickyRecords() {
  return {
      {"How many \"active\" customers are there?", "SELECT COUNT(*) FROM customers WHERE status = 'active'",
       "quotes: \" and '", ""},
      {"Revenue per month in 2024", "SELECT strftime('%Y-%m', day) AS month,\n       SUM(amount)\nFROM sales\n"
       "WHERE day >= '2024-01-01'\r\nGROUP BY 1\tORDER BY 1;", "", ""},
      {"Umsätze für Zürich — 東京 😀?", "SELECT * FROM t WHERE city IN ('Zürich', '東京') -- 😀",
       "multi\nline notes with a backslash \\ and a tab\t", ""},
      {"=SUM(A1:A2) looks like a formula", "SELECT '_x0041_' AS escape_like, '_x00e9__x00' AS f, '=1+1' AS g",
       "control characters \x01 \x1F and a bell \a", ""},
  };
}

// Compares question, SQL and notes (not origin) of two lists.
void ExpectSameExamples(const std::vector<ExampleRecord>& got, const std::vector<ExampleRecord>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].question, want[i].question) << "example " << i + 1;
    EXPECT_EQ(got[i].sql, want[i].sql) << "example " << i + 1;
    EXPECT_EQ(got[i].notes, want[i].notes) << "example " << i + 1;
  }
}

std::vector<std::string> Origins(const std::vector<ExampleRecord>& records) {
  std::vector<std::string> out;
  for (const ExampleRecord& r : records) out.push_back(r.origin);
  return out;
}

// Owns an lxw_workbook being written; Close() writes the file.
class Book {
 public:
  explicit Book(const std::filesystem::path& path) : wb_(workbook_new(path.c_str())) {}
  ~Book() {
    if (wb_) workbook_close(wb_);
  }
  lxw_worksheet* Sheet(const std::string& name) { return workbook_add_worksheet(wb_, name.c_str()); }
  void Close() {
    ASSERT_EQ(workbook_close(wb_), LXW_NO_ERROR);
    wb_ = nullptr;
  }

 private:
  lxw_workbook* wb_ = nullptr;
};

// Writes rows of text cells from row 0 (Excel row 1); an empty string leaves the cell empty.
void WriteRows(lxw_worksheet* sheet, const std::vector<std::vector<std::string>>& rows) {
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      if (rows[r][c].empty()) continue;
      ASSERT_EQ(worksheet_write_string(sheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c),
                                       rows[r][c].c_str(), nullptr),
                LXW_NO_ERROR);
    }
  }
}

class ExampleFileTest : public ::testing::Test {
 protected:
  // A one-sheet workbook of text rows.
  std::filesystem::path Workbook(const std::string& name, const std::vector<std::vector<std::string>>& rows,
                                 const std::string& sheet = "Sheet1") {
    std::filesystem::path path = dir_ / name;
    Book book(path);
    WriteRows(book.Sheet(sheet), rows);
    book.Close();
    return path;
  }

  // Reads `path`, expecting failure with `code`; returns the message.
  std::string ReadError(const std::filesystem::path& path, Status::Code code = Status::Code::kInvalidArgument) {
    auto r = ReadExampleFile(path);
    EXPECT_FALSE(r.ok()) << path << " read " << (r.ok() ? r->size() : 0) << " examples";
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    return r.status().message();
  }

  std::string JsonlError(const std::string& content) {
    WriteFile(dir_ / "examples.jsonl", content);
    return ReadError(dir_ / "examples.jsonl");
  }

  // Files in the directory, by name.
  std::vector<std::string> DirListing() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir_;
};

// ---------------------------------------------------------------------------------------
// Round trips

TEST_F(ExampleFileTest, JsonlRoundTripKeepsTextByteForByte) {
  const auto path = dir_ / "examples.jsonl";
  ASSERT_TRUE(WriteExampleFile(path, TrickyRecords()).ok());
  auto read = ReadExampleFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameExamples(*read, TrickyRecords());
  const std::string p = path.string();
  EXPECT_EQ(Origins(*read), (std::vector<std::string>{p + ": line 1", p + ": line 2", p + ": line 3", p + ": line 4"}));
}

TEST_F(ExampleFileTest, JsonlWritesOneObjectPerLineInKeyOrderWithoutEmptyNotes) {
  const auto path = dir_ / "examples.jsonl";
  ASSERT_TRUE(WriteExampleFile(path, {{"q1", "SELECT 1", "", "ignored origin"},
                                      {"q \"2\"", "SELECT\n2", "n é", ""}})
                  .ok());
  EXPECT_EQ(ReadFile(path),
            "{\"question\":\"q1\",\"sql\":\"SELECT 1\"}\n"
            "{\"question\":\"q \\\"2\\\"\",\"sql\":\"SELECT\\n2\",\"notes\":\"n é\"}\n");
}

TEST_F(ExampleFileTest, XlsxRoundTripKeepsTextByteForByte) {
  const auto path = dir_ / "examples.xlsx";
  ASSERT_TRUE(WriteExampleFile(path, TrickyRecords()).ok());
  auto read = ReadExampleFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameExamples(*read, TrickyRecords());
  const std::string p = path.string() + ": sheet Examples, row ";
  EXPECT_EQ(Origins(*read), (std::vector<std::string>{p + "2", p + "3", p + "4", p + "5"}));
}

TEST_F(ExampleFileTest, XlsxHasOneExamplesSheetWithTheOriginalPlatformsHeader) {
  const auto path = dir_ / "examples.xlsx";
  ASSERT_TRUE(WriteExampleFile(path, {{"q1", "SELECT 1", "", ""}, {"q2", "SELECT 2", "note", ""}}).ok());
  auto sheets = OpenXlsxSheets(path);
  ASSERT_TRUE(sheets.ok()) << sheets.status().ToString();
  ASSERT_EQ(sheets->size(), 1u);
  RowSource& sheet = *sheets->front();
  EXPECT_EQ(sheet.name(), "examples.xlsx#Examples");
  EXPECT_EQ(sheet.header(), (std::vector<std::string>{"question", "query", "notes"}));
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(sheet.ForEachRow([&](const RowView& row) {
                     rows.emplace_back(row.fields.begin(), row.fields.end());
                     return Status::Ok();
                   }).ok());
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"q1", "SELECT 1", ""}, {"q2", "SELECT 2", "note"}}));
}

TEST_F(ExampleFileTest, AnEmptyListRoundTripsInBothFormats) {
  for (const char* name : {"none.jsonl", "none.xlsx"}) {
    ASSERT_TRUE(WriteExampleFile(dir_ / name, {}).ok()) << name;
    auto read = ReadExampleFile(dir_ / name);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_TRUE(read->empty()) << name;
  }
  EXPECT_EQ(ReadFile(dir_ / "none.jsonl"), "");
}

TEST_F(ExampleFileTest, ExtensionsAreCaseInsensitive) {
  for (const char* name : {"UPPER.JSONL", "Upper.XLSX"}) {
    ASSERT_TRUE(WriteExampleFile(dir_ / name, {{"q", "SELECT 1", "", ""}}).ok()) << name;
    auto read = ReadExampleFile(dir_ / name);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->size(), 1u);
  }
}

// ---------------------------------------------------------------------------------------
// Reading what people and other tools write

TEST_F(ExampleFileTest, ReadsTheOriginalPlatformsWorkbookLayout) {
  // Columns Question and Query (capitalised) among others, a title row above the header, an
  // empty row in the middle and a row with only an unrelated cell.
  const auto path = Workbook("platform export.xlsx",
                             {{"Exported examples"},
                              {"ID", "Question", "Owner", "Query", "Created"},
                              {"1", "Top 5 products", "ana", "SELECT name FROM products ORDER BY sales DESC LIMIT 5",
                               "2024-01-02"},
                              {},
                              {"2", "Orders per day", "", "SELECT day, COUNT(*)\nFROM orders GROUP BY day", ""},
                              {"3", "", "bob", "", "2024-02-03"}},
                             "Sheet 1");
  auto read = ReadExampleFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameExamples(*read, {{"Top 5 products", "SELECT name FROM products ORDER BY sales DESC LIMIT 5", "", ""},
                             {"Orders per day", "SELECT day, COUNT(*)\nFROM orders GROUP BY day", "", ""}});
  const std::string p = path.string() + ": sheet Sheet 1, row ";
  EXPECT_EQ(Origins(*read), (std::vector<std::string>{p + "3", p + "5"}));
}

TEST_F(ExampleFileTest, XlsxAcceptsSqlForQueryAndReadsNotes) {
  const auto path = Workbook("examples.xlsx", {{" NOTES ", "sql", "QUESTION"}, {"why", "SELECT 1", "one?"}});
  auto read = ReadExampleFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameExamples(*read, {{"one?", "SELECT 1", "why", ""}});
}

TEST_F(ExampleFileTest, XlsxReadsOnlyTheFirstSheet) {
  const auto path = dir_ / "two sheets.xlsx";
  Book book(path);
  WriteRows(book.Sheet("First"), {{"question", "query"}, {"q1", "SELECT 1"}});
  WriteRows(book.Sheet("Second"), {{"question", "query"}, {"q2", "SELECT 2"}});
  book.Close();
  auto read = ReadExampleFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameExamples(*read, {{"q1", "SELECT 1", "", ""}});
}

TEST_F(ExampleFileTest, JsonlAcceptsQueryKeyBlankLinesCrlfBomNullNotesAndOtherKeys) {
  WriteFile(dir_ / "examples.jsonl",
            "\xEF\xBB\xBF{\"question\": \"q1\", \"query\": \"SELECT 1\", \"id\": 7}\r\n"
            "\r\n"
            "   \n"
            "{\"question\": \"q2\", \"sql\": \"SELECT 2\", \"notes\": null}\n"
            "{\"notes\": \"n3\", \"sql\": \"SELECT 3\", \"question\": \"q3\"}");  // no final newline
  auto read = ReadExampleFile(dir_ / "examples.jsonl");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameExamples(*read, {{"q1", "SELECT 1", "", ""}, {"q2", "SELECT 2", "", ""}, {"q3", "SELECT 3", "n3", ""}});
  const std::string p = (dir_ / "examples.jsonl").string();
  EXPECT_EQ(Origins(*read), (std::vector<std::string>{p + ": line 1", p + ": line 4", p + ": line 5"}));
}

// ---------------------------------------------------------------------------------------
// Bad input: every error names the file and the place; nothing partial is returned.

TEST_F(ExampleFileTest, JsonlErrorsNameTheLineAndWhatWasExpected) {
  const std::string p = (dir_ / "examples.jsonl").string();
  const std::string good = "{\"question\": \"q\", \"sql\": \"SELECT 1\"}\n";
  EXPECT_EQ(JsonlError(good + "\n[1, 2]\n"), p + ": line 3: expected a JSON object with \"question\" and \"sql\"");
  EXPECT_EQ(JsonlError(good + "\"just text\"\n"),
            p + ": line 2: expected a JSON object with \"question\" and \"sql\"");
  EXPECT_EQ(JsonlError(good + "{\"question\": \"q\"}\n"),
            p + ": line 2: expected a JSON object with \"question\" and \"sql\"");
  EXPECT_EQ(JsonlError(good + "{\"sql\": \"SELECT 1\"}\n"),
            p + ": line 2: expected a JSON object with \"question\" and \"sql\"");
  EXPECT_EQ(JsonlError(good + "{\"question\": 5, \"sql\": \"SELECT 1\"}\n"),
            p + ": line 2: \"question\" must be a string, found number");
  EXPECT_EQ(JsonlError(good + "{\"question\": \"q\", \"query\": [\"SELECT 1\"]}\n"),
            p + ": line 2: \"query\" must be a string, found array");
  EXPECT_EQ(JsonlError(good + "{\"question\": \"q\", \"sql\": \"SELECT 1\", \"notes\": {}}\n"),
            p + ": line 2: \"notes\" must be a string, found object");
  EXPECT_EQ(JsonlError(good + "{\"question\": \"q\", \"sql\": \"SELECT 1\", \"query\": \"SELECT 2\"}\n"),
            p + ": line 2: both \"sql\" and \"query\" are given; expected one of them");
  EXPECT_EQ(JsonlError(good + good + "{\"question\": \" \\t \", \"sql\": \"SELECT 1\"}\n"),
            p + ": line 3, \"question\": empty question");
  EXPECT_EQ(JsonlError("{\"question\": \"q\", \"query\": \"\\n\"}\n"), p + ": line 1, \"query\": empty SQL");
}

TEST_F(ExampleFileTest, JsonlSyntaxErrorsNameLineAndByteColumn) {
  const std::string p = (dir_ / "examples.jsonl").string();
  const std::string good = "{\"question\": \"q\", \"sql\": \"SELECT 1\"}\n";
  // Byte 14 is the unquoted x.
  std::string message = JsonlError(good + "{\"question\": x}\n");
  EXPECT_EQ(message.rfind(p + ": line 2, column 14: invalid JSON: syntax error while parsing value", 0), 0u)
      << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
  // A truncated object (35 bytes): the error is just past its end.
  message = JsonlError("{\"question\": \"q\", \"sql\": \"SELECT 1\"\n");
  EXPECT_EQ(message.rfind(p + ": line 1, column 36: invalid JSON: ", 0), 0u) << message;
}

TEST_F(ExampleFileTest, JsonlRejectsInvalidUtf8NamingTheLine) {
  const std::string p = (dir_ / "examples.jsonl").string();
  EXPECT_EQ(JsonlError("{\"question\": \"q\", \"sql\": \"SELECT 1\"}\n{\"question\": \"caf\xE9\", \"sql\": \"SELECT 1\"}\n"),
            p + ": line 2: not valid UTF-8 text");
}

TEST_F(ExampleFileTest, XlsxErrorsNameTheMissingColumnAndWhatWasFound) {
  auto path = Workbook("examples.xlsx", {{"Question", "SQL Query"}, {"q", "SELECT 1"}});
  EXPECT_EQ(ReadError(path), path.string() + ": no column named query in the header row (found: Question, SQL Query)");
  path = Workbook("examples2.xlsx", {{"Prompt", "", "Query"}, {"q", "", "SELECT 1"}});
  EXPECT_EQ(ReadError(path), path.string() + ": no column named question in the header row (found: Prompt, Query)");
}

TEST_F(ExampleFileTest, XlsxErrorsNameSheetRowAndColumnOfAnEmptyCell) {
  auto path = Workbook("examples.xlsx",
                       {{"Question", "Query"}, {"q1", "SELECT 1"}, {"q2", "SELECT 2"}, {"q3", ""}, {"q4", "SELECT 4"}},
                       "Examples");
  EXPECT_EQ(ReadError(path), path.string() + ": sheet Examples, row 4, column Query: empty SQL");
  path = Workbook("examples2.xlsx", {{"Question", "SQL"}, {"q1", "SELECT 1"}, {"   ", "SELECT 2"}});
  EXPECT_EQ(ReadError(path), path.string() + ": sheet Sheet1, row 3, column Question: empty question");
}

TEST_F(ExampleFileTest, XlsxThatIsNotAWorkbookFailsWithTheReadersMessage) {
  WriteFile(dir_ / "examples.xlsx", "question,query\nq,SELECT 1\n");
  const std::string message = ReadError(dir_ / "examples.xlsx");
  EXPECT_EQ(message.rfind((dir_ / "examples.xlsx").string() + ": not an Excel .xlsx workbook", 0), 0u) << message;
}

TEST_F(ExampleFileTest, UnknownExtensionAndMissingFile) {
  WriteFile(dir_ / "examples.csv", "question,query\n");
  const std::string p = (dir_ / "examples.csv").string();
  EXPECT_EQ(ReadError(dir_ / "examples.csv"), p + ": unknown example file type '.csv': expected .jsonl or .xlsx");
  EXPECT_EQ(ReadError(dir_ / "examples"),
            (dir_ / "examples").string() + ": unknown example file type '': expected .jsonl or .xlsx");
  Status st = WriteExampleFile(dir_ / "out.json", {{"q", "SELECT 1", "", ""}});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), (dir_ / "out.json").string() + ": unknown example file type '.json': expected .jsonl or .xlsx");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out.json"));

  EXPECT_EQ(ReadError(dir_ / "missing.jsonl", Status::Code::kNotFound), (dir_ / "missing.jsonl").string() + ": no such file");
  EXPECT_EQ(ReadError(dir_ / "missing.xlsx", Status::Code::kNotFound), (dir_ / "missing.xlsx").string() + ": no such file");
  std::filesystem::create_directory(dir_ / "dir.jsonl");
  EXPECT_EQ(ReadError(dir_ / "dir.jsonl"), (dir_ / "dir.jsonl").string() + ": is a directory, not an example file");
}

// ---------------------------------------------------------------------------------------
// Writing: records are checked first, and a failed write leaves the old file as it was.

TEST_F(ExampleFileTest, WriteRejectsRecordsThatCouldNotBeReadBack) {
  for (const char* name : {"out.jsonl", "out.xlsx"}) {
    const std::string p = (dir_ / name).string();
    Status st = WriteExampleFile(dir_ / name, {{"q1", "SELECT 1", "", ""}, {"q2", " \n", "", ""}});
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(st.message(), p + ": example 2, sql: empty SQL");
    st = WriteExampleFile(dir_ / name, {{"", "SELECT 1", "", ""}});
    EXPECT_EQ(st.message(), p + ": example 1, question: empty question");
    st = WriteExampleFile(dir_ / name, {{"q1", "SELECT 1", "", ""}, {"q2", "SELECT 2", "", ""},
                                        {"q3", "SELECT 3", "caf\xE9", ""}});
    EXPECT_EQ(st.message(), p + ": example 3, notes: not valid UTF-8 text");
    EXPECT_FALSE(std::filesystem::exists(dir_ / name)) << name;
  }
  EXPECT_TRUE(DirListing().empty());
}

TEST_F(ExampleFileTest, AFailedWriteLeavesTheOldFileIntact) {
  const std::vector<ExampleRecord> old_records = {{"old question", "SELECT 'old'", "", ""}};
  for (const char* name : {"examples.jsonl", "examples.xlsx"}) {
    const auto path = dir_ / name;
    ASSERT_TRUE(WriteExampleFile(path, old_records).ok());
    const std::string before = ReadFile(path);
    Status st = WriteExampleFile(path, {{"new question", "SELECT 'new'", "", ""}, {"bad \xFF", "SELECT 1", "", ""}});
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(st.message(), path.string() + ": example 2, question: not valid UTF-8 text");
    EXPECT_EQ(ReadFile(path), before) << name;
  }
  // Excel's cell limit is found only while the workbook is being written, after the scratch
  // file exists: it is removed and the old workbook stays.
  const auto path = dir_ / "examples.xlsx";
  const std::string before = ReadFile(path);
  Status st = WriteExampleFile(path, {{"q", "SELECT '" + std::string(40000, 'x') + "'", "", ""}});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), path.string() + ": example 1, query: longer than Excel's 32,767 characters per cell");
  EXPECT_EQ(ReadFile(path), before);
  EXPECT_EQ(DirListing(), (std::vector<std::string>{"examples.jsonl", "examples.xlsx"}));
}

TEST_F(ExampleFileTest, ASuccessfulWriteReplacesTheOldFile) {
  for (const char* name : {"examples.jsonl", "examples.xlsx"}) {
    const auto path = dir_ / name;
    ASSERT_TRUE(WriteExampleFile(path, {{"old", "SELECT 0", "", ""}, {"older", "SELECT -1", "", ""}}).ok());
    ASSERT_TRUE(WriteExampleFile(path, {{"new", "SELECT 1", "n", ""}}).ok());
    auto read = ReadExampleFile(path);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ExpectSameExamples(*read, {{"new", "SELECT 1", "n", ""}});
  }
  EXPECT_EQ(DirListing(), (std::vector<std::string>{"examples.jsonl", "examples.xlsx"}));
}

}  // namespace
}  // namespace da::memory
