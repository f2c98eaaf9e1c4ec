#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/store_error.hpp"
#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace bmcp::auth {

// A database failure after the file was opened (disk full, corruption, lock held past the busy
// timeout). These are I/O surprises, not expected outcomes, so they are thrown.
class SqliteError : public StoreError {
 public:
  using StoreError::StoreError;
};

// One prepared statement. Binding indexes are 1-based, column indexes 0-based (as in SQLite).
// Not thread safe: use it only while holding the SqliteDatabase::Lock that prepared it, and
// destroy it before that lock is released.
// An owned statement is finalized on destruction; a borrowed one (from the database's cache)
// is reset and its bindings cleared instead, which also ends the read transaction an unfinished
// step() left open, so the connection sees other processes' later commits.
class SqliteStatement {
 public:
  enum class Ownership { kOwned, kBorrowed };

  SqliteStatement(sqlite3* db, sqlite3_stmt* statement, Ownership ownership = Ownership::kOwned)
      : db_(db), statement_(statement), ownership_(ownership) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t number);
  SqliteStatement& bind(int index, double number);

  // Advances to the next row: true when a row is available, false when the statement is done.
  bool step();
  // Steps until done (for statements that return no rows).
  void run();

  std::string column_text(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;

 private:
  void check_bind(int rc);

  sqlite3* db_;
  sqlite3_stmt* statement_;
  Ownership ownership_;
};

// An open SQLite database file: one connection, guarded by one mutex. WAL mode and a busy
// timeout let a CLI process and the server use the same file at once.
// Thread safety: all access goes through lock(), which serialises callers.
class SqliteDatabase {
 public:
  // How long a statement waits for another process's write lock before failing.
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens the database file, creating it with mode 0600 when missing (its -wal, -shm and
  // -journal files get the file's mode). Fails with kIo.
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::filesystem::path& file);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Exclusive use of the connection for one unit of work. Every method throws SqliteError.
  class Lock {
   public:
    void exec(std::string_view sql);
    SqliteStatement prepare(std::string_view sql);
    // As prepare(), but the statement is compiled once per connection and reused by later
    // calls with the same text (for statements run on every request). The returned statement
    // is borrowed: it is reset when destroyed, so one text cannot be in use twice at once.
    SqliteStatement prepare_cached(std::string_view sql);
    // Rows changed by the most recent INSERT, UPDATE or DELETE.
    int changes() const;
    // Runs `work` between BEGIN IMMEDIATE and COMMIT. When `work` throws, or returns a failed
    // Status, the transaction is rolled back and the failure passed on.
    Status transaction(const std::function<Status()>& work);

   private:
    friend class SqliteDatabase;
    explicit Lock(SqliteDatabase& database)
        : guard_(database.mutex_), db_(database.db_), cached_(database.cached_) {}

    std::unique_lock<std::mutex> guard_;
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*>& cached_;
  };

  Lock lock() { return Lock(*this); }

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}

  std::mutex mutex_;
  sqlite3* db_;
  // SQL text -> statement compiled by prepare_cached; guarded by mutex_, finalized on close.
  std::unordered_map<std::string, sqlite3_stmt*> cached_;
};

}  // namespace bmcp::auth
