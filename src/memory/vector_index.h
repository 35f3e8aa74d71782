// Approximate nearest-neighbour search by cosine similarity over labelled vectors (hnswlib's
// HNSW graph), persisted to one file. The memory keeps one index per embedding model and
// finds the stored questions nearest in meaning to a new one.
//
// Vectors are L2-normalised on the way in (Add and Search), so scores are cosines in [-1, 1]
// whatever the embedder returns; the zero vector is accepted and scores 0 against everything.
// Non-finite components or a length other than dimension() are kInvalidArgument.
//
// Removing marks a vector deleted (hnswlib keeps it in the graph as a waypoint, never returns
// it); re-adding its label revives the slot with the new vector. When deleted slots outnumber
// live ones (and exceed 1,024), Remove rebuilds the graph from the live vectors.
//
// File format (little-endian header, then hnswlib's own saveIndex bytes, native-endian):
//   "DAVECIDX"  u32 format version (1)  u32 dimension  u64 live vectors  u64 payload bytes
//   u64 StableHash64 of the payload (memory/stable_hash.h)   payload
// Load checks every header field and the checksum before hnswlib reads a byte, so a truncated,
// damaged or foreign file is kCorruption and a file of another dimension is kInvalidArgument,
// never a crash.
//
// Thread-safety (checked against hnswlib 0.6.2, Debian 12): hnswlib's searchKnn is const and
// safe to run concurrently (its visited-list pool takes a mutex, its counters are atomic), but
// not alongside addPoint/markDelete/resizeIndex. This class therefore takes a reader-writer
// lock: Search, Save, size and Contains share it; Add and Remove are exclusive. All methods
// may be called from any thread. ef (search breadth) is fixed per index by the options because
// hnswlib keeps a single ef for all searches.
//
// hnswlib's header defines non-inline functions: only vector_index.cpp may include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <span>
#include <vector>

#include "common/status.h"

namespace da::memory {

struct VectorIndexOptions {
  int m = 16;                   // graph degree (hnswlib M); memory and recall grow with it
  int ef_construction = 100;    // breadth while inserting; build time and recall grow with it
  int ef_search = 64;           // breadth while searching (at least k); latency and recall too
  size_t initial_capacity = 1024;  // vectors before the first resize; capacity doubles as needed
};

struct VectorMatch {
  uint64_t label = 0;
  float score = 0;  // cosine similarity
};

class VectorIndex {
 public:
  // An empty index for vectors of `dimension` floats (1..65536). Options out of range
  // (m < 2, ef < 1) are kInvalidArgument.
  static Result<std::unique_ptr<VectorIndex>> Create(int dimension,
                                                     const VectorIndexOptions& options = {});
  // Reads a file written by Save. `dimension` is what the caller expects: a file of another
  // dimension is kInvalidArgument; a missing file kNotFound; anything unreadable kCorruption.
  // m and ef_construction come from the file; ef_search and initial_capacity from `options`.
  static Result<std::unique_ptr<VectorIndex>> Load(const std::filesystem::path& path,
                                                   int dimension,
                                                   const VectorIndexOptions& options = {});

  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // Stores `vector` under `label`, replacing the label's previous vector if any.
  Status Add(uint64_t label, std::span<const float> vector);
  // Forgets `label`; removing a label that is not there is not an error.
  Status Remove(uint64_t label);
  bool Contains(uint64_t label) const;

  // Up to k labels whose cosine with `query` is >= min_score, best first (ties by label).
  // Approximate: the true nearest may be missed, rarely (recall is measured by bench/memory).
  Result<std::vector<VectorMatch>> Search(std::span<const float> query, size_t k,
                                          float min_score = -1.0f) const;

  // Writes the index to `path` atomically (readers see the old file or the new one).
  Status Save(const std::filesystem::path& path) const;

  size_t size() const;  // live vectors
  int dimension() const { return dimension_; }

 private:
  struct Graph;
  VectorIndex(int dimension, const VectorIndexOptions& options, std::unique_ptr<Graph> graph);
  Status CheckVector(std::span<const float> vector, const char* what) const;
  Status RebuildLocked();

  const int dimension_;
  const VectorIndexOptions options_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<Graph> graph_;
};

}  // namespace da::memory
