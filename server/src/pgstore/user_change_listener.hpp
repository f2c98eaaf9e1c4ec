#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace bmcp::pgstore {

// A thread with a connection of its own that LISTENs on the users-changed channel and reports
// what it hears. When the connection is lost it reports that, and reconnects every
// `retry_interval` until it succeeds; on_listening is called each time it (re)starts
// listening, after which every change made by anyone is reported through on_user_changed.
// The callbacks run on the listener's thread, one at a time.
class UserChangeListener {
 public:
  struct Callbacks {
    std::function<void()> on_listening;
    std::function<void(const std::string& username)> on_user_changed;
    std::function<void()> on_lost;  // also called before the first successful connection fails
  };

  UserChangeListener(std::string url, Callbacks callbacks,
                     std::chrono::milliseconds retry_interval = std::chrono::seconds(1));
  // Stops the thread (within a quarter of a second) and closes its connection.
  ~UserChangeListener();
  UserChangeListener(const UserChangeListener&) = delete;
  UserChangeListener& operator=(const UserChangeListener&) = delete;

 private:
  void run();
  void listen_until_lost();
  void pause(std::chrono::milliseconds duration) const;

  const std::string url_;
  const Callbacks callbacks_;
  const std::chrono::milliseconds retry_interval_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace bmcp::pgstore
