#include "cli/output.h"

#include <cstdio>

namespace da {

int ReportError(const Status& status, bool json, bool usage) {
  if (json) {
    PrintJson({{"error", {{"code", Status::CodeName(status.code())}, {"message", status.message()}}}});
  } else {
    std::fprintf(stderr, "error: %s\n", status.message().c_str());
    if (usage) std::fprintf(stderr, "run `dataanalyst help` for usage\n");
  }
  return usage ? kExitUsage : kExitFailed;
}

void PrintJson(const nlohmann::json& j) {
  std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace da
