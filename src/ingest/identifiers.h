// Turns user-supplied labels ("Order Date", "Unit Price ($)", "order") into SQL identifiers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace da {

// snake_case ASCII: lower-cases, transliterates common Latin-1 letters (é -> e), turns runs of
// other characters into one '_', splits camelCase ("OrderID" -> "order_id"), trims '_'.
// An empty result becomes `fallback`; a leading digit gets a "c_" prefix; SQL reserved words
// get a trailing '_' ("order" -> "order_").
std::string ToSqlIdentifier(std::string_view label, std::string_view fallback);

// Normalises every label and makes the results unique in order ("id", "id_2", "id_3").
// Empty labels fall back to "column_<position>".
std::vector<std::string> MakeColumnNames(const std::vector<std::string>& labels);

// True for SQLite/SQL-92 keywords that cannot be used unquoted as identifiers.
bool IsReservedWord(std::string_view lowercase_word);

}  // namespace da
