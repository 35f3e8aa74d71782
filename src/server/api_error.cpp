#include "server/api_error.h"

namespace da::server {

ApiError ErrorFromStatus(const Status& status) {
  using Code = Status::Code;
  const std::string& m = status.message();
  switch (status.code()) {
    case Code::kOk: return {500, "internal", "an error was expected but none was reported (a bug)"};
    case Code::kInvalidArgument: return {400, "bad_request", m};
    case Code::kNotFound: return {404, "not_found", m};
    case Code::kAlreadyExists: return {409, "conflict", m};
    case Code::kRefused: return {403, "sql_refused", m};
    case Code::kTimeout: return {504, "timeout", m};
    case Code::kCancelled: return {499, "cancelled", m};
    case Code::kUnsupported: return {400, "unsupported", m};
    case Code::kIoError:
    case Code::kCorruption:
    case Code::kInternal: return {500, "internal", m};
  }
  return {500, "internal", m};
}

void WriteJson(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  // Invalid UTF-8 in data values is replaced rather than failing the whole response.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void WriteError(httplib::Response& res, const ApiError& error) { WriteJson(res, error.ToJson(), error.status); }

}  // namespace da::server
