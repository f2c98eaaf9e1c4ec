#include "bridge/list_merge.hpp"

#include <set>
#include <string>

namespace bmcp::bridge {
namespace {

std::string_view name_of(const json::value& entry) {
  const auto* object = entry.if_object();
  const auto* name = object ? find_string(*object, "name") : nullptr;
  return name ? std::string_view(*name) : std::string_view();
}

const json::value* find_named(const json::array& entries, std::string_view name) {
  for (const auto& entry : entries) {
    if (name_of(entry) == name)
      return &entry;
  }
  return nullptr;
}

}  // namespace

json::array merge_by_name(const json::array& local, const json::array& remote) {
  json::array merged;
  std::set<std::string, std::less<>> taken;
  for (const auto& entry : remote) {
    const auto name = name_of(entry);
    if (!taken.insert(std::string(name)).second)
      continue;
    const auto* own = find_named(local, name);
    merged.push_back(own ? *own : entry);
  }
  for (const auto& entry : local) {
    if (taken.insert(std::string(name_of(entry))).second)
      merged.push_back(entry);
  }
  return merged;
}

}  // namespace bmcp::bridge
