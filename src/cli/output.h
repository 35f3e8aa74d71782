// How commands report success and failure, so every command fails the same way.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace da {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Prints `status` as "error: message" on stderr, or {"error":{"code","message"}} on stdout
// when `json`; returns kExitFailed (kExitUsage for bad arguments when `usage` is set).
int ReportError(const Status& status, bool json, bool usage = false);
void PrintJson(const nlohmann::json& j);

}  // namespace da
