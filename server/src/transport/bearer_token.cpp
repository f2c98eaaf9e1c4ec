#include "transport/bearer_token.hpp"

namespace bmcp::transport {

std::optional<std::string_view> parse_bearer_authorization(std::string_view value) {
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !http::iequals(value.substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  auto token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  if (token.empty())
    return std::nullopt;
  return token;
}

std::optional<std::string_view> bearer_token(const http::Headers& headers) {
  const auto value = headers.get("Authorization");
  if (!value)
    return std::nullopt;
  return parse_bearer_authorization(*value);
}

}  // namespace bmcp::transport
