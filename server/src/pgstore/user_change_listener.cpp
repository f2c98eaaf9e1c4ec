#include "pgstore/user_change_listener.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <cerrno>

#include "pgstore/pg_connection.hpp"
#include "pgstore/postgres_schema.hpp"

namespace bmcp::pgstore {

namespace {

// How often the thread looks at stopping_ while it waits.
constexpr int kPollMilliseconds = 250;

}  // namespace

UserChangeListener::UserChangeListener(std::string url, Callbacks callbacks,
                                       std::chrono::milliseconds retry_interval)
    : url_(std::move(url)), callbacks_(std::move(callbacks)), retry_interval_(retry_interval) {
  thread_ = std::thread([this] { run(); });
}

UserChangeListener::~UserChangeListener() {
  stopping_ = true;
  thread_.join();
}

void UserChangeListener::pause(std::chrono::milliseconds duration) const {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void UserChangeListener::run() {
  bool reported_loss = false;
  while (!stopping_) {
    try {
      listen_until_lost();
      reported_loss = false;
    } catch (const std::exception& error) {
      if (!reported_loss) {
        spdlog::warn("user change notifications stopped ({}); retrying every {} ms", error.what(),
                     retry_interval_.count());
        reported_loss = true;
      }
    }
    if (!stopping_) {
      callbacks_.on_lost();
      pause(retry_interval_);
    }
  }
}

// Returns only when stopping; throws when the connection cannot be made or is lost.
void UserChangeListener::listen_until_lost() {
  const auto connection = PgConnection::connect(url_);
  connection->exec(std::string("LISTEN ") + kUsersChangedChannel);
  callbacks_.on_listening();
  while (!stopping_) {
    pollfd watched{connection->socket(), POLLIN, 0};
    const int ready = ::poll(&watched, 1, kPollMilliseconds);
    if (ready < 0 && errno != EINTR) {
      throw auth::StoreUnavailable("poll on the PostgreSQL connection failed");
    }
    if (ready > 0) {
      connection->consume_input();
      for (const auto& notification : connection->take_notifications()) {
        callbacks_.on_user_changed(notification.payload);
      }
    }
  }
}

}  // namespace bmcp::pgstore
