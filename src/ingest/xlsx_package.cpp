#include "ingest/xlsx_package.h"

#include <charconv>
#include <map>

#include "ingest/xlsx_xml.h"

namespace da::xlsx {

namespace {

constexpr char kDefaultWorkbookPart[] = "xl/workbook.xml";

struct Relationship {
  std::string type;    // last segment of the Type URI: "worksheet", "sharedStrings", ...
  std::string target;  // resolved part path inside the package
};
using Relationships = std::map<std::string, Relationship>;  // by Id

std::string Prefix(std::string_view label) { return std::string(label) + ": "; }

std::string DirectoryOf(std::string_view part) {
  size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

// "xl/_rels/workbook.xml.rels" for "xl/workbook.xml".
std::string RelationshipsPartOf(std::string_view part) {
  size_t slash = part.rfind('/');
  std::string_view file = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return DirectoryOf(part) + "_rels/" + std::string(file) + ".rels";
}

// Resolves a relationship target against the folder of the part that owns it: absolute
// targets ("/xl/worksheets/sheet1.xml") start at the package root; "." and ".." are folded.
std::string ResolveTarget(std::string_view source_dir, std::string_view target) {
  std::string joined = !target.empty() && target[0] == '/' ? std::string(target.substr(1))
                                                           : std::string(source_dir) + std::string(target);
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    std::string seg = joined.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(std::move(seg));
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

std::string LastUriSegment(std::string_view uri) {
  size_t slash = uri.rfind('/');
  return std::string(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
}

// Reads and parses a part that must exist. `xml` owns the bytes `doc` points into.
Status LoadPart(const ZipArchive& zip, std::string_view label, const std::string& part,
                uint64_t max_part_bytes, std::string* xml, pugi::xml_document* doc) {
  const ZipEntry* entry = zip.Find(part);
  if (!entry) return Status::InvalidArgument(Prefix(label) + "the workbook is missing its part " + part);
  DA_ASSIGN_OR_RETURN(*xml, ReadPart(zip, label, *entry, "part " + part, max_part_bytes));
  return ParseXmlPart(label, part, xml, doc);
}

Status MissingRoot(std::string_view label, const std::string& part, std::string_view root) {
  return Status::InvalidArgument(Prefix(label) + "part " + part + " is not a SpreadsheetML " + std::string(root) +
                                 " (unexpected root element)");
}

// Relationships of `part`; an absent .rels part means none.
Result<Relationships> ReadRelationships(const ZipArchive& zip, std::string_view label, std::string_view part,
                                        uint64_t max_part_bytes) {
  Relationships rels;
  const std::string rels_part = RelationshipsPartOf(part);
  if (!zip.Find(rels_part)) return rels;
  std::string xml;
  pugi::xml_document doc;
  DA_RETURN_IF_ERROR(LoadPart(zip, label, rels_part, max_part_bytes, &xml, &doc));
  pugi::xml_node root = RootElement(doc, "Relationships");
  if (!root) return MissingRoot(label, rels_part, "relationships part");
  const std::string dir = DirectoryOf(part);
  ForEachChild(root, "Relationship", [&](pugi::xml_node r) {
    if (std::string_view(Attribute(r, "TargetMode").value()) == "External") return;
    rels[Attribute(r, "Id").value()] = {LastUriSegment(Attribute(r, "Type").value()),
                                        ResolveTarget(dir, Attribute(r, "Target").value())};
  });
  return rels;
}

// The main part named by the package's officeDocument relationship, else the usual path.
Result<std::string> FindWorkbookPart(const ZipArchive& zip, std::string_view label, uint64_t max_part_bytes) {
  DA_ASSIGN_OR_RETURN(Relationships root_rels, ReadRelationships(zip, label, "", max_part_bytes));
  for (const auto& [id, rel] : root_rels)
    if (rel.type == "officeDocument" && zip.Find(rel.target)) return rel.target;
  if (zip.Find(kDefaultWorkbookPart)) return std::string(kDefaultWorkbookPart);
  for (const auto& [id, rel] : root_rels)
    if (rel.type == "officeDocument" && rel.target.ends_with(".bin"))
      return Status::InvalidArgument(Prefix(label) + "is a binary .xlsb workbook; save it as .xlsx");
  if (zip.Find("xl/workbook.bin"))
    return Status::InvalidArgument(Prefix(label) + "is a binary .xlsb workbook; save it as .xlsx");
  return Status::InvalidArgument(Prefix(label) + "not an Excel .xlsx workbook (the ZIP archive has no " +
                                 kDefaultWorkbookPart + ")");
}

std::string DescribeNonWorksheet(const std::string& rel_type) {
  if (rel_type == "chartsheet") return "a chart sheet";
  if (rel_type == "dialogsheet") return "a dialog sheet";
  if (rel_type == "xlMacrosheet" || rel_type == "xlIntlMacrosheet") return "a macro sheet";
  return "not a worksheet (" + rel_type + ")";
}

bool IsTrue(pugi::xml_attribute a) {
  std::string_view v = a.value();
  return v == "1" || v == "true";
}

Status ReadSheetList(const ZipArchive& zip, std::string_view label, const std::string& workbook_part,
                     uint64_t max_part_bytes, WorkbookInfo* info, Relationships* rels) {
  std::string xml;
  pugi::xml_document doc;
  DA_RETURN_IF_ERROR(LoadPart(zip, label, workbook_part, max_part_bytes, &xml, &doc));
  pugi::xml_node root = RootElement(doc, "workbook");
  if (!root) return MissingRoot(label, workbook_part, "workbook");
  info->date1904 = IsTrue(Attribute(Child(root, "workbookPr"), "date1904"));
  DA_ASSIGN_OR_RETURN(*rels, ReadRelationships(zip, label, workbook_part, max_part_bytes));
  Status status;
  ForEachChild(Child(root, "sheets"), "sheet", [&](pugi::xml_node s) {
    if (!status.ok()) return;
    SheetRef ref;
    ref.name = Attribute(s, "name").value();
    const std::string id = Attribute(s, "id").value();
    auto it = rels->find(id);
    if (it == rels->end()) {
      status = Status::InvalidArgument(Prefix(label) + "sheet '" + ref.name + "' refers to relationship '" + id +
                                       "', which " + RelationshipsPartOf(workbook_part) + " does not define");
      return;
    }
    if (it->second.type == "worksheet") {
      ref.part = it->second.target;
    } else {
      ref.not_a_worksheet = DescribeNonWorksheet(it->second.type);
    }
    info->sheets.push_back(std::move(ref));
  });
  return status;
}

// The first related part of the given type, else the conventional path if present.
std::string RelatedPart(const ZipArchive& zip, const Relationships& rels, std::string_view type,
                        const std::string& fallback) {
  for (const auto& [id, rel] : rels)
    if (rel.type == type && zip.Find(rel.target)) return rel.target;
  return zip.Find(fallback) ? fallback : std::string();
}

Status ReadSharedStrings(const ZipArchive& zip, std::string_view label, const std::string& part,
                         uint64_t max_part_bytes, WorkbookInfo* info) {
  auto strings = std::make_shared<std::vector<std::string>>();
  if (!part.empty()) {
    std::string xml;
    pugi::xml_document doc;
    DA_RETURN_IF_ERROR(LoadPart(zip, label, part, max_part_bytes, &xml, &doc));
    pugi::xml_node root = RootElement(doc, "sst");
    if (!root) return MissingRoot(label, part, "shared string table");
    ForEachChild(root, "si", [&](pugi::xml_node si) { strings->push_back(StringItemText(si)); });
  }
  info->shared_strings = std::move(strings);
  return Status::Ok();
}

int ParseFormatId(pugi::xml_attribute a) {
  std::string_view v = a.value();
  int id = 0;
  std::from_chars(v.data(), v.data() + v.size(), id);
  return id;
}

Status ReadStyles(const ZipArchive& zip, std::string_view label, const std::string& part, uint64_t max_part_bytes,
                  WorkbookInfo* info) {
  if (part.empty()) return Status::Ok();  // no styles: every number prints as a number
  std::string xml;
  pugi::xml_document doc;
  DA_RETURN_IF_ERROR(LoadPart(zip, label, part, max_part_bytes, &xml, &doc));
  pugi::xml_node root = RootElement(doc, "styleSheet");
  if (!root) return MissingRoot(label, part, "style sheet");
  std::map<int, DateKind> custom;
  ForEachChild(Child(root, "numFmts"), "numFmt", [&](pugi::xml_node f) {
    custom[ParseFormatId(Attribute(f, "numFmtId"))] = ClassifyFormatCode(Attribute(f, "formatCode").value());
  });
  ForEachChild(Child(root, "cellXfs"), "xf", [&](pugi::xml_node xf) {
    int id = ParseFormatId(Attribute(xf, "numFmtId"));
    auto it = custom.find(id);
    info->style_date_kinds.push_back(it != custom.end() ? it->second : ClassifyBuiltinFormat(id));
  });
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadPart(const ZipArchive& zip, std::string_view label, const ZipEntry& entry,
                             std::string_view what, uint64_t max_part_bytes) {
  if (entry.size > max_part_bytes)
    return Status::Refused(Prefix(label) + std::string(what) + " is too large to read into memory (" + entry.path +
                           " is " + std::to_string(entry.size) + " bytes uncompressed; the limit is " +
                           std::to_string(max_part_bytes) + "); save the sheet as CSV instead");
  return zip.Read(entry);
}

Result<WorkbookInfo> ReadWorkbookInfo(const ZipArchive& zip, std::string_view label, uint64_t max_part_bytes) {
  DA_ASSIGN_OR_RETURN(std::string workbook_part, FindWorkbookPart(zip, label, max_part_bytes));
  WorkbookInfo info;
  Relationships rels;
  DA_RETURN_IF_ERROR(ReadSheetList(zip, label, workbook_part, max_part_bytes, &info, &rels));
  const std::string dir = DirectoryOf(workbook_part);
  DA_RETURN_IF_ERROR(ReadSharedStrings(zip, label, RelatedPart(zip, rels, "sharedStrings", dir + "sharedStrings.xml"),
                                       max_part_bytes, &info));
  DA_RETURN_IF_ERROR(ReadStyles(zip, label, RelatedPart(zip, rels, "styles", dir + "styles.xml"), max_part_bytes,
                                &info));
  return info;
}

}  // namespace da::xlsx
