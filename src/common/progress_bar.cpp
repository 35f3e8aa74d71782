#include "common/progress_bar.h"

#include <cstdio>

#include "common/strings.h"

namespace da {

ProgressBar::ProgressBar(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::SetLabel(std::string label) { label_ = std::move(label); }

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!enabled_ || total == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const int width = 30;
  double frac = done >= total ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '-');
  double secs = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r%-24.24s [%s] %3d%%  %5.1fs", label_.c_str(), bar.c_str(),
               static_cast<int>(frac * 100), secs);
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (enabled_ && drawn_) {
    std::fputc('\n', stderr);
    drawn_ = false;
  }
}

}  // namespace da
