#include "catalog/profiler.h"

#include <algorithm>
#include <cassert>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>

#include "catalog/column_profile.h"
#include "catalog/keys.h"
#include "common/sqlite.h"
#include "common/strings.h"

namespace da {

namespace {

struct SchemaObject {
  std::string name;
  bool is_view = false;
};

struct ColumnDecl {
  std::string name;
  std::string declared_type;
  bool not_null = false;
  int pk_position = 0;  // 1-based position in the declared primary key, 0 when not part of it
};

Result<std::vector<SchemaObject>> ListTables(sqlite3* db) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st,
                      PrepareSql(db, "SELECT name, type FROM sqlite_schema "
                                     "WHERE type IN ('table', 'view') "
                                     "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                     "AND name NOT LIKE '\\_da\\_%' ESCAPE '\\' ORDER BY rowid"));
  std::vector<SchemaObject> out;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    SchemaObject o;
    o.name = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    o.is_view = std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1))) == "view";
    out.push_back(std::move(o));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "listing tables");
  return out;
}

// Columns as declared. For a view whose definition does not compile this fails; the caller
// then leaves the view out.
Result<std::vector<ColumnDecl>> ReadColumns(sqlite3* db, const std::string& table) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, "SELECT name, type, \"notnull\", pk "
                                                    "FROM pragma_table_info(?1) ORDER BY cid"));
  sqlite3_bind_text(st.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<ColumnDecl> out;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    ColumnDecl c;
    c.name = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    auto* type = sqlite3_column_text(st.get(), 1);
    c.declared_type = type ? reinterpret_cast<const char*>(type) : "";
    c.not_null = sqlite3_column_int(st.get(), 2) != 0;
    c.pk_position = sqlite3_column_int(st.get(), 3);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "reading the columns of " + table);
  if (out.empty()) return Status::InvalidArgument("table " + table + " has no readable columns");
  return out;
}

std::string ScanSql(const SchemaObject& object, const std::vector<ColumnDecl>& columns) {
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(QuoteIdentifier(c.name));
  std::string sql = "SELECT " + Join(names, ", ") + " FROM " + QuoteIdentifier(object.name);
  if (object.is_view) sql += " LIMIT " + std::to_string(kViewRowLimit + 1);
  return sql;
}

// Rows of a scan, column by column, handed from the reading thread to the counting thread.
struct RowBatch {
  std::vector<CellColumn> columns;
  size_t rows = 0;
  size_t Bytes() const {
    size_t n = 0;
    for (const auto& c : columns) n += c.bytes.size();
    return n;
  }
};
constexpr size_t kBatchRows = 4096;
constexpr size_t kBatchBytes = 16 << 20;  // also bounds the text copied per batch

// A blocking queue of batches; Pop returns nullptr once closed and drained.
class BatchQueue {
 public:
  void Push(RowBatch* b) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(b);
    }
    cv_.notify_one();
  }
  RowBatch* Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return nullptr;
    RowBatch* b = items_.front();
    items_.pop_front();
    return b;
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RowBatch*> items_;
  bool closed_ = false;
};

// Counts batches on a second thread while the caller keeps stepping SQLite (two batches in
// flight); on a single-core machine it counts inline.
class BatchCounter {
 public:
  BatchCounter(std::vector<ColumnAccumulator>* acc, size_t ncols) : acc_(acc) {
    for (auto& b : batches_) b.columns.resize(ncols);
    threaded_ = std::thread::hardware_concurrency() > 1;
    if (threaded_) {
      for (auto& b : batches_) free_.Push(&b);
      worker_ = std::thread([this] {
        while (RowBatch* b = full_.Pop()) {
          Count(b);
          free_.Push(b);
        }
      });
    }
    current_ = threaded_ ? free_.Pop() : &batches_[0];
  }
  ~BatchCounter() { Finish(); }

  RowBatch* current() { return current_; }
  // Hands over the current batch and returns an empty one.
  void Submit() {
    if (!threaded_) return Count(current_);
    full_.Push(current_);
    current_ = free_.Pop();
  }
  // Counts what is left and waits for the worker.
  void Finish() {
    if (finished_) return;
    finished_ = true;
    if (current_->rows) Submit();
    if (threaded_) {
      full_.Close();
      worker_.join();
    }
  }

 private:
  void Count(RowBatch* b) {
    for (size_t i = 0; i < b->columns.size(); ++i) {
      (*acc_)[i].Add(b->columns[i]);
      b->columns[i].Clear();
    }
    b->rows = 0;
  }

  std::vector<ColumnAccumulator>* acc_;
  RowBatch batches_[2];
  BatchQueue free_, full_;
  std::thread worker_;
  bool threaded_ = false, finished_ = false;
  RowBatch* current_ = nullptr;
};

// One sequential scan feeding every column's accumulator.
Status ScanRows(sqlite3* db, const SchemaObject& object, const std::vector<ColumnDecl>& decls,
                std::vector<ColumnAccumulator>* acc, TableInfo* table) {
  for (const auto& d : decls) {
    const bool infer = Trim(d.declared_type).empty();
    acc->emplace_back(infer, infer || TopValuesApply(ColumnTypeFromDeclared(d.declared_type)));
  }
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, ScanSql(object, decls)));
  const int ncols = static_cast<int>(decls.size());
  int64_t rows = 0;
  int rc;
  {
    BatchCounter counter(acc, decls.size());
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      if (object.is_view && rows == kViewRowLimit) {
        table->row_count_is_lower_bound = true;
        rc = SQLITE_DONE;
        break;
      }
      ++rows;
      RowBatch* batch = counter.current();
      for (int i = 0; i < ncols; ++i) batch->columns[i].Append(st.get(), i);
      if (++batch->rows == kBatchRows || batch->Bytes() > kBatchBytes) counter.Submit();
    }
    counter.Finish();
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "reading " + object.name);
  table->row_count = rows;
  return Status::Ok();
}

void FinishColumns(const std::vector<ColumnDecl>& decls, std::vector<ColumnAccumulator>* acc,
                   const ProfileOptions& options, TableInfo* table) {
  for (size_t i = 0; i < decls.size(); ++i) {
    ColumnInfo c;
    c.name = decls[i].name;
    c.label = options.column_label ? options.column_label(table->name, c.name) : "";
    if (c.label.empty()) c.label = c.name;
    c.declared_type = decls[i].declared_type;
    c.type = ColumnTypeFromDeclared(c.declared_type);
    c.not_null = decls[i].not_null;
    (*acc)[i].Finish(table->row_count, options.top_values, &c);
    if (options.values && !table->is_view && c.type == ColumnType::kText) {
      (*acc)[i].ForEachExactText([&](std::string_view value, int64_t count) {
        options.values->Add(table->name, c.name, value, count);
      });
    }
    table->columns.push_back(std::move(c));
  }
}

Result<int64_t> CountRows(sqlite3* db, const std::string& table) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, "SELECT count(*) FROM " + QuoteIdentifier(table)));
  if (sqlite3_step(st.get()) != SQLITE_ROW) return SqliteError(db, "counting rows of " + table);
  return static_cast<int64_t>(sqlite3_column_int64(st.get(), 0));
}

void SetDeclaredPrimaryKey(const std::vector<ColumnDecl>& decls, TableInfo* table) {
  std::vector<std::pair<int, size_t>> parts;  // (position in key, column index)
  for (size_t i = 0; i < decls.size(); ++i)
    if (decls[i].pk_position > 0) parts.emplace_back(decls[i].pk_position, i);
  if (parts.empty()) return;
  std::sort(parts.begin(), parts.end());
  for (const auto& [pos, i] : parts) {
    table->primary_key.push_back(decls[i].name);
    table->columns[i].is_primary_key = true;
  }
  table->primary_key_declared = true;
}

}  // namespace

struct TableProfiler::Impl {
  explicit Impl(size_t columns) : acc(columns, ColumnAccumulator(/*infer_type=*/false)) {}
  explicit Impl(const std::vector<ColumnType>& types) {
    for (ColumnType t : types) acc.emplace_back(/*infer_type=*/false, TopValuesApply(t));
  }
  std::vector<ColumnAccumulator> acc;
  size_t cursor = 0;
  int64_t rows = 0;
  ColumnAccumulator& Next() { return acc[cursor++]; }
};

TableProfiler::TableProfiler(size_t columns) : impl_(std::make_unique<Impl>(columns)) {}
TableProfiler::TableProfiler(const std::vector<ColumnType>& types) : impl_(std::make_unique<Impl>(types)) {}
TableProfiler::~TableProfiler() = default;
void TableProfiler::AddNull() { impl_->Next().AddNull(); }
void TableProfiler::AddInteger(int64_t v) { impl_->Next().AddInteger(v); }
void TableProfiler::AddReal(double v) { impl_->Next().AddReal(v); }
void TableProfiler::AddText(std::string_view v) { impl_->Next().AddText(v); }
size_t TableProfiler::columns() const { return impl_->acc.size(); }
int64_t TableProfiler::rows() const { return impl_->rows; }

void TableProfiler::EndRow() {
  assert(impl_->cursor == impl_->acc.size() && "one Add per column, then EndRow");
  impl_->cursor = 0;
  ++impl_->rows;
}

namespace {

// The statistics gathered while `object` was written, when they describe the table as it is
// (same columns, all typed, same row count); null otherwise.
Result<TableProfiler::Impl*> WrittenProfile(sqlite3* db, const SchemaObject& object,
                                            const std::vector<ColumnDecl>& decls,
                                            const ProfileOptions& options) {
  auto it = options.written.find(object.name);
  if (object.is_view || it == options.written.end() || !it->second) return nullptr;
  TableProfiler::Impl* impl = it->second->impl();
  if (impl->acc.size() != decls.size() || impl->cursor != 0) return nullptr;
  for (const auto& d : decls)
    if (Trim(d.declared_type).empty()) return nullptr;  // would need type inference
  DA_ASSIGN_OR_RETURN(int64_t rows, CountRows(db, object.name));
  if (rows != impl->rows) return nullptr;
  return impl;
}

// Key inference needs exact uniqueness, but past the exact counters' caps a distinct count is
// an estimate (within a few percent). A non-null column estimated close to all-distinct gets
// an exact count from SQL: one DISTINCT query for each such column, which are few.
Status CountNearUniqueColumnsExactly(sqlite3* db, TableInfo* table) {
  if (table->is_view) return Status::Ok();
  for (ColumnInfo& c : table->columns) {
    if (!c.distinct_is_estimate || c.null_fraction != 0) continue;
    if (static_cast<double>(c.distinct_count) < kNearUniqueShare * static_cast<double>(table->row_count))
      continue;
    DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, "SELECT count(DISTINCT " + QuoteIdentifier(c.name) +
                                                          ") FROM " + QuoteIdentifier(table->name)));
    if (sqlite3_step(st.get()) != SQLITE_ROW)
      return SqliteError(db, "counting distinct values of " + table->name + "." + c.name);
    c.distinct_count = sqlite3_column_int64(st.get(), 0);
    c.distinct_is_estimate = false;
  }
  return Status::Ok();
}

}  // namespace

Result<Catalog> ProfileDatabase(sqlite3* db, const ProfileOptions& options) {
  Catalog catalog;
  catalog.dataset = options.dataset;
  catalog.built_at = NowIsoUtc();
  DA_ASSIGN_OR_RETURN(std::vector<SchemaObject> objects, ListTables(db));
  for (const auto& object : objects) {
    auto decls = ReadColumns(db, object.name);
    if (!decls.ok()) {
      if (object.is_view) continue;  // a stale view must not block the dataset
      return decls.status();
    }
    TableInfo table;
    table.name = object.name;
    table.is_view = object.is_view;
    table.label = options.table_label ? options.table_label(object.name) : "";
    if (table.label.empty()) table.label = table.name;
    DA_ASSIGN_OR_RETURN(TableProfiler::Impl* written, WrittenProfile(db, object, *decls, options));
    if (written) {
      table.row_count = written->rows;
      FinishColumns(*decls, &written->acc, options, &table);
    } else {
      std::vector<ColumnAccumulator> acc;
      Status s = ScanRows(db, object, *decls, &acc, &table);
      if (!s.ok()) {
        if (object.is_view) continue;
        return s.WithContext("profiling " + object.name);
      }
      FinishColumns(*decls, &acc, options, &table);
    }
    DA_RETURN_IF_ERROR(CountNearUniqueColumnsExactly(db, &table));
    SetDeclaredPrimaryKey(*decls, &table);
    InferPrimaryKey(&table);
    catalog.tables.push_back(std::move(table));
  }
  DA_RETURN_IF_ERROR(AddDeclaredForeignKeys(db, &catalog));
  DA_RETURN_IF_ERROR(InferForeignKeys(db, &catalog));
  return catalog;
}

}  // namespace da
