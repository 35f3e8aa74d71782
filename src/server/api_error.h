// API errors: one JSON shape ({"error": {"code", "message"}}) and one status per code, as
// docs/api.md lists them. Handlers return an ApiError; the server writes it.
#pragma once

#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/status.h"

namespace da::server {

struct ApiError {
  int status = 500;
  std::string code;     // "bad_request", "not_found", ...
  std::string message;  // for people; never a secret

  static ApiError BadRequest(std::string m) { return {400, "bad_request", std::move(m)}; }
  static ApiError Unauthorized(std::string m) { return {401, "unauthorized", std::move(m)}; }
  static ApiError Forbidden(std::string m) { return {403, "forbidden", std::move(m)}; }
  static ApiError NotFound(std::string m) { return {404, "not_found", std::move(m)}; }
  static ApiError PayloadTooLarge(std::string m) { return {413, "payload_too_large", std::move(m)}; }
  static ApiError UnsupportedMediaType(std::string m) { return {415, "unsupported_media_type", std::move(m)}; }

  nlohmann::json ToJson() const { return {{"error", {{"code", code}, {"message", message}}}}; }
};

// The API error for a failed Status: kInvalidArgument 400, kNotFound 404, kAlreadyExists and
// kRefused-by-a-lock 409, kTimeout 504, kCancelled 499 (the client went away), kInternal and
// kIoError/kCorruption 500. kRefused is 403 `sql_refused` (the guard said no).
ApiError ErrorFromStatus(const Status& status);

// Writes `error` as the response (JSON body, its status).
void WriteError(httplib::Response& res, const ApiError& error);
// Writes `body` as a JSON response with `status`.
void WriteJson(httplib::Response& res, const nlohmann::json& body, int status = 200);

}  // namespace da::server
