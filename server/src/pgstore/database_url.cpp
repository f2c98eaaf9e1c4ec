#include "pgstore/database_url.hpp"

namespace bmcp::pgstore {

namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

std::size_t scheme_length(std::string_view url) {
  for (const auto scheme : kSchemes) {
    if (url.substr(0, scheme.size()) == scheme) {
      return scheme.size();
    }
  }
  return 0;
}

}  // namespace

Status check_database_url(std::string_view source, std::string_view url) {
  const std::size_t scheme = scheme_length(url);
  if (scheme == 0) {
    const auto colon = url.find(':');
    const std::string shown = colon == std::string_view::npos
                                  ? "no scheme"
                                  : "'" + std::string(url.substr(0, colon)) + ":'";
    return Unexpected{make_error(
        ErrorCode::kInvalidArgument,
        std::string(source) + " must be a postgresql:// or postgres:// URL, got " + shown)};
  }
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) {
    return Unexpected{make_error(ErrorCode::kInvalidArgument,
                                 std::string(source) + " must not contain whitespace")};
  }
  return {};
}

std::string redacted_url(std::string_view url) {
  const std::size_t scheme = scheme_length(url);
  const auto at = url.find('@', scheme);
  const auto slash = url.find('/', scheme);
  if (scheme == 0 || at == std::string_view::npos ||
      (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  const auto colon = url.find(':', scheme);
  if (colon == std::string_view::npos || colon > at) {
    return std::string(url);
  }
  return std::string(url.substr(0, colon)) + ":***" + std::string(url.substr(at));
}

}  // namespace bmcp::pgstore
