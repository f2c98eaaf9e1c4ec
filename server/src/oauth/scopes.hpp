#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bmcp::oauth {

// The scopes an OAuth client can be granted, mapped onto the roles of today's accounts:
// kToolsScope uses the Blender tools (the role `user`); kAdminScope adds the admin tools
// (blender_install_addon and the other diagnostics that need the role `admin`).
inline constexpr std::string_view kToolsScope = "blender";
inline constexpr std::string_view kAdminScope = "blender:admin";

// Every scope, in metadata order.
std::vector<std::string> supported_scopes();

// The scopes of a space-separated request; an empty request means kToolsScope. nullopt when
// it names a scope that does not exist.
std::optional<std::vector<std::string>> parse_scope(std::string_view scope);

// The requested scopes the account can hold: kAdminScope only for an account with the role
// `admin`. kToolsScope is always granted.
std::vector<std::string> grantable_scopes(const std::vector<std::string>& requested,
                                          const std::vector<std::string>& roles);

// The roles an access token carries for a grant: the account's roles without `admin` unless
// kAdminScope was granted.
std::vector<std::string> roles_for_scopes(const std::vector<std::string>& roles,
                                          const std::vector<std::string>& scopes);

// Space-separated, as the wire carries scopes.
std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace bmcp::oauth
