#pragma once

#include <cstddef>
#include <string>

namespace bmcp {

// All randomness comes from the kernel CSPRNG (getrandom). Thread safe.
void random_bytes(void* out, std::size_t size);
// `bytes` random bytes written as 2*bytes lowercase hex characters.
std::string random_hex(std::size_t bytes);
// A canonical lowercase RFC 4122 version-4 uuid (36 characters).
std::string random_uuid4();

}  // namespace bmcp
