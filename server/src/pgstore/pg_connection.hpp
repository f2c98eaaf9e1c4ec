#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/store_error.hpp"

// libpq's handle types, declared here so that no other file needs libpq's headers.
struct pg_conn;
struct pg_result;

namespace bmcp::pgstore {

// A statement the server refused (a constraint, a syntax error, a serialization failure).
// `sqlstate` is the five-character SQLSTATE code.
class PgError : public auth::StoreError {
 public:
  PgError(const std::string& message, std::string sqlstate)
      : StoreError(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// One NOTIFY that arrived on a LISTENing connection.
struct PgNotification {
  std::string channel;
  std::string payload;
};

// One text parameter of a statement; nullopt is SQL NULL.
using PgParam = std::optional<std::string>;
PgParam pg_param(std::string_view text);
PgParam pg_param(std::int64_t number);
PgParam pg_param(double number);

// The rows of one statement. Column values are read as text (the server's text format).
class PgResult {
 public:
  explicit PgResult(pg_result* result);

  int rows() const;
  // The number of rows an INSERT, UPDATE or DELETE touched.
  int affected() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  double real(int row, int column) const;
  // PostgreSQL's boolean text: 't' or 'f'.
  bool boolean(int row, int column) const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// One connection to a PostgreSQL server (libpq). Not thread safe: one user at a time (PgPool
// hands connections out one thread at a time).
class PgConnection {
 public:
  // Connects to a postgresql:// URL. Throws StoreUnavailable when the server cannot be reached
  // or refuses the login; the message names the server (never the password) and the reason.
  static std::unique_ptr<PgConnection> connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with $1, $2, ... parameters. Throws PgError when the server refuses
  // it, StoreUnavailable when the connection is lost (broken() is true from then on).
  PgResult exec(std::string_view sql, const std::vector<PgParam>& params = {});
  // Runs statements without parameters, separated by semicolons (migrations).
  void exec_script(std::string_view sql);

  // True once the connection was lost; it cannot be used again.
  bool broken() const;
  // Ends an open transaction after a failure, when the connection can still take commands. A
  // failing ROLLBACK is ignored: the failure that led here is the one worth reporting.
  void rollback_after_failure() noexcept;

  // For LISTEN: the socket to wait on, then consume_input() and the notifications that arrived
  // since the last call. consume_input() throws StoreUnavailable on a lost
  // connection.
  int socket() const;
  void consume_input();
  std::vector<PgNotification> take_notifications();

 private:
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}
  [[noreturn]] void throw_failure(pg_result* result, std::string_view sql);

  pg_conn* connection_;
};

}  // namespace bmcp::pgstore
