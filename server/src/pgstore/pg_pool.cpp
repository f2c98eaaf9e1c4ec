#include "pgstore/pg_pool.hpp"

namespace bmcp::pgstore {

PgPool::PgPool(std::string url, std::size_t max_connections)
    : url_(std::move(url)), max_connections_(max_connections == 0 ? 1 : max_connections) {}

std::unique_ptr<PgConnection> PgPool::take() {
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty() || leased_ < max_connections_; });
    if (!idle_.empty()) {
      ++leased_;
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    if (!last_connect_error_.empty() &&
        std::chrono::steady_clock::now() - last_connect_failure_ < kConnectBackoff) {
      throw auth::StoreUnavailable(last_connect_error_);
    }
    ++leased_;
  }
  // Connect outside the lock: an unreachable server must not hold up the other callers'
  // idle connections.
  try {
    auto connection = PgConnection::connect(url_);
    std::lock_guard lock(mutex_);
    last_connect_error_.clear();
    return connection;
  } catch (const auth::StoreUnavailable& error) {
    {
      std::lock_guard lock(mutex_);
      --leased_;
      last_connect_failure_ = std::chrono::steady_clock::now();
      last_connect_error_ = error.what();
    }
    available_.notify_one();
    throw;
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      --leased_;
    }
    available_.notify_one();
    throw;
  }
}

void PgPool::give_back(std::unique_ptr<PgConnection> connection) {
  std::vector<std::unique_ptr<PgConnection>> dropped;
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (connection->broken()) {
      dropped = std::move(idle_);
      idle_.clear();
      dropped.push_back(std::move(connection));
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  available_.notify_all();
  // `dropped` closes its connections here, outside the lock.
}

}  // namespace bmcp::pgstore
