#pragma once

#include <chrono>
#include <cstddef>
#include <iterator>
#include <list>
#include <map>

#include "core/clock.hpp"

namespace bmcp::auth {

// Per-key state that is forgotten `window` after its key was last touched, with at most
// `capacity` keys: beyond it the least recently touched key is forgotten. Keys are kept in
// touch order, so expiry looks only at the keys that expire (no sweep of the whole table).
// Thread safety: none; the owner locks.
template <class Key, class Value>
class RecentKeys {
 public:
  RecentKeys(std::chrono::nanoseconds window, std::size_t capacity)
      : window_(window), capacity_(capacity) {}

  // nullptr when the key is not held.
  Value* find(const Key& key) {
    const auto found = index_.find(key);
    return found == index_.end() ? nullptr : &found->second->value;
  }

  // The key's state (default-constructed when new), now the most recently touched.
  Value& touch(const Key& key, SteadyTime now) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      order_.splice(order_.end(), order_, found->second);
      found->second->touched = now;
      return found->second->value;
    }
    order_.push_back(Node{key, Value{}, now});
    index_.emplace(key, std::prev(order_.end()));
    if (index_.size() > capacity_)
      erase_oldest();
    return order_.back().value;
  }

  void erase(const Key& key) {
    const auto found = index_.find(key);
    if (found == index_.end())
      return;
    order_.erase(found->second);
    index_.erase(found);
  }

  // Forgets every key last touched a whole window ago or earlier.
  void expire(SteadyTime now) {
    while (!order_.empty() && order_.front().touched + window_ <= now)
      erase_oldest();
  }

  std::size_t size() const { return index_.size(); }

 private:
  struct Node {
    Key key;
    Value value;
    SteadyTime touched;
  };

  void erase_oldest() {
    index_.erase(order_.front().key);
    order_.pop_front();
  }

  const std::chrono::nanoseconds window_;
  const std::size_t capacity_;
  std::list<Node> order_;  // least recently touched first
  std::map<Key, typename std::list<Node>::iterator> index_;
};

}  // namespace bmcp::auth
