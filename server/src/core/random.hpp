#pragma once

#include <cstddef>
#include <string>

namespace bmcp {

// All randomness comes from the kernel CSPRNG (getrandom). Thread safe. Small requests (ids,
// tokens, nonces: up to 64 bytes) are served from a per-thread buffer that getrandom fills 512
// bytes at a time, so minting an id is not a system call each time; every byte is handed out
// once and wiped from the buffer as it goes. The process must not fork() and then draw
// randomness in the child without exec (the child would repeat the parent's bytes); it never
// does.
void random_bytes(void* out, std::size_t size);
// `bytes` random bytes written as 2*bytes lowercase hex characters.
std::string random_hex(std::size_t bytes);
// A canonical lowercase RFC 4122 version-4 uuid (36 characters).
std::string random_uuid4();

}  // namespace bmcp
