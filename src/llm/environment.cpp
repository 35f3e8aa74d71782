#include "llm/environment.h"

#include <cstdlib>
#include <thread>

namespace da::llm {

namespace {
void RealSleep(std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }
}  // namespace

Environment Environment::Process() {
  Environment env;
  env.get = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.sleep = RealSleep;
  return env;
}

Environment Environment::FromMap(std::map<std::string, std::string> vars) {
  Environment env;
  env.get = [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  env.sleep = RealSleep;
  return env;
}

std::optional<std::string> Environment::Get(const std::string& name) const {
  if (!get) return std::nullopt;
  std::optional<std::string> value = get(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

void Environment::Sleep(std::chrono::milliseconds delay) const {
  if (sleep) sleep(delay);
  else RealSleep(delay);
}

}  // namespace da::llm
