// Thin wrappers over POSIX TCP sockets. Errors throw std::runtime_error with errno text.
#pragma once
#include <cstddef>
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

}  // namespace bench
