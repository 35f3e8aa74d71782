#include "ingest/xlsx_xml.h"

#include "ingest/text_encoding.h"

#include <cstdint>
#include <cstring>

namespace da::xlsx {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads "_xHHHH_" at s[pos]; returns the code unit or -1.
int32_t EscapeAt(std::string_view s, size_t pos) {
  if (pos + 7 > s.size() || s[pos] != '_' || s[pos + 1] != 'x' || s[pos + 6] != '_') return -1;
  int32_t v = 0;
  for (size_t i = pos + 2; i < pos + 6; ++i) {
    int h = HexValue(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}


void AppendCharacterData(pugi::xml_node node, std::string* out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out->append(c.value());
}

}  // namespace

Status ParseXmlPart(std::string_view file_label, std::string_view part, std::string* xml,
                    pugi::xml_document* doc) {
  return ParseXmlRange(file_label, part, xml->data(), xml->size(), 0, false, doc);
}

Status ParseXmlRange(std::string_view file_label, std::string_view part, char* data, size_t size,
                     size_t offset, bool fragment, pugi::xml_document* doc) {
  // Keep whitespace-only text such as <t xml:space="preserve"> </t>: it is cell content.
  unsigned options = pugi::parse_default | pugi::parse_ws_pcdata_single;
  if (fragment) options |= pugi::parse_fragment;
  pugi::xml_parse_result r = doc->load_buffer_inplace(data, size, options);
  if (r) return Status::Ok();
  // A byte offset, not line:column: parsing in place has already rewritten the text before
  // the error, and Excel writes each part on one or two lines anyway.
  return MalformedXml(file_label, part, offset + static_cast<size_t>(r.offset), r.description());
}

Status MalformedXml(std::string_view file_label, std::string_view part, size_t offset,
                    std::string_view description) {
  return Status::InvalidArgument(std::string(file_label) + ": malformed XML in part " + std::string(part) +
                                 " at byte offset " + std::to_string(offset) + ": " + std::string(description));
}

std::string_view LocalName(const char* qualified_name) {
  std::string_view n(qualified_name);
  size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view local_name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && NameIs(c.name(), local_name)) return c;
  return pugi::xml_node();
}

pugi::xml_attribute Attribute(pugi::xml_node node, std::string_view local_name) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute())
    if (NameIs(a.name(), local_name)) return a;
  return pugi::xml_attribute();
}

pugi::xml_node RootElement(const pugi::xml_document& doc, std::string_view local_name) {
  pugi::xml_node root = doc.document_element();
  if (root && LocalName(root.name()) == local_name) return root;
  return pugi::xml_node();
}

std::string TextOf(pugi::xml_node node) {
  std::string raw;
  AppendCharacterData(node, &raw);
  return raw.find("_x") == std::string::npos ? raw : DecodeOoxmlEscapes(raw);
}

std::string StringItemText(pugi::xml_node item) {
  std::string raw;
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = LocalName(c.name());
    if (name == "t") {
      AppendCharacterData(c, &raw);
    } else if (name == "r") {
      ForEachChild(c, "t", [&](pugi::xml_node t) { AppendCharacterData(t, &raw); });
    }
  }
  return raw.find("_x") == std::string::npos ? raw : DecodeOoxmlEscapes(raw);
}

std::string DecodeOoxmlEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    int32_t unit = EscapeAt(s, i);
    if (unit < 0) {
      out.push_back(s[i++]);
      continue;
    }
    i += 7;
    uint32_t cp = static_cast<uint32_t>(unit);
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair is written as two escapes
      int32_t low = EscapeAt(s, i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, &out);
  }
  return out;
}

}  // namespace da::xlsx
