#include "auth/wal_index_probe.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bmcp::auth {

WalIndexProbe::WalIndexProbe(const std::filesystem::path& database_file) {
  const std::string shm = database_file.string() + "-shm";
  const int fd = ::open(shm.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  struct stat status {};
  if (::fstat(fd, &status) == 0 && status.st_size >= static_cast<off_t>(kHeaderBytes)) {
    const auto bytes = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    void* mapping = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
    if (mapping != MAP_FAILED) {
      mapping_ = mapping;
      mapped_bytes_ = bytes;
      header_ = static_cast<const volatile std::uint32_t*>(mapping);
    }
  }
  ::close(fd);  // the mapping stays valid without the descriptor
}

WalIndexProbe::~WalIndexProbe() {
  if (mapping_ != nullptr)
    ::munmap(mapping_, mapped_bytes_);
}

bool WalIndexProbe::changed() {
  Header now;
  for (std::size_t i = 0; i < now.size(); ++i)
    now[i] = header_[i];  // volatile: read from the shared page every time
  const bool differs = !looked_ || now != last_;
  looked_ = true;
  last_ = now;
  return differs;
}

}  // namespace bmcp::auth
