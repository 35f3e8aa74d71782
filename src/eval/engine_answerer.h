// The built-in question engine as an evaluation Answerer: one Engine per database, built from
// the dataset's stored catalog and value index (as users get them; built from the data when
// the SQLite dataset has none stored), outside the timed answer. Each engine writes the
// dialect of its dataset (SQLite, or PostgreSQL for a connected one); options.dialect is ignored.
#pragma once

#include "engine/engine.h"
#include "eval/evaluator.h"

namespace da {

// The returned answerer owns its engines; it must not outlive the datasets it is called with.
Answerer MakeEngineAnswerer(const EngineOptions& options = {});

}  // namespace da
