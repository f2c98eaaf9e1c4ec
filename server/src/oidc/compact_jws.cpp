#include "oidc/compact_jws.hpp"

#include "core/base64.hpp"

namespace bmcp::oidc {
namespace {

constexpr std::size_t kMaxTokenBytes = 16 * 1024;

std::optional<json::object> decode_object(std::string_view segment) {
  const auto text = base64url_decode(segment);
  if (!text)
    return std::nullopt;
  auto value = parse_json(*text);
  if (!value || !value->is_object())
    return std::nullopt;
  return std::move(value->as_object());
}

}  // namespace

std::optional<CompactJws> parse_compact_jws(std::string_view token) {
  if (token.size() > kMaxTokenBytes)
    return std::nullopt;
  const auto first = token.find('.');
  if (first == std::string_view::npos)
    return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = decode_object(token.substr(0, first));
  auto payload = decode_object(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature)
    return std::nullopt;
  return CompactJws{std::move(*header), std::move(*payload), std::string(token.substr(0, second)),
                    std::move(*signature)};
}

}  // namespace bmcp::oidc
