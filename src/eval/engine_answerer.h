// The built-in question engine as an evaluation Answerer: one Engine per database, built from
// the dataset's stored catalog and value index (as users get them; built from the data when
// the dataset has none stored), outside the timed answer.
#pragma once

#include "engine/engine.h"
#include "eval/evaluator.h"

namespace da {

// The returned answerer owns its engines; it must not outlive the datasets it is called with.
Answerer MakeEngineAnswerer(const EngineOptions& options = {});

}  // namespace da
