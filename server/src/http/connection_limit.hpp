#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace bmcp::http {

// Descriptors kept out of the connection budget for everything else the process opens: the
// listener, epoll and timer descriptors, SQLite's files, pipes to Blender child processes.
constexpr std::uint64_t kReservedDescriptors = 64;
// Connections accepted beyond the limit whose only use is GET /health (see ConnectionLimit).
constexpr std::size_t kHealthReserve = 16;

// The number of connections served normally: `configured` when given, else as many as the
// descriptor limit allows, and never more than that: open_files_limit - kReservedDescriptors -
// kHealthReserve, at least 1. `open_files_limit` is the soft RLIMIT_NOFILE.
std::size_t effective_max_connections(std::optional<std::size_t> configured,
                                      std::uint64_t open_files_limit);

// Admission of accepted connections. Up to `max_connections` are served normally; the next
// `reserve` ones are over the limit (the server reads one request from each with a short
// timeout, serves it only when it is GET /health and answers 503 otherwise), and anything
// beyond is closed at once. So the process does not run out of descriptors through
// connections, and /health stays answerable while a flood holds every normal place.
// Thread safety: every method may be called from any thread; a Slot may be destroyed on any
// thread, also after the ConnectionLimit itself.
class ConnectionLimit {
 public:
  enum class Admission { kServe, kOverLimit, kRefuse };

 private:
  struct Counts;

 public:
  // Holds one place until destroyed; a refused slot holds none.
  class Slot {
   public:
    Slot(Slot&&) noexcept = default;
    Slot& operator=(Slot&&) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

    Admission admission() const { return admission_; }

   private:
    friend class ConnectionLimit;
    Slot(std::shared_ptr<Counts> counts, Admission admission)
        : counts_(std::move(counts)), admission_(admission) {}
    void release();

    std::shared_ptr<Counts> counts_;
    Admission admission_;
  };

  ConnectionLimit(std::size_t max_connections, std::size_t reserve);

  // Takes a place for a newly accepted connection.
  Slot admit();

  std::size_t max_connections() const { return max_connections_; }
  std::size_t reserve() const { return reserve_; }
  std::size_t serving() const;
  std::size_t over_limit() const;

 private:
  const std::size_t max_connections_;
  const std::size_t reserve_;
  std::shared_ptr<Counts> counts_;
};

}  // namespace bmcp::http
