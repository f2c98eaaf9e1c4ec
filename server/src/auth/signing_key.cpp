#include "auth/signing_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

#include "core/random.hpp"

namespace bmcp::auth {

namespace {

constexpr std::size_t kGeneratedKeyBytes = 32;

Error io_error(const std::filesystem::path& file, int error_number) {
  return make_error(
      ErrorCode::kIo,
      file.string() + ": " + std::error_code(error_number, std::generic_category()).message());
}

std::string trim(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n\f\v";
  const auto begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(kWhitespace);
  return std::string(text.substr(begin, end - begin + 1));
}

// nullopt when the file does not exist.
Result<std::optional<std::string>> read_key_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (ec) {
      return Unexpected{io_error(file, ec.value())};
    }
    return std::optional<std::string>();
  }
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Unexpected{make_error(ErrorCode::kIo, file.string() + " is not a regular file")};
  }
  std::ifstream in(file, std::ios::binary);
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.is_open() || in.bad()) {
    return Unexpected{make_error(ErrorCode::kIo, "cannot read " + file.string())};
  }
  std::string key = trim(content);
  if (key.empty()) {
    return Unexpected{make_error(ErrorCode::kFailedPrecondition,
                                 file.string() + " is empty; delete it to generate a new key")};
  }
  return std::optional<std::string>(std::move(key));
}

}  // namespace

std::string generate_signing_key() {
  std::array<unsigned char, kGeneratedKeyBytes> bytes{};
  random_bytes(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kVariant);
  text.resize(text.find('\0'));
  return text;
}

namespace {

Status write_all_and_sync(int fd, std::string_view text, const std::filesystem::path& file) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Unexpected{io_error(file, errno)};
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::fsync(fd) != 0) {
    return Unexpected{io_error(file, errno)};
  }
  return {};
}

// Writes `key` to a private temporary file, then links it into place: link() fails with
// EEXIST instead of replacing a key another process has just published.
// Returns false when the file already existed.
Result<bool> publish_key(const std::filesystem::path& file, const std::string& key) {
  const std::filesystem::path temp = file.string() + ".tmp." + random_hex(8);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unexpected{io_error(temp, errno)};
  }
  const Status written = write_all_and_sync(fd, key + "\n", temp);
  ::close(fd);
  int link_errno = 0;
  if (written.ok() && ::link(temp.c_str(), file.c_str()) != 0) {
    link_errno = errno;
  }
  ::unlink(temp.c_str());
  if (!written.ok()) {
    return Unexpected{written.error()};
  }
  if (link_errno == EEXIST) {
    return false;
  }
  if (link_errno != 0) {
    return Unexpected{io_error(file, link_errno)};
  }
  return true;
}

}  // namespace

std::optional<std::string> configured_signing_key(const EnvLookup& env) {
  for (const char* name : {"OAUTH_SECRET_KEY", "JWT_SECRET"}) {
    if (auto value = env(name); value && !value->empty()) {
      return value;
    }
  }
  return std::nullopt;
}

Result<std::string> load_or_create_signing_key(const std::optional<std::string>& configured,
                                               const std::filesystem::path& data_dir) {
  if (configured && !configured->empty()) {
    return *configured;
  }
  const auto file = data_dir / kSigningKeyFileName;
  auto existing = read_key_file(file);
  if (!existing) {
    return Unexpected{existing.error()};
  }
  if (*existing) {
    return std::move(**existing);
  }
  if (auto made = ensure_data_dir(data_dir); !made) {
    return Unexpected{made.error()};
  }
  const std::string key = generate_signing_key();
  auto published = publish_key(file, key);
  if (!published) {
    return Unexpected{published.error()};
  }
  if (!*published) {
    return load_or_create_signing_key(std::nullopt, data_dir);  // another process's key
  }
  spdlog::info("generated a new JWT signing key in {}", file.string());
  return key;
}

}  // namespace bmcp::auth
