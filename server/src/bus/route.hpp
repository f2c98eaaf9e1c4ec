#pragma once

#include <string>
#include <string_view>

#include "core/json_text.hpp"

namespace bmcp::bus {

// How one send picks its recipients (contract §8.4).
struct Route {
  enum class Kind { kDirect, kGroup, kTypeFilter, kBroadcast };
  Kind kind = Kind::kBroadcast;
  std::string key;  // the uuid, group id or client type; empty for broadcast

  // The precedence rule in one place: target_uuid > group_id > client_type > broadcast;
  // empty strings count as absent.
  static Route choose(std::string_view target_uuid, std::string_view group_id,
                      std::string_view client_type);
  static Route direct(std::string uuid) { return {Kind::kDirect, std::move(uuid)}; }
  static Route broadcast() { return {}; }

  // The wire `routing` object, e.g. {"type":"direct","target_uuid":"blender-1"}.
  json::object to_json() const;
};

}  // namespace bmcp::bus
