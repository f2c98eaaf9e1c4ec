#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/endpoint.hpp"
#include "bus/offline_hold.hpp"
#include "core/json_text.hpp"

namespace bmcp::bus {

// What a client says about itself when it registers.
struct Registration {
  std::string uuid;
  std::string client_type;
  bool is_persistent = false;
  std::vector<std::string> capabilities;
  std::optional<std::string> group_id;
  // What the client says about where it runs (the add-on: Blender's version string and the
  // host name), for people who look at the console. Not part of the wire ClientInfo, whose
  // keys the contract fixes; absent when the client did not report them.
  std::optional<std::string> blender_version{};
  std::optional<std::string> host{};
};

// 1..128 characters, no whitespace or control characters, not a reserved server origin.
bool is_valid_client_uuid(std::string_view uuid);
// `server:` and `server-dispatch:` uuids are the server's own origins; no client may use them.
// The prefixes match in any letter case (`Server:x`, `SERVER-DISPATCH:x` are refused too), so
// that no client can pose as the server to a peer or a person who reads origins without
// regard to case.
bool is_reserved_origin(std::string_view uuid);
// A reported value (blender_version, host) a registration may carry: absent, or 1 to
// `max_length` bytes without control characters.
bool is_reported_text(const std::optional<std::string>& text, std::size_t max_length);

// One registered client of a bus. Thread safety: none; the owning Bus guards it.
struct Client {
  Registration registration;
  std::uint64_t order = 0;   // registration sequence: listings are sorted by it
  double connected_at = 0;   // Unix seconds of the first registration
  double registered_at = 0;  // Unix seconds of the latest registration
  double last_seen_when_unbound = 0;
  std::shared_ptr<Endpoint> endpoint;  // the bound session; null while the client is offline
  OfflineHold hold;                    // records waiting for an offline persistent client

  // Latest of the last registration and the last request on the bound session.
  double last_seen() const;
  bool online(std::chrono::nanoseconds grace) const;
  // The wire ClientInfo (contract §8.2); the binding is never serialized.
  json::object info(double now, std::chrono::nanoseconds grace) const;
};

// The wire ClientInfo (contract §8.2) of a client in any store.
json::object client_info(const Registration& registration, double connected_at, double last_seen,
                         bool online, double now);

}  // namespace bmcp::bus
