// Thin wrappers over POSIX TCP sockets. Errors throw std::runtime_error with errno text.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "url.hpp"

namespace bench {

// A connected TCP socket (TCP_NODELAY set) to url.host:url.port; the caller owns the fd.
int connect_tcp(const HttpUrl& url);
void set_nonblocking(int fd);
void set_blocking(int fd);
// Writes all of `data`, retrying on EINTR/EAGAIN (blocking sockets only).
void write_all(int fd, std::string_view data);
// One read(); returns bytes read, 0 on EOF, -1 with errno EAGAIN on a non-blocking socket.
long read_some(int fd, char* buffer, std::size_t size);

// Asks the kernel to stamp every segment this socket receives (SO_TIMESTAMPNS), so a reader
// can tell when bytes arrived apart from when it woke up to read them.
void enable_arrival_stamps(int fd);
// read_some that also sets *arrived_ns to when the kernel received the last bytes read, on
// the now_ns() clock; the time of the read itself when the socket gave no stamp.
long read_some_stamped(int fd, char* buffer, std::size_t size, std::int64_t* arrived_ns);

}  // namespace bench
