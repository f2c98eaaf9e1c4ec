#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

namespace bmcp {

// A bound on bytes held on behalf of one owner (for example one user's queued and held bus
// records). Holders charge what they keep and release it when they let go; a charge that would
// pass the limit is refused and changes nothing.
// Thread safety: all methods are safe from any thread (lock-free).
class ByteBudget {
 public:
  explicit ByteBudget(std::size_t limit) : limit_(limit) {}
  ByteBudget(const ByteBudget&) = delete;
  ByteBudget& operator=(const ByteBudget&) = delete;

  // Adds `bytes` when the total stays within the limit; false (nothing charged) otherwise.
  bool try_charge(std::size_t bytes);
  // Gives back bytes charged earlier.
  void release(std::size_t bytes);

  std::size_t used() const { return used_.load(std::memory_order_relaxed); }
  std::size_t limit() const { return limit_; }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

// Bytes charged to a budget, released when the charge is destroyed or reset. Move-only.
class ByteCharge {
 public:
  ByteCharge() = default;
  // The charge, or nullopt (nothing charged) when the budget has no room for `bytes`.
  static std::optional<ByteCharge> take(std::shared_ptr<ByteBudget> budget, std::size_t bytes);

  ByteCharge(ByteCharge&& other) noexcept;
  ByteCharge& operator=(ByteCharge&& other) noexcept;
  ByteCharge(const ByteCharge&) = delete;
  ByteCharge& operator=(const ByteCharge&) = delete;
  ~ByteCharge() { reset(); }

  // Releases the bytes now.
  void reset();
  std::size_t bytes() const { return bytes_; }

 private:
  ByteCharge(std::shared_ptr<ByteBudget> budget, std::size_t bytes)
      : budget_(std::move(budget)), bytes_(bytes) {}

  std::shared_ptr<ByteBudget> budget_;
  std::size_t bytes_ = 0;
};

}  // namespace bmcp
