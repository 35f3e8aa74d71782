// The built-in question engine as an evaluation Answerer: one Engine per database, built from
// the dataset's stored catalog and a value index of its text columns (as users get them),
// outside the timed answer.
#pragma once

#include "engine/engine.h"
#include "eval/evaluator.h"

namespace da {

// The returned answerer owns its engines; it must not outlive the datasets it is called with.
Answerer MakeEngineAnswerer(const EngineOptions& options = {});

}  // namespace da
