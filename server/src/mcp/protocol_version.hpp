#pragma once

#include <array>
#include <string>
#include <string_view>

namespace bmcp::mcp {

inline constexpr std::array<std::string_view, 3> kSupportedVersions = {"2025-11-25", "2025-06-18",
                                                                       "2025-03-26"};
inline constexpr std::string_view kLatestVersion = kSupportedVersions[0];

bool is_supported_version(std::string_view version);
// The requested version when supported, else the latest (the client may then disconnect).
std::string negotiate_version(std::string_view requested);
// structuredContent in tool results exists from 2025-06-18 on.
bool has_structured_content(std::string_view negotiated_version);

}  // namespace bmcp::mcp
