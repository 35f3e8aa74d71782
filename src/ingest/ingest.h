// `dataanalyst ingest`: turns a file into a dataset, atomically.
#pragma once

#include <functional>

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/ingest_report.h"
#include "sources/dataset_store.h"

namespace da {

enum class InputKind { kCsv, kZip, kXlsx, kSqlite };

// By content (magic bytes) first, extension second: a .csv that is really a ZIP is a ZIP.
Result<InputKind> DetectInputKind(const std::filesystem::path& path);
const char* InputKindName(InputKind kind);

struct IngestOptions {
  std::string dataset;
  int64_t max_rejected_rows = 0;
  bool progress_bar = false;  // draw a progress bar on stderr (the CLI sets it on a terminal)
  // Called on the ingesting thread as rows are read and written (done <= total, in bytes of
  // work); may be empty. The server's upload jobs report it.
  std::function<void(uint64_t done, uint64_t total)> progress;
  std::vector<std::filesystem::path> metadata_files;
};

// Ingests `input` as a new version of options.dataset and builds its catalog. On any error
// nothing is published and the previous version stays current.
Result<IngestReport> IngestPath(DatasetStore* store, const std::filesystem::path& input,
                                const IngestOptions& options);

}  // namespace da
