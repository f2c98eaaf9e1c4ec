#include "http/server_stats.hpp"

namespace bmcp::http {

void ServerStats::count_response(int status) noexcept {
  if (status < kLowestStatus || status > kHighestStatus)
    return;
  responses_[static_cast<std::size_t>(status - kLowestStatus)].fetch_add(1,
                                                                         std::memory_order_relaxed);
}

std::uint64_t ServerStats::responses(int status) const noexcept {
  if (status < kLowestStatus || status > kHighestStatus)
    return 0;
  return responses_[static_cast<std::size_t>(status - kLowestStatus)].load(
      std::memory_order_relaxed);
}

}  // namespace bmcp::http
