#include "auth/sqlite_database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <system_error>

namespace bmcp::auth {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw SqliteError(std::string(what) + ": " + sqlite3_errmsg(db));
}

int checked_size(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw SqliteError("sqlite: value too large");
  }
  return static_cast<int>(text.size());
}

}  // namespace

SqliteStatement::~SqliteStatement() {
  if (statement_ == nullptr) {
    return;
  }
  if (ownership_ == Ownership::kOwned) {
    sqlite3_finalize(statement_);
    return;
  }
  // The reset's return value repeats the last step's error, already thrown from step().
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), statement_(other.statement_), ownership_(other.ownership_) {
  other.statement_ = nullptr;
}

void SqliteStatement::check_bind(int rc) {
  if (rc != SQLITE_OK) {
    fail(db_, "sqlite bind");
  }
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  check_bind(
      sqlite3_bind_text(statement_, index, text.data(), checked_size(text), SQLITE_TRANSIENT));
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t number) {
  check_bind(sqlite3_bind_int64(statement_, index, number));
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double number) {
  check_bind(sqlite3_bind_double(statement_, index, number));
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  fail(db_, "sqlite step");
}

void SqliteStatement::run() {
  while (step()) {
  }
}

std::string SqliteStatement::column_text(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  if (text == nullptr) {
    return {};
  }
  const int size = sqlite3_column_bytes(statement_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::int64_t SqliteStatement::column_int(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(statement_, column);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::filesystem::path& file) {
  // SQLite would create a missing file with mode 0644 (less the umask); creating it first with
  // 0600 keeps it private, and SQLite gives its -wal, -shm and -journal files the same mode.
  // An existing file is left to SQLite: closing a descriptor of a file drops every POSIX lock
  // this process holds on it, those of another open connection included, and another process
  // could then take the database for itself (and delete the WAL under that connection).
  std::error_code exists_error;
  if (!std::filesystem::exists(file, exists_error)) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return Unexpected{make_error(ErrorCode::kIo,
                                   "cannot open database " + file.string() + ": " +
                                       std::error_code(errno, std::generic_category()).message())};
    }
    ::close(fd);
  }
  sqlite3* db = nullptr;
  // The connection is serialised by our own mutex, so SQLite's is not needed.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + file.string() + ": " +
                          (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return Unexpected{make_error(ErrorCode::kIo, std::move(message))};
  }
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  try {
    auto lock = database->lock();
    lock.exec("PRAGMA journal_mode=WAL");
    // In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last commits only.
    lock.exec("PRAGMA synchronous=NORMAL");
    lock.exec("PRAGMA foreign_keys=ON");
  } catch (const SqliteError& error) {
    return Unexpected{make_error(ErrorCode::kIo, error.what())};
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  for (const auto& [sql, statement] : cached_) {
    sqlite3_finalize(statement);
  }
  sqlite3_close(db_);
}

void SqliteDatabase::Lock::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail(db_, "sqlite exec");
  }
}

SqliteStatement SqliteDatabase::Lock::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), checked_size(sql), &statement, nullptr) != SQLITE_OK) {
    fail(db_, "sqlite prepare");
  }
  return SqliteStatement(db_, statement);
}

SqliteStatement SqliteDatabase::Lock::prepare_cached(std::string_view sql) {
  const std::string text(sql);
  auto found = cached_.find(text);
  if (found == cached_.end()) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, text.data(), checked_size(text), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK) {
      fail(db_, "sqlite prepare");
    }
    found = cached_.emplace(text, statement).first;
  }
  return SqliteStatement(db_, found->second, SqliteStatement::Ownership::kBorrowed);
}

int SqliteDatabase::Lock::changes() const {
  return sqlite3_changes(db_);
}

Status SqliteDatabase::Lock::transaction(const std::function<Status()>& work) {
  // IMMEDIATE takes the write lock up front, so a read-then-write unit cannot be interleaved
  // with another process's write.
  exec("BEGIN IMMEDIATE");
  Status status;
  try {
    status = work();
    if (status.ok()) {
      exec("COMMIT");
    }
  } catch (...) {
    // Also covers a failed COMMIT; a ROLLBACK with no open transaction is harmless.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  if (!status.ok()) {
    exec("ROLLBACK");
  }
  return status;
}

}  // namespace bmcp::auth
