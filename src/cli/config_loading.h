// The configuration file as the commands that use models or memory read it.
#pragma once

#include <filesystem>
#include <optional>

#include "cli/args.h"
#include "common/status.h"
#include "llm/environment.h"
#include "llm/llm_config.h"

namespace da {

// The configuration, when one resolves (--config, DATAANALYST_CONFIG, <data-dir>/config.json).
// Absent when none is named and the default file does not exist: then the engine answers
// alone and memory uses its defaults. A named file that is missing or bad is an error.
Result<std::optional<llm::LlmConfig>> LoadOptionalConfig(const Args& args, const llm::Environment& env,
                                                         const std::filesystem::path& data_dir);

}  // namespace da
