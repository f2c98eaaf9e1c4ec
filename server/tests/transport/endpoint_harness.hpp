#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../auth/test_support.hpp"
#include "auth/auth_service.hpp"
#include "auth/password_hasher.hpp"
#include "auth/sqlite_user_store.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "http/response_stream.hpp"
#include "http/router.hpp"

namespace bmcp::transport::testing {

// The answer a handler gives, captured without a socket. The handler may answer later and
// from another thread (the auth endpoints answer from the blocking pool): wait() blocks until
// it has answered, or started an event stream.
class AnswerSink final : public http::ResponseStream {
 public:
  void respond(http::HttpResponse response) override {
    std::lock_guard lock(mutex_);
    answer_ = std::move(response);
    ++answers_;
    changed_.notify_all();
  }
  void start_events(http::Headers extra, bool watch_disconnect) override {
    std::lock_guard lock(mutex_);
    event_headers_ = std::move(extra);
    events_started_ = true;
    watched_ = watch_disconnect;
    changed_.notify_all();
  }
  bool push_event(std::shared_ptr<const std::string> frame) override {
    std::lock_guard lock(mutex_);
    if (ended_)
      return false;
    frames_.push_back(*frame);
    return true;
  }
  std::size_t event_room() const override { return std::size_t{1} << 20; }
  std::size_t event_capacity() const override { return std::size_t{1} << 20; }
  void on_drained(std::function<void()>) override {}
  void end() override {
    std::lock_guard lock(mutex_);
    ended_ = true;
  }
  void on_close(std::function<void()> callback) override {
    std::lock_guard lock(mutex_);
    close_callbacks_.push_back(std::move(callback));
  }

  // The full answer; fails the test (empty response with status 0) when none came in 10 s.
  http::HttpResponse wait() {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(10),
                           [&] { return answer_.has_value() || events_started_; }))
      return http::HttpResponse{0, {}, {}};
    return answer_.value_or(http::HttpResponse{0, {}, {}});
  }
  bool events_started() const {
    std::lock_guard lock(mutex_);
    return events_started_;
  }
  bool watched() const {
    std::lock_guard lock(mutex_);
    return watched_;
  }
  int answers() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }
  std::vector<std::string> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  bool ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
  }
  std::optional<std::string> event_header(std::string_view name) const {
    std::lock_guard lock(mutex_);
    const auto value = event_headers_.get(name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
  }
  // What the connection does when the client goes away.
  void close_now() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      callbacks.swap(close_callbacks_);
    }
    for (auto& callback : callbacks)
      callback();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<http::HttpResponse> answer_;
  int answers_ = 0;
  bool events_started_ = false;
  bool watched_ = false;
  bool ended_ = false;
  http::Headers event_headers_;
  std::vector<std::string> frames_;
  std::vector<std::function<void()>> close_callbacks_;
};

inline http::HttpRequest request(std::string method, std::string path, std::string body = {}) {
  http::HttpRequest out;
  out.method = std::move(method);
  out.target = path;
  out.path = std::move(path);
  out.body = std::move(body);
  out.remote_address = "192.0.2.10";
  return out;
}

// Sends `request` through `router` and waits for the answer.
inline http::HttpResponse exchange(const http::Router& router, http::HttpRequest request,
                                   std::shared_ptr<AnswerSink> sink = nullptr) {
  if (!sink)
    sink = std::make_shared<AnswerSink>();
  router.handle(std::move(request), sink);
  return sink->wait();
}

inline json::object body_of(const http::HttpResponse& response) {
  auto parsed = parse_json(response.body);
  return parsed && parsed->is_object() ? parsed->as_object() : json::object{};
}

inline std::string detail_of(const http::HttpResponse& response) {
  const auto body = body_of(response);
  const auto* detail = find_string(body, "detail");
  return detail ? std::string(*detail) : std::string{};
}

inline std::string header_of(const http::HttpResponse& response, std::string_view name) {
  const auto value = response.headers.get(name);
  return value ? std::string(*value) : std::string{};
}

// A real AuthService on a SQLite user store in a temporary directory, with the users `ann`
// and `bob` (password "correct-horse"), on a fake clock.
class AuthFixture {
 public:
  static constexpr std::string_view kPassword = "correct-horse";

  AuthFixture() {
    store_ = open_store();
    service_ = std::make_unique<auth::AuthService>(
        *store_, hasher(), clock_,
        auth::AuthConfig{"transport-test-key", std::chrono::seconds(1800),
                         std::chrono::seconds(86400)});
    for (const char* name : {"ann", "bob"})
      (void)store_->add(auth::UserRecord{name, password_hash(), {"user"}, {"read"}, 0, 0});
  }

  auth::AuthService& service() { return *service_; }
  FakeClock& clock() { return clock_; }

  // A fresh access token of `user`.
  std::string access_token(std::string_view user) {
    auto result = service_->login(user, kPassword, "192.0.2.99");
    return result.ok() ? result->tokens.access_token : std::string{};
  }
  std::string refresh_token(std::string_view user) {
    auto result = service_->login(user, kPassword, "192.0.2.99");
    return result.ok() ? result->tokens.refresh_token : std::string{};
  }

 private:
  std::unique_ptr<auth::UserStore> open_store() {
    auto store = auth::SqliteUserStore::open(dir_.path() / "users.db", clock_);
    return store.ok() ? std::move(store).value() : nullptr;
  }
  // Hashing costs tens of milliseconds: one hasher and one hash for the whole test program.
  static const auth::PasswordHasher& hasher() {
    static const auth::PasswordHasher instance;
    return instance;
  }
  static const std::string& password_hash() {
    static const std::string hash = hasher().hash(kPassword);
    return hash;
  }

  auth::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<auth::UserStore> store_;
  std::unique_ptr<auth::AuthService> service_;
};

}  // namespace bmcp::transport::testing
