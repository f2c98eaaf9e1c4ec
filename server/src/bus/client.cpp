#include "bus/client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "bus/message.hpp"

namespace bmcp::bus {

namespace {

// Lowercase prefixes of the server's own origins (server_origin, dispatch_origin).
constexpr std::array<std::string_view, 2> kReservedPrefixes{"server:", "server-dispatch:"};

bool starts_with_any_case(std::string_view text, std::string_view lowercase_prefix) {
  if (text.size() < lowercase_prefix.size())
    return false;
  return std::equal(
      lowercase_prefix.begin(), lowercase_prefix.end(), text.begin(),
      [](char prefix, char c) { return prefix == std::tolower(static_cast<unsigned char>(c)); });
}

}  // namespace

bool is_reserved_origin(std::string_view uuid) {
  return std::any_of(
      kReservedPrefixes.begin(), kReservedPrefixes.end(),
      [uuid](std::string_view prefix) { return starts_with_any_case(uuid, prefix); });
}

bool is_valid_client_uuid(std::string_view uuid) {
  if (uuid.empty() || uuid.size() > 128 || is_reserved_origin(uuid))
    return false;
  return std::none_of(uuid.begin(), uuid.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F;
  });
}

bool is_reported_text(const std::optional<std::string>& text, std::size_t max_length) {
  if (!text)
    return true;
  if (text->empty() || text->size() > max_length)
    return false;
  return std::none_of(text->begin(), text->end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

double Client::last_seen() const {
  if (!endpoint)
    return last_seen_when_unbound;
  return std::max(registered_at, endpoint->last_request_at());
}

bool Client::online(std::chrono::nanoseconds grace) const {
  return endpoint && endpoint->online(grace);
}

json::object Client::info(double now, std::chrono::nanoseconds grace) const {
  return client_info(registration, connected_at, last_seen(), online(grace), now);
}

json::object client_info(const Registration& registration, double connected_at, double last_seen,
                         bool online, double now) {
  json::array capabilities;
  for (const auto& capability : registration.capabilities)
    capabilities.emplace_back(capability);
  const double ago = std::max(0.0, std::round((now - last_seen) * 10.0) / 10.0);
  json::value group = nullptr;
  if (registration.group_id)
    group = *registration.group_id;
  return {{"uuid", registration.uuid},
          {"client_type", registration.client_type},
          {"is_persistent", registration.is_persistent},
          {"capabilities", std::move(capabilities)},
          {"group_id", std::move(group)},
          {"connected_at", wire_timestamp(connected_at)},
          {"last_seen", wire_timestamp(last_seen)},
          {"online", online},
          {"last_seen_seconds_ago", ago}};
}

}  // namespace bmcp::bus
