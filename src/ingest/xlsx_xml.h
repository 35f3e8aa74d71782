// XML plumbing shared by the .xlsx part readers: parsing a part with errors that name it,
// and namespace-prefix-agnostic access (some writers emit <x:row>, most emit <row>).
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

#include "common/status.h"

namespace da::xlsx {

// Parses `xml` in place (the document points into the buffer, so `xml` must outlive `doc`).
// A malformed part is InvalidArgument: "book.xlsx: malformed XML in part
// xl/worksheets/sheet1.xml at byte offset 917: Start-end tags mismatch".
Status ParseXmlPart(std::string_view file_label, std::string_view part, std::string* xml,
                    pugi::xml_document* doc);
// The InvalidArgument above, for an error at byte `offset` of `part`.
Status MalformedXml(std::string_view file_label, std::string_view part, size_t offset,
                    std::string_view description);
// Same as ParseXmlPart over bytes [data, data + size) that start at `offset` within the part (for error
// messages); `fragment` accepts a sequence of elements without a single root.
Status ParseXmlRange(std::string_view file_label, std::string_view part, char* data, size_t size,
                     size_t offset, bool fragment, pugi::xml_document* doc);

// "x:row" -> "row".
std::string_view LocalName(const char* qualified_name);
// True when `qualified_name` is `local_name`, with or without a prefix ("x:row" is "row").
// Hot: called for every element and attribute of a worksheet, so no allocation or strlen.
inline bool NameIs(const char* qualified_name, std::string_view local_name) {
  const char* local = qualified_name;
  for (const char* c = qualified_name; *c; ++c)
    if (*c == ':') local = c + 1;
  size_t i = 0;
  for (; i < local_name.size(); ++i)
    if (local[i] != local_name[i]) return false;
  return local[i] == '\0';
}
// First child element with the given local name, or an empty node.
pugi::xml_node Child(pugi::xml_node parent, std::string_view local_name);
// Attribute by local name ("r:id" matches "id"; "id" also matches "id"), or an empty one.
pugi::xml_attribute Attribute(pugi::xml_node node, std::string_view local_name);
// The root element of a document, checked to have the expected local name.
pugi::xml_node RootElement(const pugi::xml_document& doc, std::string_view local_name);

// Calls fn(child) for each child element with the given local name, in order.
template <typename Fn>
void ForEachChild(pugi::xml_node parent, std::string_view local_name, Fn&& fn) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && NameIs(c.name(), local_name)) fn(c);
}

// Concatenated character data (text and CDATA) directly inside `node`, with the OOXML
// "_xHHHH_" escapes decoded (Excel writes a carriage return as "_x000D_").
std::string TextOf(pugi::xml_node node);
// Text of a string item (<si> in sharedStrings.xml, <is> in a cell): its <t>, or the <t>
// of each rich-text run <r> concatenated; phonetic hints (<rPh>) are not part of the text.
std::string StringItemText(pugi::xml_node item);

// Decodes OOXML "_xHHHH_" escapes to UTF-8 ("_x005F_" is a literal underscore).
std::string DecodeOoxmlEscapes(std::string_view s);

}  // namespace da::xlsx
