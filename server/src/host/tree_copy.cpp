#include "host/tree_copy.hpp"

#include <unistd.h>

#include <atomic>
#include <system_error>

namespace bmcp::host {
namespace {

namespace fs = std::filesystem;

std::string failure(std::string_view what, const fs::path& path, const std::error_code& error) {
  return std::string(what) + " " + path.string() + ": " + error.message();
}

Result<void, std::string> copy_tree(const fs::path& source, const fs::path& destination) {
  std::error_code error;
  if (!fs::create_directory(destination, error) && error)
    return Unexpected{failure("cannot create", destination, error)};
  fs::directory_iterator it(source, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const auto name = it->path().filename();
    const auto target = destination / name;
    std::error_code type_error;
    if (it->is_directory(type_error)) {
      if (name == "__pycache__")
        continue;
      if (auto copied = copy_tree(it->path(), target); !copied)
        return copied;
    } else if (!fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, error)) {
      return Unexpected{failure("cannot copy", it->path(), error)};
    }
  }
  if (error)
    return Unexpected{failure("cannot read", source, error)};
  return {};
}

}  // namespace

Result<void, std::string> replace_directory(const fs::path& source, const fs::path& destination) {
  std::error_code error;
  if (!fs::is_directory(source, error))
    return Unexpected{"not a directory: " + source.string()};
  const auto parent = destination.parent_path();
  fs::create_directories(parent, error);
  if (error)
    return Unexpected{failure("cannot create", parent, error)};
  // Unique per process and per call, so that concurrent installs never share a staging tree.
  static std::atomic<unsigned> next_staging{0};
  const auto suffix = "." + std::to_string(::getpid()) + "." + std::to_string(next_staging++);
  const fs::path staging = destination.string() + ".installing" + suffix;
  const fs::path previous = destination.string() + ".previous" + suffix;
  fs::remove_all(staging, error);
  if (auto copied = copy_tree(source, staging); !copied) {
    fs::remove_all(staging, error);
    return copied;
  }
  const bool had_previous = fs::exists(fs::symlink_status(destination, error));
  if (had_previous) {
    fs::remove_all(previous, error);
    fs::rename(destination, previous, error);
    if (error) {
      const auto message = failure("cannot move aside", destination, error);
      fs::remove_all(staging, error);
      return Unexpected{message};
    }
  }
  fs::rename(staging, destination, error);
  if (error) {
    const auto message = failure("cannot move into place", destination, error);
    if (had_previous)
      fs::rename(previous, destination, error);
    fs::remove_all(staging, error);
    return Unexpected{message};
  }
  fs::remove_all(previous, error);
  return {};
}

}  // namespace bmcp::host
