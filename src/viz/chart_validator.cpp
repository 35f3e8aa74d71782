#include "viz/chart_validator.h"

#include <set>
#include <string>
#include <string_view>

#include "common/strings.h"
#include "viz/chart_fields.h"

namespace da {

namespace {

using Json = nlohmann::json;
using Names = std::set<std::string, std::less<>>;

const Names kTopLevel = {"$schema", "title", "description", "data", "mark", "encoding", "transform",
                         "width", "height", "autosize", "padding", "background"};
const Names kMarks = {"arc", "area", "bar", "circle", "line", "point", "rect", "rule", "square", "text", "tick",
                      "trail"};
const Names kChannels = {"x", "y", "x2", "y2", "xOffset", "yOffset", "color", "fill", "stroke", "opacity",
                         "fillOpacity", "strokeOpacity", "strokeWidth", "strokeDash", "size", "shape", "angle",
                         "theta", "theta2", "radius", "radius2", "text", "tooltip", "detail", "order", "row",
                         "column", "facet"};
const Names kChannelKeys = {"field", "type", "aggregate", "timeUnit", "bin", "sort", "title", "axis", "legend",
                            "scale", "stack", "format", "formatType", "value", "datum", "header", "spacing",
                            "columns", "bandPosition"};
const Names kTypes = {"quantitative", "temporal", "nominal", "ordinal"};
const Names kAggregates = {"count", "valid", "values", "missing", "distinct", "sum", "product", "mean",
                           "average", "variance", "variancep", "stdev", "stdevp", "stderr", "median", "q1",
                           "q3", "ci0", "ci1", "min", "max"};
const Names kBinKeys = {"maxbins", "step", "steps", "extent", "nice", "base", "minstep", "divide", "anchor",
                        "binned"};
const Names kSortKeys = {"field", "op", "order", "encoding"};
const Names kDataKeys = {"values"};
// Keys that evaluate expressions, bind interaction or fetch resources, anywhere in a spec.
const Names kForbidden = {"expr", "signal", "signals", "condition", "test", "param", "params", "selection",
                          "url", "href", "calculate", "filter", "loader", "usermeta", "$ref", "datasets"};

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("chart spec: " + (path.empty() ? std::string("") : path + ": ") + what);
}

bool Scalar(const Json& j) { return j.is_null() || j.is_boolean() || j.is_number() || j.is_string(); }

// Refuses forbidden keys at any depth.
Status ScanForbidden(const Json& j, const std::string& path) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      const bool expr_suffix = key.size() > 4 && EndsWithIgnoreCase(key, "Expr");
      if (kForbidden.count(key) || expr_suffix) return Bad(path, "'" + key + "' is not allowed");
      DA_RETURN_IF_ERROR(ScanForbidden(value, path.empty() ? key : path + "." + key));
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) DA_RETURN_IF_ERROR(ScanForbidden(j[i], path + "[" + std::to_string(i) + "]"));
  }
  return Status::Ok();
}

// Scalars, arrays and objects of them (axis, legend, scale, title objects): whatever nests is
// checked for forbidden keys by ScanForbidden.
Status PlainValue(const Json& j, const std::string& path) {
  if (Scalar(j)) return Status::Ok();
  if (j.is_array() || j.is_object()) {
    for (const auto& [key, value] : j.items()) DA_RETURN_IF_ERROR(PlainValue(value, path + "." + key));
    return Status::Ok();
  }
  return Bad(path, "unexpected value");
}

bool TimeUnitOk(std::string_view unit) {
  if (unit.substr(0, 3) == "utc") unit.remove_prefix(3);
  if (unit.substr(0, 6) == "binned") unit.remove_prefix(6);
  if (unit.empty()) return false;
  static const char* kUnits[] = {"year", "quarter", "month", "week", "dayofyear", "date", "day",
                                 "hours", "minutes", "seconds", "milliseconds"};
  while (!unit.empty()) {
    bool matched = false;
    for (const char* u : kUnits) {
      const std::string_view s(u);
      if (unit.substr(0, s.size()) == s) {
        unit.remove_prefix(s.size());
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

class Validator {
 public:
  explicit Validator(const QueryResult& result) {
    for (auto& f : ChartFieldNames(result)) result_fields_.insert(std::move(f));
    result_rows_ = result.rows.size();
  }

  Status Check(const Json& spec) {
    if (!spec.is_object()) return Bad("", "a spec is a JSON object");
    for (const auto& [key, value] : spec.items()) {
      if (!kTopLevel.count(key)) return Bad(key, "top-level key '" + key + "' is not allowed");
      // Data rows are keyed by column names, which may be any word; Data() checks them.
      if (key != "data") DA_RETURN_IF_ERROR(ScanForbidden(value, key));
    }
    if (spec.contains("$schema")) DA_RETURN_IF_ERROR(Schema(spec["$schema"]));
    for (const char* key : {"title", "description", "width", "height", "autosize", "padding", "background"}) {
      if (spec.contains(key)) DA_RETURN_IF_ERROR(PlainValue(spec[key], key));
    }
    if (!spec.contains("data")) return Bad("data", "inline data values are required");
    DA_RETURN_IF_ERROR(Data(spec["data"]));
    if (spec.contains("transform")) DA_RETURN_IF_ERROR(Transforms(spec["transform"]));
    if (!spec.contains("mark")) return Bad("mark", "a mark is required");
    DA_ASSIGN_OR_RETURN(std::string mark, Mark(spec["mark"]));
    if (!spec.contains("encoding") || !spec["encoding"].is_object())
      return Bad("encoding", "an encoding object is required");
    return Encoding(spec["encoding"], mark);
  }

 private:
  Status Schema(const Json& s) {
    if (!s.is_string() || !StartsWithIgnoreCase(s.get<std::string>(), "https://vega.github.io/schema/vega-lite/v5"))
      return Bad("$schema", "only Vega-Lite v5 specs are accepted");
    return Status::Ok();
  }

  Status Data(const Json& data) {
    if (!data.is_object()) return Bad("data", "must be an object");
    for (const auto& [key, value] : data.items())
      if (!kDataKeys.count(key)) return Bad("data." + key, "only inline \"values\" are allowed");
    if (!data.contains("values") || !data["values"].is_array() || data["values"].empty())
      return Bad("data.values", "inline data values are required");
    const Json& values = data["values"];
    if (values.size() > result_rows_) {
      return Bad("data.values", "has " + std::to_string(values.size()) + " rows but the result has " +
                                    std::to_string(result_rows_));
    }
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string path = "data.values[" + std::to_string(i) + "]";
      if (!values[i].is_object()) return Bad(path, "each row is an object");
      for (const auto& [key, value] : values[i].items()) {
        if (!result_fields_.count(key)) return Bad(path, "'" + key + "' is not a column of the result");
        if (!Scalar(value)) return Bad(path + "." + key, "values are numbers, text, booleans or null");
        fields_.insert(key);
      }
    }
    return Status::Ok();
  }

  Status Transforms(const Json& t) {
    if (!t.is_array()) return Bad("transform", "must be an array");
    for (size_t i = 0; i < t.size(); ++i) {
      const std::string path = "transform[" + std::to_string(i) + "]";
      const Json& step = t[i];
      if (!step.is_object() || step.size() != 2 || !step.contains("fold") || !step.contains("as"))
        return Bad(path, "only {\"fold\": [...], \"as\": [key, value]} transforms are allowed");
      if (!step["fold"].is_array() || step["fold"].empty()) return Bad(path + ".fold", "lists fields");
      for (const auto& f : step["fold"]) DA_RETURN_IF_ERROR(FieldRef(f, path + ".fold"));
      const Json& as = step["as"];
      if (!as.is_array() || as.size() != 2 || !as[0].is_string() || !as[1].is_string())
        return Bad(path + ".as", "names two output fields");
      fields_.insert(as[0].get<std::string>());
      fields_.insert(as[1].get<std::string>());
    }
    return Status::Ok();
  }

  Result<std::string> Mark(const Json& mark) {
    std::string type;
    if (mark.is_string()) {
      type = mark.get<std::string>();
    } else if (mark.is_object() && mark.contains("type") && mark["type"].is_string()) {
      type = mark["type"].get<std::string>();
      for (const auto& [key, value] : mark.items()) DA_RETURN_IF_ERROR(PlainValue(value, "mark." + key));
    } else {
      return Bad("mark", "a mark type name or an object with \"type\"");
    }
    if (!kMarks.count(type)) return Bad("mark", "unknown mark type '" + type + "'");
    return type;
  }

  Status FieldRef(const Json& f, const std::string& path) {
    if (!f.is_string()) return Bad(path, "a field is a string");
    auto key = ParseField(f.get<std::string>());
    if (!key.ok()) return Bad(path, key.status().message());
    if (!fields_.count(*key)) return Bad(path, "field '" + *key + "' is not in the chart's data");
    return Status::Ok();
  }

  Status Encoding(const Json& enc, const std::string& mark) {
    for (const auto& [channel, def] : enc.items()) {
      const std::string path = "encoding." + channel;
      if (!kChannels.count(channel)) return Bad(path, "unknown or disallowed channel '" + channel + "'");
      if (def.is_array() && (channel == "tooltip" || channel == "detail" || channel == "order")) {
        for (size_t i = 0; i < def.size(); ++i)
          DA_RETURN_IF_ERROR(ChannelDef(def[i], path + "[" + std::to_string(i) + "]"));
      } else if (!(def.is_null() && channel == "tooltip")) {
        DA_RETURN_IF_ERROR(ChannelDef(def, path));
      }
    }
    if (mark == "arc" && !enc.contains("theta")) return Bad("encoding", "an arc needs a theta channel");
    if (mark != "arc" && !enc.contains("x") && !enc.contains("y")) return Bad("encoding", "needs an x or y channel");
    return Status::Ok();
  }

  Status ChannelDef(const Json& def, const std::string& path) {
    if (!def.is_object()) return Bad(path, "a channel definition is an object");
    for (const auto& [key, value] : def.items())
      if (!kChannelKeys.count(key)) return Bad(path + "." + key, "'" + key + "' is not allowed in a channel");
    const bool count = def.value("aggregate", Json()) == "count";
    if (def.contains("field")) {
      DA_RETURN_IF_ERROR(FieldRef(def["field"], path + ".field"));
      if (!def.contains("type") && !count) return Bad(path, "a field needs a type");
    }
    if (def.contains("type") && (!def["type"].is_string() || !kTypes.count(def["type"].get<std::string>())))
      return Bad(path + ".type", "must be quantitative, temporal, nominal or ordinal");
    if (def.contains("aggregate")) {
      const Json& a = def["aggregate"];
      if (!a.is_string() || !kAggregates.count(a.get<std::string>()))
        return Bad(path + ".aggregate", "unknown aggregate");
    }
    if (def.contains("timeUnit") && (!def["timeUnit"].is_string() || !TimeUnitOk(def["timeUnit"].get<std::string>())))
      return Bad(path + ".timeUnit", "unknown time unit");
    if (def.contains("bin")) DA_RETURN_IF_ERROR(Bin(def["bin"], path + ".bin"));
    if (def.contains("sort")) DA_RETURN_IF_ERROR(Sort(def["sort"], path + ".sort"));
    if (def.contains("stack")) {
      const Json& s = def["stack"];
      if (!(s.is_null() || s.is_boolean() || s == "zero" || s == "center" || s == "normalize"))
        return Bad(path + ".stack", "must be null, a boolean, zero, center or normalize");
    }
    if (def.contains("formatType")) {
      const Json& f = def["formatType"];
      if (!(f == "number" || f == "time" || f == "utc"))
        return Bad(path + ".formatType", "must be number, time or utc");
    }
    for (const char* key : {"title", "format", "value", "datum", "spacing", "columns", "bandPosition"}) {
      if (def.contains(key) && !(Scalar(def[key]) || (def[key].is_array() && PlainValue(def[key], path).ok())))
        return Bad(path + "." + key, "must be a plain value");
    }
    for (const char* key : {"axis", "legend", "scale", "header"}) {
      if (def.contains(key)) DA_RETURN_IF_ERROR(PlainValue(def[key], path + "." + key));
    }
    return Status::Ok();
  }

  Status Bin(const Json& bin, const std::string& path) {
    if (bin.is_boolean() || bin == "binned") return Status::Ok();
    if (!bin.is_object()) return Bad(path, "must be a boolean or a bin object");
    for (const auto& [key, value] : bin.items()) {
      if (!kBinKeys.count(key)) return Bad(path + "." + key, "not a bin parameter");
      DA_RETURN_IF_ERROR(PlainValue(value, path + "." + key));
    }
    return Status::Ok();
  }

  Status Sort(const Json& sort, const std::string& path) {
    if (sort.is_null()) return Status::Ok();
    if (sort.is_string()) {
      std::string s = sort.get<std::string>();
      if (s == "ascending" || s == "descending") return Status::Ok();
      if (!s.empty() && s[0] == '-') s.erase(0, 1);
      if (kChannels.count(s)) return Status::Ok();
      return Bad(path, "'" + sort.get<std::string>() + "' is not a sort order or channel");
    }
    if (sort.is_array()) {
      for (const auto& v : sort)
        if (!Scalar(v)) return Bad(path, "an explicit sort lists plain values");
      return Status::Ok();
    }
    if (!sort.is_object()) return Bad(path, "unexpected sort");
    for (const auto& [key, value] : sort.items())
      if (!kSortKeys.count(key)) return Bad(path + "." + key, "not a sort parameter");
    if (sort.contains("field")) DA_RETURN_IF_ERROR(FieldRef(sort["field"], path + ".field"));
    if (sort.contains("op") && (!sort["op"].is_string() || !kAggregates.count(sort["op"].get<std::string>())))
      return Bad(path + ".op", "unknown aggregate");
    if (sort.contains("order") &&
        !(sort["order"].is_null() || sort["order"] == "ascending" || sort["order"] == "descending"))
      return Bad(path + ".order", "must be ascending or descending");
    if (sort.contains("encoding") &&
        (!sort["encoding"].is_string() || !kChannels.count(sort["encoding"].get<std::string>())))
      return Bad(path + ".encoding", "unknown channel");
    return Status::Ok();
  }

  Names result_fields_;
  Names fields_;  // data keys present in the values, plus fold outputs
  size_t result_rows_ = 0;
};

}  // namespace

Status ValidateChart(const nlohmann::json& spec, const QueryResult& result) {
  return Validator(result).Check(spec);
}

}  // namespace da
