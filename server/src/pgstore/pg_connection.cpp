#include "pgstore/pg_connection.hpp"

#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace bmcp::pgstore {

namespace {

// libpq messages end with a newline; ours are one line.
std::string one_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  for (char& c : text) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return text;
}

// The longest an unreachable server may hold up a connection attempt, unless the URL says
// otherwise (its connect_timeout wins: later keywords override earlier ones).
constexpr const char* kConnectTimeoutSeconds = "5";

}  // namespace

PgParam pg_param(std::string_view text) {
  return std::string(text);
}

PgParam pg_param(std::int64_t number) {
  return std::to_string(number);
}

PgParam pg_param(double number) {
  std::array<char, 32> text{};
  const auto written = std::to_chars(text.data(), text.data() + text.size(), number);
  return std::string(text.data(), written.ptr);
}

PgResult::PgResult(pg_result* result) : result_(result) {}

void PgResult::Clear::operator()(pg_result* result) const {
  PQclear(result);
}

int PgResult::rows() const {
  return PQntuples(result_.get());
}

int PgResult::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count != nullptr && *count != '\0' ? std::atoi(count) : 0;
}

bool PgResult::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t PgResult::int64(int row, int column) const {
  const std::string value = text(row, column);
  std::int64_t number = 0;
  const auto parsed = std::from_chars(value.data(), value.data() + value.size(), number);
  if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size()) {
    throw auth::StoreError("PostgreSQL: not an integer: '" + value + "'");
  }
  return number;
}

double PgResult::real(int row, int column) const {
  const std::string value = text(row, column);
  double number = 0;
  const auto parsed = std::from_chars(value.data(), value.data() + value.size(), number);
  if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size()) {
    throw auth::StoreError("PostgreSQL: not a number: '" + value + "'");
  }
  return number;
}

bool PgResult::boolean(int row, int column) const {
  return text(row, column) == "t";
}

std::unique_ptr<PgConnection> PgConnection::connect(const std::string& url) {
  const std::array<const char*, 4> keywords = {"connect_timeout", "application_name", "dbname",
                                               nullptr};
  const std::array<const char*, 4> values = {kConnectTimeoutSeconds, "blender-mcp", url.c_str(),
                                             nullptr};
  pg_conn* connection = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  if (connection == nullptr) {
    throw auth::StoreUnavailable("cannot connect to PostgreSQL: out of memory");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string reason = one_line(PQerrorMessage(connection));
    PQfinish(connection);
    throw auth::StoreUnavailable("cannot connect to PostgreSQL: " + reason);
  }
  auto made = std::unique_ptr<PgConnection>(new PgConnection(connection));
  // Notices (for example "relation already exists, skipping") are not errors; keep them out
  // of stderr.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  return made;
}

PgConnection::~PgConnection() {
  PQfinish(connection_);
}

void PgConnection::rollback_after_failure() noexcept {
  if (broken())
    return;
  try {
    exec("ROLLBACK");
  } catch (...) {
  }
}

bool PgConnection::broken() const {
  return PQstatus(connection_) != CONNECTION_OK;
}

void PgConnection::throw_failure(pg_result* result, std::string_view sql) {
  std::string message = one_line(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (message.empty()) {
    message = one_line(PQerrorMessage(connection_));
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  PQclear(result);
  // Class 08 is "connection exception"; a connection that is no longer OK was lost whatever
  // the code says. Either way the statement's outcome is unknown to the caller.
  if (broken() || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    throw auth::StoreUnavailable("lost the connection to PostgreSQL: " + message);
  }
  const auto first_line = sql.substr(0, sql.find('\n'));
  throw PgError("PostgreSQL refused '" + std::string(first_line.substr(0, 80)) + "': " + message,
                std::move(sqlstate));
}

PgResult PgConnection::exec(std::string_view sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  const std::string statement(sql);
  if (params.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw auth::StoreError("PostgreSQL: too many parameters");
  }
  pg_result* result = PQexecParams(connection_, statement.c_str(), static_cast<int>(params.size()),
                                   nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0);
  const auto status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw_failure(result, sql);
  }
  return PgResult(result);
}

void PgConnection::exec_script(std::string_view sql) {
  const std::string script(sql);
  pg_result* result = PQexec(connection_, script.c_str());
  const auto status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw_failure(result, sql);
  }
  PQclear(result);
}

int PgConnection::socket() const {
  return PQsocket(connection_);
}

void PgConnection::consume_input() {
  if (PQconsumeInput(connection_) == 0 || broken()) {
    throw auth::StoreUnavailable("lost the connection to PostgreSQL: " +
                                 one_line(PQerrorMessage(connection_)));
  }
}

std::vector<PgNotification> PgConnection::take_notifications() {
  std::vector<PgNotification> notifications;
  while (PGnotify* notification = PQnotifies(connection_)) {
    notifications.push_back(PgNotification{notification->relname, notification->extra});
    PQfreemem(notification);
  }
  return notifications;
}

}  // namespace bmcp::pgstore
