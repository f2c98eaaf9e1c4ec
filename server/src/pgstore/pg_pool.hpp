#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pgstore/pg_connection.hpp"

namespace bmcp::pgstore {

// Up to `max_connections` connections to one PostgreSQL database, opened when first needed
// and reused. A connection found lost is dropped together with every idle one (they most likely
// lost the same server), so the next caller connects afresh: after a server restart at most
// one statement per caller in flight fails, and the pool reconnects by itself. After a failed
// connection attempt, callers within `kConnectBackoff` fail at once with the same reason
// instead of trying again: an unreachable server then costs one connect timeout per backoff
// period, not one per request (per-request user checks run on I/O threads).
// Thread safety: every method may be called from any thread.
class PgPool {
 public:
  PgPool(std::string url, std::size_t max_connections);

  // Whether a statement may run again on a new connection when the connection it was sent on
  // turns out lost. Only for statements that change nothing: whether a lost write took effect
  // is unknown.
  enum class Retry { kNever, kOnceIfLost };

  // Runs `work(PgConnection&)` on a connection of its own and returns what it returns. Waits
  // while every connection is in use. Throws StoreUnavailable when no connection can be made,
  // and whatever `work` throws.
  template <class Work>
  auto run(Retry retry, Work&& work) {
    for (int attempt = 0;; ++attempt) {
      Lease lease(*this);
      try {
        return work(*lease.connection);
      } catch (const auth::StoreUnavailable&) {
        if (retry == Retry::kNever || attempt > 0 || !lease.connection->broken()) {
          throw;
        }
      }
    }
  }

  const std::string& url() const { return url_; }

  static constexpr std::chrono::milliseconds kConnectBackoff{1000};

 private:
  // Holds one connection for a caller and gives it back (or drops it when lost).
  struct Lease {
    explicit Lease(PgPool& owner) : pool(owner), connection(owner.take()) {}
    ~Lease() { pool.give_back(std::move(connection)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    PgPool& pool;
    std::unique_ptr<PgConnection> connection;
  };

  std::unique_ptr<PgConnection> take();
  void give_back(std::unique_ptr<PgConnection> connection);

  const std::string url_;
  const std::size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t leased_ = 0;  // handed out or being opened
  std::chrono::steady_clock::time_point last_connect_failure_{};
  std::string last_connect_error_;
};

}  // namespace bmcp::pgstore
