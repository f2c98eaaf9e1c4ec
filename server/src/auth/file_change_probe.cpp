#include "auth/file_change_probe.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bmcp::auth {

namespace {

std::int64_t nanoseconds(const timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

}  // namespace

FileChangeProbe::FileChangeProbe(std::vector<std::filesystem::path> files) {
  files_.reserve(files.size());
  for (auto& path : files) {
    files_.push_back(Watched{std::move(path), -1, Signature{}});
  }
}

FileChangeProbe::~FileChangeProbe() {
  for (const auto& file : files_) {
    if (file.fd >= 0) {
      ::close(file.fd);
    }
  }
}

FileChangeProbe::Signature FileChangeProbe::read(Watched& file) {
  struct stat status {};
  bool found = file.fd >= 0 && ::fstat(file.fd, &status) == 0 && status.st_nlink > 0;
  if (!found) {
    if (file.fd >= 0) {
      ::close(file.fd);  // unlinked or replaced: look the path up again
    }
    file.fd = ::open(file.path.c_str(), O_PATH | O_CLOEXEC);
    found = file.fd >= 0 && ::fstat(file.fd, &status) == 0;
  }
  if (!found) {
    return Signature{};  // missing (or unreadable): a state of its own
  }
  return Signature{true,
                   static_cast<std::uint64_t>(status.st_dev),
                   static_cast<std::uint64_t>(status.st_ino),
                   static_cast<std::int64_t>(status.st_size),
                   nanoseconds(status.st_mtim),
                   nanoseconds(status.st_ctim)};
}

bool FileChangeProbe::changed() {
  bool differs = !looked_;
  looked_ = true;
  for (auto& file : files_) {
    const Signature now = read(file);
    if (!(now == file.last)) {
      file.last = now;
      differs = true;
    }
  }
  return differs;
}

}  // namespace bmcp::auth
