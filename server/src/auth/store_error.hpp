#pragma once

#include <stdexcept>

namespace bmcp::auth {

// A user-store failure that is not an expected outcome (I/O error, corruption, a database
// server that refuses a statement). Thrown, like every surprise, by every UserStore
// implementation; SqliteError and the PostgreSQL store's errors derive from it.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The store cannot be reached now (a database server that is down or unreachable). Nothing was
// changed that the caller can observe as done; asking again later may succeed. The HTTP layer
// answers it with 503.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace bmcp::auth
