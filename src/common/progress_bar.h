// A one-line progress bar on stderr for long operations on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace da {

class ProgressBar {
 public:
  // Draws nothing unless `enabled`; redraws at most every 100 ms.
  ProgressBar(std::string label, bool enabled);
  ~ProgressBar();  // finishes the line if anything was drawn

  void SetLabel(std::string label);
  void Update(uint64_t done, uint64_t total);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace da
