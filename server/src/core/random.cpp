#include "core/random.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace bmcp {

namespace {

void kernel_random_bytes(void* out, std::size_t size) {
  auto* cursor = static_cast<unsigned char*>(out);
  while (size > 0) {
    const ssize_t got = getrandom(cursor, size, 0);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      throw std::runtime_error("getrandom failed");
    }
    cursor += got;
    size -= static_cast<std::size_t>(got);
  }
}

constexpr std::size_t kPoolBytes = 512;
constexpr std::size_t kLargestPooled = 64;

// Bytes from the kernel not yet handed out: pool[used..kPoolBytes).
struct RandomPool {
  std::array<unsigned char, kPoolBytes> bytes{};
  std::size_t used = kPoolBytes;
};

}  // namespace

void random_bytes(void* out, std::size_t size) {
  if (size > kLargestPooled) {
    kernel_random_bytes(out, size);
    return;
  }
  thread_local RandomPool pool;
  if (kPoolBytes - pool.used < size) {
    kernel_random_bytes(pool.bytes.data(), kPoolBytes);
    pool.used = 0;
  }
  unsigned char* taken = pool.bytes.data() + pool.used;
  std::memcpy(out, taken, size);
  std::memset(taken, 0, size);
  pool.used += size;
}

namespace {
std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}
}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  random_bytes(buffer.data(), bytes);
  return to_hex(buffer.data(), bytes);
}

std::string random_uuid4() {
  unsigned char b[16];
  random_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  const std::string hex = to_hex(b, sizeof b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace bmcp
