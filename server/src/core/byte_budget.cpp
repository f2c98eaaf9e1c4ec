#include "core/byte_budget.hpp"

namespace bmcp {

bool ByteBudget::try_charge(std::size_t bytes) {
  std::size_t current = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ || current > limit_ - bytes)
      return false;
  } while (!used_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
  return true;
}

void ByteBudget::release(std::size_t bytes) {
  used_.fetch_sub(bytes, std::memory_order_relaxed);
}

std::optional<ByteCharge> ByteCharge::take(std::shared_ptr<ByteBudget> budget, std::size_t bytes) {
  if (!budget->try_charge(bytes))
    return std::nullopt;
  return ByteCharge(std::move(budget), bytes);
}

ByteCharge::ByteCharge(ByteCharge&& other) noexcept
    : budget_(std::move(other.budget_)), bytes_(other.bytes_) {
  other.bytes_ = 0;
}

ByteCharge& ByteCharge::operator=(ByteCharge&& other) noexcept {
  if (this != &other) {
    reset();
    budget_ = std::move(other.budget_);
    bytes_ = other.bytes_;
    other.bytes_ = 0;
  }
  return *this;
}

void ByteCharge::reset() {
  if (budget_ && bytes_ > 0)
    budget_->release(bytes_);
  budget_.reset();
  bytes_ = 0;
}

}  // namespace bmcp
