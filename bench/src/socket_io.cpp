#include "socket_io.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "clock.hpp"

namespace bench {

namespace {
std::runtime_error os_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}
}  // namespace

int connect_tcp(const HttpUrl& url) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(url.port);
  if (int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error("cannot resolve " + url.host + ": " + gai_strerror(rc));
  int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) {
    freeaddrinfo(found);
    throw os_error("socket");
  }
  int rc = connect(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    throw os_error("connect to " + url.host_header());
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
    throw os_error("fcntl O_NONBLOCK");
}

void set_blocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
    throw os_error("fcntl ~O_NONBLOCK");
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      throw os_error("send");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

long read_some(int fd, char* buffer, std::size_t size) {
  for (;;) {
    ssize_t n = ::recv(fd, buffer, size, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      throw os_error("recv");
    return static_cast<long>(n);
  }
}

void enable_arrival_stamps(int fd) {
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
    throw os_error("setsockopt SO_TIMESTAMPNS");
}

long read_some_stamped(int fd, char* buffer, std::size_t size, std::int64_t* arrived_ns) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  for (;;) {
    iovec data{buffer, size};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd, &message, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      throw os_error("recvmsg");
    // The stamp is wall-clock time: measure how long ago it was on the same clock, then
    // take that from the monotonic now.
    timespec wall{};
    clock_gettime(CLOCK_REALTIME, &wall);
    std::int64_t now = now_ns();
    *arrived_ns = now;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
        continue;
      timespec stamp{};
      std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      std::int64_t ago = (static_cast<std::int64_t>(wall.tv_sec) - stamp.tv_sec) * 1'000'000'000 +
                         (wall.tv_nsec - stamp.tv_nsec);
      if (ago >= 0)
        *arrived_ns = now - ago;
    }
    return static_cast<long>(n);
  }
}

}  // namespace bench
