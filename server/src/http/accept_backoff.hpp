#pragma once

#include <chrono>

namespace bmcp::http {

// The pause of the accept loop after accept() failed for lack of resources (EMFILE, ENFILE,
// ENOBUFS, ENOMEM). Retrying at once would fail again at once and spin: the pause starts at
// `first`, doubles with every further failure up to `longest`, and starts over after an accept
// succeeds. While it lasts, waiting connections stay in the kernel's listen backlog.
// Thread safety: none; the accept loop owns it.
class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{10};
  static constexpr std::chrono::milliseconds kLongest{1000};

  AcceptBackoff() : AcceptBackoff(kFirst, kLongest) {}
  // REQUIRES: 0 < first <= longest.
  AcceptBackoff(std::chrono::milliseconds first, std::chrono::milliseconds longest)
      : first_(first), longest_(longest), next_(first) {}

  // The pause after one more failure.
  std::chrono::milliseconds after_failure();
  // An accept succeeded: the next failure pauses `first` again.
  void reset() { next_ = first_; }

 private:
  const std::chrono::milliseconds first_;
  const std::chrono::milliseconds longest_;
  std::chrono::milliseconds next_;
};

}  // namespace bmcp::http
