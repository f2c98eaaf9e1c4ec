#include "bus/route.hpp"

namespace bmcp::bus {

Route Route::choose(std::string_view target_uuid, std::string_view group_id,
                    std::string_view client_type) {
  if (!target_uuid.empty())
    return {Kind::kDirect, std::string(target_uuid)};
  if (!group_id.empty())
    return {Kind::kGroup, std::string(group_id)};
  if (!client_type.empty())
    return {Kind::kTypeFilter, std::string(client_type)};
  return {};
}

json::object Route::to_json() const {
  switch (kind) {
    case Kind::kDirect:
      return {{"type", "direct"}, {"target_uuid", key}};
    case Kind::kGroup:
      return {{"type", "group"}, {"group_id", key}};
    case Kind::kTypeFilter:
      return {{"type", "type_filter"}, {"client_type", key}};
    case Kind::kBroadcast:
      break;
  }
  return {{"type", "broadcast"}};
}

}  // namespace bmcp::bus
