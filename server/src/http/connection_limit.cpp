#include "http/connection_limit.hpp"

#include <algorithm>
#include <mutex>

namespace bmcp::http {

struct ConnectionLimit::Counts {
  std::mutex mutex;
  std::size_t serving = 0;
  std::size_t over_limit = 0;
};

std::size_t effective_max_connections(std::optional<std::size_t> configured,
                                      std::uint64_t open_files_limit) {
  const std::uint64_t held_back = kReservedDescriptors + kHealthReserve;
  const std::uint64_t affordable = open_files_limit > held_back ? open_files_limit - held_back : 1;
  // A size_t holds any RLIMIT_NOFILE the kernel allows (at most 2^30 on Linux).
  const auto ceiling = static_cast<std::size_t>(affordable);
  return configured ? std::clamp<std::size_t>(*configured, 1, ceiling) : ceiling;
}

ConnectionLimit::ConnectionLimit(std::size_t max_connections, std::size_t reserve)
    : max_connections_(max_connections), reserve_(reserve), counts_(std::make_shared<Counts>()) {}

ConnectionLimit::Slot ConnectionLimit::admit() {
  const std::lock_guard lock(counts_->mutex);
  if (counts_->serving < max_connections_) {
    ++counts_->serving;
    return Slot(counts_, Admission::kServe);
  }
  if (counts_->over_limit < reserve_) {
    ++counts_->over_limit;
    return Slot(counts_, Admission::kOverLimit);
  }
  return Slot(nullptr, Admission::kRefuse);
}

std::size_t ConnectionLimit::serving() const {
  const std::lock_guard lock(counts_->mutex);
  return counts_->serving;
}

std::size_t ConnectionLimit::over_limit() const {
  const std::lock_guard lock(counts_->mutex);
  return counts_->over_limit;
}

void ConnectionLimit::Slot::release() {
  if (!counts_)
    return;
  {
    const std::lock_guard lock(counts_->mutex);
    if (admission_ == Admission::kServe)
      --counts_->serving;
    else if (admission_ == Admission::kOverLimit)
      --counts_->over_limit;
  }
  counts_.reset();
}

ConnectionLimit::Slot& ConnectionLimit::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    counts_ = std::move(other.counts_);
    admission_ = other.admission_;
  }
  return *this;
}

ConnectionLimit::Slot::~Slot() {
  release();
}

}  // namespace bmcp::http
