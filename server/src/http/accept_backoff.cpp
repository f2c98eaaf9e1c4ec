#include "http/accept_backoff.hpp"

#include <algorithm>

namespace bmcp::http {

std::chrono::milliseconds AcceptBackoff::after_failure() {
  const auto pause = next_;
  next_ = std::min(next_ * 2, longest_);
  return pause;
}

}  // namespace bmcp::http
