#include "ingest/table_builder.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/sqlite.h"
#include "common/strings.h"
#include "ingest/identifiers.h"
#include "ingest/type_inference.h"

namespace da {

namespace {

constexpr char kSourceFileColumn[] = "_source_file";
constexpr size_t kBatchRows = 4096;
constexpr size_t kRowsPerInsert = 128;
constexpr size_t kMaxParams = 32766;   // SQLite's default SQLITE_MAX_VARIABLE_NUMBER

struct TableColumn {
  std::string name;
  std::string label;
  ColumnInference inference;
  ColumnType type = ColumnType::kText;
  DateOrder order = DateOrder::kMonthFirst;
};

// How one source's fields map onto the table's columns.
struct SourcePlan {
  RowSource* source = nullptr;
  std::vector<size_t> column_of_field;
  uint64_t bytes_before = 0;  // sum of byte_size() of earlier sources, for progress
};

// "retail/orders/orders_2021.csv", "retail/orders/orders_2022.csv" -> "orders_2021.csv",
// "orders_2022.csv": the folder every name shares says nothing about the row.
std::vector<std::string> WithoutCommonFolder(const std::vector<std::string>& names) {
  if (names.empty()) return names;
  size_t common = names[0].rfind('/');
  common = common == std::string::npos ? 0 : common + 1;
  for (const std::string& n : names) {
    size_t k = 0;
    while (k < common && k < n.size() && n[k] == names[0][k]) ++k;
    common = k;
  }
  while (common > 0 && names[0][common - 1] != '/') --common;  // whole folders only
  std::vector<std::string> out;
  for (const std::string& n : names) out.push_back(n.substr(common));
  return out;
}

// Per (column, source): is the column constant within the source, and with what value?
// Used to decide whether `_source_file` adds information.
struct Constancy {
  bool seen = false;
  bool constant = true;
  std::string value;
};

std::string FieldCountReason(size_t expected, size_t found) {
  return "expected " + std::to_string(expected) + " fields, found " + std::to_string(found);
}

// Rough bytes a row occupied in its file: fields plus delimiters and line end. Only used for
// progress, clamped to the source size.
uint64_t ApproxRowBytes(const RowView& row) {
  uint64_t n = row.fields.size();
  for (std::string_view f : row.fields) n += f.size();
  return n;
}

// CPU time of the calling thread: unlike wall time, unaffected by other processes' load.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The declared SQL type of a column (see ingest/column_type.h): ISO date/time text gets TEXT
// affinity, so SQLite does not try to parse every value as a number on insert.
std::string DeclaredType(ColumnType type) {
  const std::string name = ColumnTypeName(type);
  return type == ColumnType::kDate || type == ColumnType::kTimestamp ? name + " TEXT" : name;
}

class ProgressReporter {
 public:
  ProgressReporter(const ProgressFn& fn, uint64_t total) : fn_(fn), total_(total) {}
  void Report(uint64_t done) const {
    if (fn_) fn_(std::min(done, total_), total_);
  }
  uint64_t total() const { return total_; }

 private:
  const ProgressFn& fn_;
  uint64_t total_;
};

// ---- Pass 2 plumbing: row batches handed from the converting thread to the inserting one.

struct Slot {
  enum class Kind : uint8_t { kNull, kInteger, kReal, kText, kSourceName } kind = Kind::kNull;
  uint32_t text_size = 0;
  union {
    int64_t i;
    double d;
    uint64_t text_offset;  // into Batch::arena
  };
};

struct Batch {
  size_t source = 0;
  size_t rows = 0;
  int64_t first_line = 0;
  uint64_t approx_bytes = 0;  // source bytes covered by this batch's rows
  std::vector<Slot> slots;    // rows x columns
  std::string arena;          // text of kText slots

  void Clear() {
    rows = 0;
    approx_bytes = 0;
    arena.clear();
  }
};

// Pass 1: rows handed from the reading thread to the inferring one. The reader infers the
// table columns below `split` itself, straight from the reader's views, and copies only the
// fields of the other columns (their views die with each callback).
struct RawBatch {
  struct Row {
    int64_t line;
    uint32_t first_field;  // index into field_end
    uint32_t field_count;  // fields of the row in the file (copied or not)
  };
  size_t source = 0;
  size_t split = 0;                 // columns < split were inferred by the reader
  double reader_cpu = 0;            // CPU seconds the reader spent on this batch
  uint64_t approx_bytes = 0;
  std::vector<uint32_t> copied;     // file field indexes copied for every well-formed row
  std::string arena;
  std::vector<uint32_t> field_end;  // end offset in arena of each copied field
  std::vector<Row> rows;

  void Clear() {
    approx_bytes = 0;
    copied.clear();
    arena.clear();
    field_end.clear();
    rows.clear();
  }
  // Copies the fields listed in `copied` (none for a row of the wrong width).
  void Add(const RowView& row, bool well_formed) {
    rows.push_back({row.line, static_cast<uint32_t>(field_end.size()),
                    static_cast<uint32_t>(row.fields.size())});
    if (well_formed) {
      for (uint32_t f : copied) {
        arena.append(row.fields[f]);
        field_end.push_back(static_cast<uint32_t>(arena.size()));
      }
    }
    approx_bytes += ApproxRowBytes(row);
  }
  // The k-th copied field of row `r`.
  std::string_view Field(size_t r, size_t k) const {
    const uint32_t i = rows[r].first_field + static_cast<uint32_t>(k);
    const uint32_t begin = i == 0 ? 0 : field_end[i - 1];
    return std::string_view(arena.data() + begin, field_end[i] - begin);
  }
};

// Decides when the pass-1 reader should hand one more column to the inferring thread: when,
// over kBatchesPerDecision batches read at the current split, the reader spent more CPU time
// than the inferring thread by more than one column's share of the latter. CPU rather than
// wall time, so that other processes' load does not skew it; averaged, so that the first
// batches (cold caches, page faults on the input) do not.
class SplitBalance {
 public:
  void Observe(const RawBatch& batch, double own_cpu, std::atomic<size_t>* split) {
    if (batch.split != split->load(std::memory_order_relaxed) || batch.split == 0 || batch.copied.empty())
      return;  // read before the last move, or nothing left to move
    if (++skipped_ <= kWarmUpBatches) return;
    reader_ += batch.reader_cpu;
    own_ += own_cpu;
    if (++batches_ < kBatchesPerDecision) return;
    if (reader_ - own_ > own_ / static_cast<double>(batch.copied.size())) {
      split->store(batch.split - 1, std::memory_order_relaxed);
    }
    reader_ = own_ = 0;
    batches_ = 0;
  }

 private:
  static constexpr int kWarmUpBatches = 2;
  static constexpr int kBatchesPerDecision = 4;
  int skipped_ = 0, batches_ = 0;
  double reader_ = 0, own_ = 0;
};

// Bounded hand-off between one producer and one consumer. Batches circulate between the
// free and the full list, so steady state allocates nothing.
template <typename B>
class BatchQueue {
 public:
  template <typename Make>
  BatchQueue(size_t batches, Make make) {
    for (size_t i = 0; i < batches; ++i) free_.push_back(make());
  }

  // Producer side. Returns nullptr when the consumer has given up.
  std::unique_ptr<B> TakeFree() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || cancelled_; });
    if (cancelled_) return nullptr;
    auto b = std::move(free_.front());
    free_.pop_front();
    return b;
  }
  void PushFull(std::unique_ptr<B> b) {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(b));
    cv_.notify_all();
  }
  void Finish(Status status) {
    std::lock_guard lock(mu_);
    producer_done_ = true;
    producer_status_ = std::move(status);
    cv_.notify_all();
  }

  // Consumer side. Returns nullptr once the producer is done and everything is consumed.
  std::unique_ptr<B> TakeFull() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty() || producer_done_; });
    if (full_.empty()) return nullptr;
    auto b = std::move(full_.front());
    full_.pop_front();
    return b;
  }
  void ReturnFree(std::unique_ptr<B> b) {
    std::lock_guard lock(mu_);
    b->Clear();
    free_.push_back(std::move(b));
    cv_.notify_all();
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }
  Status producer_status() {
    std::lock_guard lock(mu_);
    return producer_status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<B>> free_, full_;
  bool producer_done_ = false;
  bool cancelled_ = false;
  Status producer_status_;
};

class TableBuild {
 public:
  TableBuild(sqlite3* db, const std::string& table_name, const std::vector<RowSource*>& sources,
             const BuildOptions& options, IngestReport* report)
      : db_(db), table_(table_name), options_(options), report_(report) {
    for (RowSource* s : sources) {
      SourcePlan plan;
      plan.source = s;
      plan.bytes_before = total_input_bytes_;
      total_input_bytes_ += s->byte_size();
      plans_.push_back(std::move(plan));
      source_names_.push_back(s->name());
    }
    source_values_ = WithoutCommonFolder(source_names_);
  }

  Status Run() {
    DA_RETURN_IF_ERROR(PlanColumns());
    ProgressReporter progress(options_.progress, 2 * total_input_bytes_);
    DA_RETURN_IF_ERROR(InferTypes(progress));
    DecideSourceFileColumn();
    DA_RETURN_IF_ERROR(CreateTable());
    DA_RETURN_IF_ERROR(InsertRows(progress));
    progress.Report(progress.total());
    FillReport();
    return Status::Ok();
  }

 private:
  size_t table_columns() const { return columns_.size() + (add_source_file_ ? 1 : 0); }

  // Unions the sources' normalised headers in first-seen order.
  Status PlanColumns() {
    if (plans_.empty()) return Status::InvalidArgument(table_ + ": no input to build the table from");
    std::unordered_map<std::string, size_t> index;
    for (SourcePlan& plan : plans_) {
      const std::vector<std::string>& labels = plan.source->header();
      if (labels.empty()) return Status::InvalidArgument(plan.source->name() + ": no columns");
      const std::vector<std::string> names = MakeColumnNames(labels);
      for (size_t f = 0; f < names.size(); ++f) {
        auto [it, inserted] = index.emplace(names[f], columns_.size());
        if (inserted) {
          TableColumn c;
          c.name = names[f];
          c.label = labels[f];
          columns_.push_back(std::move(c));
        }
        plan.column_of_field.push_back(it->second);
      }
    }
    return Status::Ok();
  }

  Status Reject(const RowSource& source, int64_t line, size_t field_count) {
    ++rejected_;
    std::string reason = FieldCountReason(source.header().size(), field_count);
    if (first_rejected_.empty()) {
      first_rejected_ = source.name() + ":" + std::to_string(line) + ": " + reason;
    }
    report_->AddRejected({source.name(), line, std::move(reason)});
    if (rejected_ <= options_.max_rejected_rows) return Status::Ok();
    if (options_.max_rejected_rows == 0) return Status::InvalidArgument(first_rejected_);
    return Status::InvalidArgument(first_rejected_ + " (more than " +
                                   std::to_string(options_.max_rejected_rows) +
                                   " rows rejected)");
  }

  // Pass 1: every value of every column, plus per-source constancy when it matters. Two
  // threads share the inference by columns: a worker thread reads, infers the columns below a
  // split point itself and copies the other columns' fields into batches, which this thread
  // infers. The split starts at half the columns and only moves down, one column at a time
  // while a batch cost the reader more CPU time than this thread by more than one column's
  // share (so each column moves at most once, at a batch boundary, and its values are still
  // observed in row order by one thread at a time).
  // Per-source constancy (several sources) needs whole rows here, so then the worker infers
  // nothing.
  Status InferTypes(const ProgressReporter& progress) {
    if (plans_.size() > 1) {
      constancy_.assign(columns_.size(), std::vector<Constancy>(plans_.size()));
      may_identify_source_.assign(columns_.size(), true);
    }
    std::atomic<size_t> split(plans_.size() > 1 ? 0 : columns_.size() / 2);
    BatchQueue<RawBatch> queue(3, [] { return std::make_unique<RawBatch>(); });
    std::thread reader([&] { queue.Finish(ReadRows(&queue, &split)); });
    Status infer_status;
    std::vector<std::string_view> fields(columns_.size());
    std::vector<uint64_t> bytes_done(plans_.size(), 0);
    SplitBalance balance;
    while (auto batch = queue.TakeFull()) {
      const double start = ThreadCpuSeconds();
      const SourcePlan& plan = plans_[batch->source];
      for (size_t r = 0; r < batch->rows.size() && infer_status.ok(); ++r) {
        infer_status = InferRow(plan, *batch, r, &fields);
        if (!infer_status.ok()) queue.Cancel();
      }
      balance.Observe(*batch, ThreadCpuSeconds() - start, &split);
      bytes_done[batch->source] += batch->approx_bytes;
      progress.Report(plan.bytes_before + std::min(bytes_done[batch->source], plan.source->byte_size()));
      queue.ReturnFree(std::move(batch));
    }
    reader.join();
    DA_RETURN_IF_ERROR(infer_status);
    DA_RETURN_IF_ERROR(queue.producer_status());
    progress.Report(total_input_bytes_);
    for (TableColumn& c : columns_) {
      c.type = c.inference.type();
      c.order = c.inference.date_order();
    }
    return Status::Ok();
  }

  Status ReadRows(BatchQueue<RawBatch>* queue, const std::atomic<size_t>* split) {
    std::unique_ptr<RawBatch> batch;
    double batch_start = 0;
    auto push = [&] {
      batch->reader_cpu = ThreadCpuSeconds() - batch_start;
      queue->PushFull(std::move(batch));
    };
    for (size_t s = 0; s < plans_.size(); ++s) {
      const SourcePlan& plan = plans_[s];
      const size_t expected = plan.column_of_field.size();
      const int source_index = static_cast<int>(s);
      Status st = plan.source->ForEachRow([&](const RowView& row) -> Status {
        if (!batch) {
          batch = queue->TakeFree();
          if (!batch) return Status::Internal("type inference stopped");
          batch_start = ThreadCpuSeconds();
          batch->source = s;
          batch->split = split->load(std::memory_order_relaxed);
          for (size_t f = 0; f < expected; ++f)
            if (plan.column_of_field[f] >= batch->split) batch->copied.push_back(static_cast<uint32_t>(f));
        }
        const bool well_formed = row.fields.size() == expected;
        if (well_formed && batch->split > 0) {
          for (size_t f = 0; f < expected; ++f) {
            const size_t c = plan.column_of_field[f];
            if (c < batch->split) columns_[c].inference.Observe(row.fields[f], source_index, row.line);
          }
        }
        batch->Add(row, well_formed);
        if (batch->rows.size() == kBatchRows) push();
        return Status::Ok();
      });
      if (batch) push();
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }

  // Rejects row `r` of the batch if ragged, else infers the columns the reader left over.
  Status InferRow(const SourcePlan& plan, const RawBatch& batch, size_t r,
                  std::vector<std::string_view>* fields) {
    const RawBatch::Row& row = batch.rows[r];
    const size_t expected = plan.column_of_field.size();
    if (row.field_count != expected) return Reject(*plan.source, row.line, row.field_count);
    const int source_index = static_cast<int>(batch.source);
    for (size_t k = 0; k < batch.copied.size(); ++k) {
      const uint32_t f = batch.copied[k];
      const std::string_view v = batch.Field(r, k);
      columns_[plan.column_of_field[f]].inference.Observe(v, source_index, row.line);
      (*fields)[f] = v;
    }
    if (!constancy_.empty()) {  // the reader inferred nothing: every field was copied
      RowView view;
      view.fields = std::span<const std::string_view>(fields->data(), expected);
      view.line = row.line;
      TrackConstancy(plan, batch.source, view);
    }
    return Status::Ok();
  }

  void TrackConstancy(const SourcePlan& plan, size_t s, const RowView& row) {
    for (size_t f = 0; f < row.fields.size(); ++f) {
      const size_t c = plan.column_of_field[f];
      if (!may_identify_source_[c]) continue;
      Constancy& k = constancy_[c][s];
      const std::string_view v = TrimField(row.fields[f]);
      if (!k.seen) {
        k.seen = true;
        k.value = IsNullMarker(v) ? std::string() : std::string(v);
      } else if (k.value != (IsNullMarker(v) ? std::string_view() : v)) {
        k.constant = false;
        may_identify_source_[c] = false;
      }
    }
  }

  // `_source_file` is added for several sources unless some column present in every source is
  // constant within each source and different between sources (it already says which file a
  // row came from). Sources without rows do not count.
  void DecideSourceFileColumn() {
    if (plans_.size() < 2) return;
    std::vector<size_t> sources_with_column(columns_.size(), 0);
    for (const SourcePlan& plan : plans_)
      for (size_t c : plan.column_of_field) ++sources_with_column[c];
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!may_identify_source_[c] || sources_with_column[c] != plans_.size()) continue;
      std::unordered_set<std::string> values;
      bool identifies = true;
      for (size_t s = 0; s < plans_.size() && identifies; ++s) {
        const Constancy& k = constancy_[c][s];
        if (k.seen) identifies = values.insert(k.value).second;
      }
      if (identifies && values.size() > 1) return;
    }
    add_source_file_ = true;
  }

  Status CreateTable() {
    std::string sql = "CREATE TABLE " + QuoteIdentifier(table_) + " (";
    for (size_t c = 0; c < table_columns(); ++c) {
      const bool source_file = c == columns_.size();
      if (c) sql += ", ";
      sql += QuoteIdentifier(source_file ? kSourceFileColumn : columns_[c].name);
      sql += ' ';
      sql += source_file ? "TEXT" : DeclaredType(columns_[c].type);
    }
    sql += ")";
    DA_RETURN_IF_ERROR(ExecSql(db_, sql).WithContext("creating table " + table_));
    // One statement inserting many rows runs the per-statement work (transaction and cursor
    // setup, reset) once per group instead of once per row.
    rows_per_insert_ = std::max<size_t>(1, std::min<size_t>(kRowsPerInsert, kMaxParams / table_columns()));
    DA_ASSIGN_OR_RETURN(insert_many_, PrepareSql(db_, InsertSql(rows_per_insert_)));
    DA_ASSIGN_OR_RETURN(insert_one_, PrepareSql(db_, InsertSql(1)));
    return Status::Ok();
  }

  std::string InsertSql(size_t rows) const {
    std::string tuple = "(";
    for (size_t c = 0; c < table_columns(); ++c) tuple += c ? ",?" : "?";
    tuple += ")";
    std::string sql = "INSERT INTO " + QuoteIdentifier(table_) + " VALUES ";
    for (size_t r = 0; r < rows; ++r) {
      if (r) sql += ',';
      sql += tuple;
    }
    return sql;
  }

  // Pass 2, producer: reads and converts rows into batches on a worker thread.
  Status ConvertRows(BatchQueue<Batch>* queue, StoredRowSink* sink) {
    const size_t width = table_columns();
    std::unique_ptr<Batch> batch;
    char date_buffer[48];
    for (size_t s = 0; s < plans_.size(); ++s) {
      const SourcePlan& plan = plans_[s];
      const size_t expected = plan.column_of_field.size();
      Status st = plan.source->ForEachRow([&](const RowView& row) -> Status {
        if (row.fields.size() != expected) return Status::Ok();  // rejected in pass 1
        if (!batch) {
          batch = queue->TakeFree();
          if (!batch) return Status::Internal("insert stopped");
          batch->source = s;
          batch->first_line = row.line;
        }
        Slot* slots = &batch->slots[batch->rows * width];
        for (size_t c = 0; c < width; ++c) slots[c].kind = Slot::Kind::kNull;
        for (size_t f = 0; f < expected; ++f) {
          const TableColumn& col = columns_[plan.column_of_field[f]];
          Slot& slot = slots[plan.column_of_field[f]];
          StoredValue v;
          if (!ConvertField(row.fields[f], col.type, col.order, date_buffer, &v)) {
            return Status::InvalidArgument(plan.source->name() + ":" + std::to_string(row.line) +
                                           ": value of column " + col.name +
                                           " changed while reading the file twice");
          }
          switch (v.kind) {
            case StoredValue::Kind::kNull: break;
            case StoredValue::Kind::kInteger:
              slot.kind = Slot::Kind::kInteger;
              slot.i = v.i;
              break;
            case StoredValue::Kind::kReal:
              slot.kind = Slot::Kind::kReal;
              slot.d = v.d;
              break;
            case StoredValue::Kind::kText:
              slot.kind = Slot::Kind::kText;
              slot.text_offset = batch->arena.size();
              slot.text_size = static_cast<uint32_t>(v.text.size());
              batch->arena.append(v.text);
              break;
          }
        }
        if (add_source_file_) slots[columns_.size()].kind = Slot::Kind::kSourceName;
        batch->approx_bytes += ApproxRowBytes(row);
        if (++batch->rows == kBatchRows) {
          if (sink) FeedSink(sink, *batch);
          queue->PushFull(std::move(batch));
        }
        return Status::Ok();
      });
      if (batch) {
        if (sink) FeedSink(sink, *batch);
        queue->PushFull(std::move(batch));
      }
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }

  // Pass 2, consumer: binds each batch's values (no copies: the batch outlives the step).
  void BindRow(sqlite3_stmt* st, int first_param, const Slot* slots, const std::string& arena,
               const std::string& source_name) const {
    const size_t width = table_columns();
    for (size_t c = 0; c < width; ++c) {
      const int param = first_param + static_cast<int>(c);
      const Slot& s = slots[c];
      switch (s.kind) {
        case Slot::Kind::kNull: sqlite3_bind_null(st, param); break;
        case Slot::Kind::kInteger: sqlite3_bind_int64(st, param, s.i); break;
        case Slot::Kind::kReal: sqlite3_bind_double(st, param, s.d); break;
        case Slot::Kind::kText:
          sqlite3_bind_text(st, param, arena.data() + s.text_offset,
                            static_cast<int>(s.text_size), SQLITE_STATIC);
          break;
        case Slot::Kind::kSourceName:
          sqlite3_bind_text(st, param, source_name.data(), static_cast<int>(source_name.size()),
                            SQLITE_STATIC);
          break;
      }
    }
  }

  Status InsertBatch(const Batch& batch) {
    const size_t width = table_columns();
    const std::string& source_name = source_values_[batch.source];
    size_t r = 0;
    while (r < batch.rows) {
      const size_t group = batch.rows - r >= rows_per_insert_ ? rows_per_insert_ : 1;
      sqlite3_stmt* st = group > 1 ? insert_many_.get() : insert_one_.get();
      for (size_t k = 0; k < group; ++k) {
        BindRow(st, static_cast<int>(k * width) + 1, &batch.slots[(r + k) * width], batch.arena,
                source_name);
      }
      const int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) {
        return SqliteError(db_, "inserting into " + table_ + " (rows from " + source_names_[batch.source] +
                                    " near line " + std::to_string(batch.first_line) + ")");
      }
      r += group;
      rows_ += static_cast<int64_t>(group);
    }
    return Status::Ok();
  }

  // Hands the batch's rows, as stored, to the row sink (the catalog profiler).
  void FeedSink(StoredRowSink* sink, const Batch& batch) const {
    const size_t width = table_columns();
    const std::string& source_name = source_values_[batch.source];
    for (size_t r = 0; r < batch.rows; ++r) {
      const Slot* slots = &batch.slots[r * width];
      for (size_t c = 0; c < width; ++c) {
        const Slot& s = slots[c];
        switch (s.kind) {
          case Slot::Kind::kNull: sink->AddNull(); break;
          case Slot::Kind::kInteger: sink->AddInteger(s.i); break;
          case Slot::Kind::kReal: sink->AddReal(s.d); break;
          case Slot::Kind::kText: sink->AddText(std::string_view(batch.arena.data() + s.text_offset, s.text_size)); break;
          case Slot::Kind::kSourceName: sink->AddText(source_name); break;
        }
      }
      sink->EndRow();
    }
  }

  Status InsertRows(const ProgressReporter& progress) {
    StoredRowSink* sink = nullptr;
    if (options_.row_sink) {
      std::vector<ColumnType> types;
      for (const TableColumn& c : columns_) types.push_back(c.type);
      if (add_source_file_) types.push_back(ColumnType::kText);
      sink = options_.row_sink(table_, types);
    }
    BatchQueue<Batch> queue(3, [&] {
      auto b = std::make_unique<Batch>();
      b->slots.resize(kBatchRows * table_columns());
      return b;
    });
    std::thread producer([&] { queue.Finish(ConvertRows(&queue, sink)); });
    Status insert_status;
    std::vector<uint64_t> bytes_done(plans_.size(), 0);
    while (auto batch = queue.TakeFull()) {
      if (insert_status.ok()) {
        insert_status = InsertBatch(*batch);
        if (!insert_status.ok()) queue.Cancel();
        const SourcePlan& plan = plans_[batch->source];
        bytes_done[batch->source] += batch->approx_bytes;
        progress.Report(total_input_bytes_ + plan.bytes_before +
                        std::min(bytes_done[batch->source], plan.source->byte_size()));
      }
      queue.ReturnFree(std::move(batch));
    }
    producer.join();
    DA_RETURN_IF_ERROR(insert_status);
    return queue.producer_status();
  }

  void FillReport() {
    TableReport t;
    t.name = table_;
    t.label = table_;
    t.sources = source_names_;
    t.rows = rows_;
    t.rejected_rows = rejected_;
    t.has_source_file_column = add_source_file_;
    for (const TableColumn& c : columns_) {
      t.columns.push_back({c.name, c.label, c.type, c.inference.FallbackReason(source_names_)});
    }
    if (add_source_file_) t.columns.push_back({kSourceFileColumn, "source file", ColumnType::kText, ""});
    report_->tables.push_back(std::move(t));
  }

  sqlite3* db_;
  std::string table_;
  const BuildOptions& options_;
  IngestReport* report_;
  std::vector<SourcePlan> plans_;
  std::vector<std::string> source_names_;
  std::vector<std::string> source_values_;  // what `_source_file` holds: names past their shared folder
  uint64_t total_input_bytes_ = 0;
  std::vector<TableColumn> columns_;
  std::vector<std::vector<Constancy>> constancy_;  // [column][source]
  std::vector<bool> may_identify_source_;
  bool add_source_file_ = false;
  int64_t rejected_ = 0;
  std::string first_rejected_;
  int64_t rows_ = 0;
  size_t rows_per_insert_ = 1;
  SqliteStmt insert_many_;
  SqliteStmt insert_one_;
};

}  // namespace

Status PrepareForBulkLoad(sqlite3* db) {
  return ExecSql(db,
                 "PRAGMA page_size=65536;"
                 "PRAGMA journal_mode=OFF;"
                 "PRAGMA synchronous=OFF;"
                 "PRAGMA locking_mode=EXCLUSIVE;"
                 "PRAGMA cache_size=-131072;"
                 "PRAGMA temp_store=MEMORY;");
}

Status BuildTable(sqlite3* db, const std::string& table_name, const std::vector<RowSource*>& sources,
                  const BuildOptions& options, IngestReport* report) {
  const bool own_transaction = sqlite3_get_autocommit(db) != 0;
  if (own_transaction) DA_RETURN_IF_ERROR(ExecSql(db, "BEGIN"));
  Status st = TableBuild(db, table_name, sources, options, report).Run();
  if (own_transaction) {
    if (st.ok()) return ExecSql(db, "COMMIT");
    (void)ExecSql(db, "ROLLBACK");
  }
  return st;
}

}  // namespace da
