#include "memory/vector_index.h"

#include <fcntl.h>

// hnswlib 0.6's SSE code prefetches one entry past the end of a neighbour list: harmless (a
// prefetch never faults) but an out-of-bounds read to AddressSanitizer. Sanitizer builds use
// its plain C++ distance code instead; ordinary builds keep SSE.
#if defined(__SANITIZE_ADDRESS__) && !defined(NO_MANUAL_VECTORIZATION)
#define NO_MANUAL_VECTORIZATION
#endif
#include <hnswlib/hnswlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

#include "common/file_util.h"
#include "memory/stable_hash.h"

namespace da::memory {

// The hnswlib graph with the space it measures in (the graph keeps a pointer into the space,
// so both live and die together, space first in, last out).
struct VectorIndex::Graph {
  explicit Graph(int dimension) : space(static_cast<size_t>(dimension)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;

  size_t live() const { return hnsw->cur_element_count - hnsw->num_deleted_; }
  bool Has(uint64_t label) const {
    auto it = hnsw->label_lookup_.find(label);
    return it != hnsw->label_lookup_.end() && !hnsw->isMarkedDeleted(it->second);
  }
};

namespace {

constexpr int kMaxDimension = 65536;
constexpr int kMaxM = 256;
constexpr size_t kMinDeletedToRebuild = 1024;
constexpr char kMagic[8] = {'D', 'A', 'V', 'E', 'C', 'I', 'D', 'X'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8 + 8 + 8;

Status HnswError(const std::exception& e) {
  return Status::Internal(std::string("vector index: ") + e.what());
}

// A copy scaled to unit length (the zero vector stays zero).
std::vector<float> Normalized(std::span<const float> v) {
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  std::vector<float> out(v.begin(), v.end());
  if (norm > 0) {
    float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : out) x *= scale;
  }
  return out;
}

// An anonymous in-memory file: hnswlib reads and writes only named files, and this gives it a
// name (/proc/self/fd/N) without touching a disk or needing a writable directory.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("da-vector-index", MFD_CLOEXEC)) {}
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  Status status() const {
    return fd_ >= 0 ? Status::Ok()
                    : Status::IoError(std::string("memfd_create: ") + std::strerror(errno));
  }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

  Status Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IoError(std::string("memory file: ") + std::strerror(errno));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Result<std::string> Read() const {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::IoError(std::string("memory file: ") + std::strerror(errno));
    std::string out(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Status::IoError("memory file: short read");
      done += static_cast<size_t>(n);
    }
    return out;
  }

 private:
  int fd_;
};

void PutLittleEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

uint64_t GetLittleEndian(std::string_view in, size_t offset, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}

struct FileHeader {
  uint32_t version = 0;
  uint32_t dimension = 0;
  uint64_t live = 0;
  uint64_t payload_bytes = 0;
  uint64_t checksum = 0;
};

std::string EncodeHeader(const FileHeader& h) {
  std::string out(kMagic, sizeof(kMagic));
  PutLittleEndian(out, h.version, 4);
  PutLittleEndian(out, h.dimension, 4);
  PutLittleEndian(out, h.live, 8);
  PutLittleEndian(out, h.payload_bytes, 8);
  PutLittleEndian(out, h.checksum, 8);
  return out;
}

// Checks everything but the dimension, which the caller compares to its own.
Result<FileHeader> DecodeHeader(std::string_view file, const std::string& name) {
  if (file.size() < kHeaderSize || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) {
    return Status::Corruption(name + ": not a vector index file (bad or truncated header)");
  }
  FileHeader h;
  h.version = static_cast<uint32_t>(GetLittleEndian(file, 8, 4));
  h.dimension = static_cast<uint32_t>(GetLittleEndian(file, 12, 4));
  h.live = GetLittleEndian(file, 16, 8);
  h.payload_bytes = GetLittleEndian(file, 24, 8);
  h.checksum = GetLittleEndian(file, 32, 8);
  if (h.version != kFormatVersion) {
    return Status::Corruption(name + ": unsupported vector index format version " +
                              std::to_string(h.version));
  }
  if (h.payload_bytes != file.size() - kHeaderSize) {
    return Status::Corruption(name + ": truncated or damaged vector index (expected " +
                              std::to_string(h.payload_bytes + kHeaderSize) + " bytes, found " +
                              std::to_string(file.size()) + ")");
  }
  if (StableHash64(file.substr(kHeaderSize)) != h.checksum) {
    return Status::Corruption(name + ": damaged vector index (checksum mismatch)");
  }
  return h;
}

// The fields of hnswlib's saveIndex layout that decide how it reads the rest, checked so that
// hnswlib (which trusts its input) never reads out of bounds, even for a file written by an
// hnswlib built with other type sizes.
Status CheckHnswPayload(std::string_view p, size_t dimension, const std::string& name) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(name + ": damaged vector index (" + what + ")");
  };
  constexpr size_t kFixed = 6 * sizeof(size_t) + sizeof(int) + sizeof(hnswlib::tableint) +
                            3 * sizeof(size_t) + sizeof(double) + sizeof(size_t);
  if (p.size() < kFixed) return corrupt("short graph header");
  size_t pos = 0;
  auto read_size = [&] {
    size_t v;
    std::memcpy(&v, p.data() + pos, sizeof v);
    pos += sizeof v;
    return v;
  };
  const size_t offset_level0 = read_size(), max_elements = read_size(), count = read_size();
  const size_t per_element = read_size(), label_offset = read_size(), offset_data = read_size();
  int max_level;
  hnswlib::tableint entry_point;
  std::memcpy(&max_level, p.data() + pos, sizeof max_level);
  pos += sizeof max_level;
  std::memcpy(&entry_point, p.data() + pos, sizeof entry_point);
  pos += sizeof entry_point;
  const size_t max_m = read_size(), max_m0 = read_size();
  pos = kFixed;
  const size_t links0 = max_m0 * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  const size_t data_bytes = dimension * sizeof(float);
  if (offset_level0 != 0 || count > max_elements || max_m == 0 || max_m > 0xFFFF ||
      max_m0 > 0xFFFF || offset_data != links0 || label_offset != links0 + data_bytes ||
      per_element != links0 + data_bytes + sizeof(hnswlib::labeltype) || max_level < -1 ||
      (count > 0 && (entry_point >= count || max_level < 0))) {
    return corrupt("inconsistent graph header");
  }
  if (count > (p.size() - pos) / per_element) return corrupt("element data cut short");
  pos += count * per_element;
  const size_t links_per_level = max_m * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  for (size_t i = 0; i < count; ++i) {
    unsigned int bytes;
    if (p.size() - pos < sizeof bytes) return corrupt("link lists cut short");
    std::memcpy(&bytes, p.data() + pos, sizeof bytes);
    pos += sizeof bytes;
    if (bytes % links_per_level != 0 || bytes / links_per_level > static_cast<size_t>(max_level) ||
        bytes > p.size() - pos) {
      return corrupt("bad link list");
    }
    pos += bytes;
  }
  if (pos != p.size()) return corrupt("trailing bytes");
  return Status::Ok();
}

// A new empty graph. hnswlib leaves its search counters uninitialised; they start at zero here.
std::unique_ptr<hnswlib::HierarchicalNSW<float>> NewHnsw(hnswlib::SpaceInterface<float>* space,
                                                          size_t capacity, size_t m,
                                                          size_t ef_construction) {
  auto h = std::make_unique<hnswlib::HierarchicalNSW<float>>(space, capacity, m, ef_construction);
  h->metric_hops = 0;
  h->metric_distance_computations = 0;
  return h;
}

// hnswlib's loading constructor leaves members loadIndex never sets (num_deleted_ among them)
// uninitialised; this one starts from a state its destructor can also clean up.
std::unique_ptr<hnswlib::HierarchicalNSW<float>> EmptyHnswForLoad(hnswlib::SpaceInterface<float>* space) {
  auto h = std::make_unique<hnswlib::HierarchicalNSW<float>>(space);
  h->num_deleted_ = 0;
  h->cur_element_count = 0;
  h->data_level0_memory_ = nullptr;
  h->linkLists_ = nullptr;
  h->visited_list_pool_ = nullptr;
  h->metric_hops = 0;
  h->metric_distance_computations = 0;
  return h;
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(path.string() + ": no such vector index");
  }
  std::ifstream in(path, std::ios::binary);
  const auto size = std::filesystem::file_size(path, ec);
  if (!in || ec) return Status::IoError(path.string() + ": cannot open vector index");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return Status::IoError(path.string() + ": cannot read vector index");
  return bytes;
}

Status CheckOptions(int dimension, const VectorIndexOptions& o) {
  if (dimension < 1 || dimension > kMaxDimension) {
    return Status::InvalidArgument("vector index: dimension " + std::to_string(dimension) +
                                   " is outside 1.." + std::to_string(kMaxDimension));
  }
  if (o.m < 2 || o.m > kMaxM || o.ef_construction < 1 || o.ef_search < 1 ||
      o.initial_capacity < 1) {
    return Status::InvalidArgument("vector index: options out of range (m 2.." +
                                   std::to_string(kMaxM) +
                                   ", ef_construction, ef_search and initial_capacity >= 1)");
  }
  return Status::Ok();
}

}  // namespace

VectorIndex::VectorIndex(int dimension, const VectorIndexOptions& options,
                         std::unique_ptr<Graph> graph)
    : dimension_(dimension), options_(options), graph_(std::move(graph)) {
  graph_->hnsw->setEf(static_cast<size_t>(options_.ef_search));
}

VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(int dimension,
                                                         const VectorIndexOptions& options) {
  DA_RETURN_IF_ERROR(CheckOptions(dimension, options));
  auto graph = std::make_unique<Graph>(dimension);
  try {
    graph->hnsw = NewHnsw(&graph->space, options.initial_capacity, static_cast<size_t>(options.m),
                          static_cast<size_t>(options.ef_construction));
  } catch (const std::exception& e) {
    return HnswError(e);
  }
  return std::unique_ptr<VectorIndex>(new VectorIndex(dimension, options, std::move(graph)));
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::filesystem::path& path,
                                                       int dimension,
                                                       const VectorIndexOptions& options) {
  DA_RETURN_IF_ERROR(CheckOptions(dimension, options));
  DA_ASSIGN_OR_RETURN(std::string file, ReadWholeFile(path));
  const std::string name = path.string();
  DA_ASSIGN_OR_RETURN(FileHeader header, DecodeHeader(file, name));
  if (header.dimension != static_cast<uint32_t>(dimension)) {
    return Status::InvalidArgument(name + ": holds vectors of dimension " +
                                   std::to_string(header.dimension) + ", expected " +
                                   std::to_string(dimension));
  }
  std::string_view payload = std::string_view(file).substr(kHeaderSize);
  DA_RETURN_IF_ERROR(CheckHnswPayload(payload, static_cast<size_t>(dimension), name));
  MemoryFile scratch;
  DA_RETURN_IF_ERROR(scratch.status());
  DA_RETURN_IF_ERROR(scratch.Write(payload));
  file.clear();
  file.shrink_to_fit();
  auto graph = std::make_unique<Graph>(dimension);
  graph->hnsw = EmptyHnswForLoad(&graph->space);
  try {
    graph->hnsw->loadIndex(scratch.path(), &graph->space, options.initial_capacity);
  } catch (const std::exception& e) {
    // A throw midway can leave the graph half built, which its destructor cannot free
    // safely: leak it (only out-of-memory can get here once the payload has been checked).
    (void)graph->hnsw.release();
    return HnswError(e);
  }
  if (graph->live() != header.live) {
    return Status::Corruption(name + ": damaged vector index (" + std::to_string(graph->live()) +
                              " live vectors, header says " + std::to_string(header.live) + ")");
  }
  return std::unique_ptr<VectorIndex>(new VectorIndex(dimension, options, std::move(graph)));
}

Status VectorIndex::CheckVector(std::span<const float> vector, const char* what) const {
  if (vector.size() != static_cast<size_t>(dimension_)) {
    return Status::InvalidArgument(std::string("vector index: ") + what + " has " +
                                   std::to_string(vector.size()) + " dimensions, index has " +
                                   std::to_string(dimension_));
  }
  for (float x : vector) {
    if (!std::isfinite(x)) {
      return Status::InvalidArgument(std::string("vector index: ") + what +
                                     " has a non-finite component");
    }
  }
  return Status::Ok();
}

Status VectorIndex::Add(uint64_t label, std::span<const float> vector) {
  DA_RETURN_IF_ERROR(CheckVector(vector, "vector"));
  std::vector<float> unit = Normalized(vector);
  std::unique_lock lock(mutex_);
  auto& hnsw = *graph_->hnsw;
  try {
    if (hnsw.label_lookup_.count(label) == 0 && hnsw.cur_element_count >= hnsw.max_elements_) {
      hnsw.resizeIndex(std::max<size_t>(2 * hnsw.max_elements_, 1));
    }
    hnsw.addPoint(unit.data(), label);
  } catch (const std::exception& e) {
    return HnswError(e);
  }
  return Status::Ok();
}

Status VectorIndex::Remove(uint64_t label) {
  std::unique_lock lock(mutex_);
  if (!graph_->Has(label)) return Status::Ok();
  auto& hnsw = *graph_->hnsw;
  try {
    hnsw.markDelete(label);
  } catch (const std::exception& e) {
    return HnswError(e);
  }
  if (hnsw.num_deleted_ > kMinDeletedToRebuild && hnsw.num_deleted_ > graph_->live()) {
    return RebuildLocked();
  }
  return Status::Ok();
}

// A fresh graph of the live vectors only: deleted slots are never reused by hnswlib 0.6.
Status VectorIndex::RebuildLocked() {
  const auto& old = *graph_->hnsw;
  auto graph = std::make_unique<Graph>(dimension_);
  try {
    graph->hnsw = NewHnsw(&graph->space, std::max(graph_->live(), options_.initial_capacity),
                          old.M_, old.ef_construction_);
    graph->hnsw->setEf(static_cast<size_t>(options_.ef_search));
    for (hnswlib::tableint i = 0; i < old.cur_element_count; ++i) {
      if (!old.isMarkedDeleted(i)) {
        graph->hnsw->addPoint(old.getDataByInternalId(i), old.getExternalLabel(i));
      }
    }
  } catch (const std::exception& e) {
    return HnswError(e);
  }
  graph_ = std::move(graph);
  return Status::Ok();
}

bool VectorIndex::Contains(uint64_t label) const {
  std::shared_lock lock(mutex_);
  return graph_->Has(label);
}

size_t VectorIndex::size() const {
  std::shared_lock lock(mutex_);
  return graph_->live();
}

Result<std::vector<VectorMatch>> VectorIndex::Search(std::span<const float> query, size_t k,
                                                     float min_score) const {
  DA_RETURN_IF_ERROR(CheckVector(query, "query"));
  std::vector<VectorMatch> matches;
  if (k == 0) return matches;
  std::vector<float> unit = Normalized(query);
  std::shared_lock lock(mutex_);
  if (graph_->live() == 0) return matches;
  try {
    auto found = graph_->hnsw->searchKnn(unit.data(), k);
    for (; !found.empty(); found.pop()) {
      // Inner-product space distance is 1 - dot.
      float score = 1.0f - found.top().first;
      if (score >= min_score) matches.push_back({found.top().second, score});
    }
  } catch (const std::exception& e) {
    return HnswError(e);
  }
  std::sort(matches.begin(), matches.end(), [](const VectorMatch& a, const VectorMatch& b) {
    return a.score != b.score ? a.score > b.score : a.label < b.label;
  });
  return matches;
}

Status VectorIndex::Save(const std::filesystem::path& path) const {
  MemoryFile scratch;
  DA_RETURN_IF_ERROR(scratch.status());
  FileHeader header;
  {
    std::shared_lock lock(mutex_);
    try {
      graph_->hnsw->saveIndex(scratch.path());
    } catch (const std::exception& e) {
      return HnswError(e);
    }
    header.live = graph_->live();
  }
  DA_ASSIGN_OR_RETURN(std::string payload, scratch.Read());
  header.version = kFormatVersion;
  header.dimension = static_cast<uint32_t>(dimension_);
  header.payload_bytes = payload.size();
  header.checksum = StableHash64(payload);
  std::string file = EncodeHeader(header);
  file += payload;
  payload.clear();
  payload.shrink_to_fit();
  return WriteFileAtomically(path, file).WithContext("vector index");
}

}  // namespace da::memory
