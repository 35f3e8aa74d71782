// The process's surroundings as the LLM layer sees them: environment variables, the home
// directory and sleeping. Production code uses Environment::Process(); tests substitute a map
// and a sleep that records instead of waiting.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace da::llm {

struct Environment {
  using Getter = std::function<std::optional<std::string>(const std::string& name)>;
  using Sleeper = std::function<void(std::chrono::milliseconds)>;

  // getenv() and std::this_thread::sleep_for.
  static Environment Process();
  // Variables from `vars` only; sleeps for real unless `sleep` is replaced.
  static Environment FromMap(std::map<std::string, std::string> vars);

  // The variable's value; unset and empty variables are both std::nullopt.
  std::optional<std::string> Get(const std::string& name) const;
  void Sleep(std::chrono::milliseconds delay) const;

  Getter get;
  Sleeper sleep;
};

}  // namespace da::llm
