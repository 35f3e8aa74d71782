// Small file helpers shared by every module that persists state.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace da {

// Writes `bytes` to `path` so that readers see either the old file or the new one, never a
// torn one: a temp file beside it is written, fsynced and renamed over `path`, and the
// directory is fsynced so the rename survives a crash.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// The whole file as bytes. kNotFound when it does not exist, kIoError when it cannot be read.
Result<std::string> ReadFileToString(const std::filesystem::path& path);

}  // namespace da
