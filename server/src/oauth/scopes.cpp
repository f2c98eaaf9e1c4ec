#include "oauth/scopes.hpp"

#include <algorithm>
#include <iterator>

namespace bmcp::oauth {

namespace {

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

std::vector<std::string> supported_scopes() {
  return {std::string(kToolsScope), std::string(kAdminScope)};
}

std::optional<std::vector<std::string>> parse_scope(std::string_view scope) {
  std::vector<std::string> scopes;
  while (!scope.empty()) {
    const auto space = scope.find(' ');
    const auto item = scope.substr(0, space);
    scope = space == std::string_view::npos ? std::string_view{} : scope.substr(space + 1);
    if (item.empty())
      continue;
    if (item != kToolsScope && item != kAdminScope)
      return std::nullopt;
    if (!contains(scopes, item))
      scopes.emplace_back(item);
  }
  if (!contains(scopes, kToolsScope))
    scopes.insert(scopes.begin(), std::string(kToolsScope));
  return scopes;
}

std::vector<std::string> grantable_scopes(const std::vector<std::string>& requested,
                                          const std::vector<std::string>& roles) {
  std::vector<std::string> granted{std::string(kToolsScope)};
  if (contains(requested, kAdminScope) && contains(roles, "admin"))
    granted.emplace_back(kAdminScope);
  return granted;
}

std::vector<std::string> roles_for_scopes(const std::vector<std::string>& roles,
                                          const std::vector<std::string>& scopes) {
  if (contains(scopes, kAdminScope))
    return roles;
  std::vector<std::string> kept;
  std::copy_if(roles.begin(), roles.end(), std::back_inserter(kept),
               [](const std::string& role) { return role != "admin"; });
  return kept;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes)
    out += (out.empty() ? "" : " ") + scope;
  return out;
}

}  // namespace bmcp::oauth
