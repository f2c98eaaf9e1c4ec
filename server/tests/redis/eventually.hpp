#pragma once

#include <chrono>
#include <thread>

namespace bmcp::redis::testing {

// Waits until `done` holds, polling every 5 ms for at most `limit`, and says whether it did:
// what tests on a real redis-server see arrives asynchronously (pub/sub, a node's feed).
template <class Condition>
bool eventually(Condition done, std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace bmcp::redis::testing
