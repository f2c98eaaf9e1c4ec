#include "mcp/protocol_version.hpp"

#include <algorithm>

namespace bmcp::mcp {

bool is_supported_version(std::string_view version) {
  return std::find(kSupportedVersions.begin(), kSupportedVersions.end(), version) !=
         kSupportedVersions.end();
}

std::string negotiate_version(std::string_view requested) {
  return std::string(is_supported_version(requested) ? requested : kLatestVersion);
}

bool has_structured_content(std::string_view negotiated_version) {
  return negotiated_version != "2025-03-26";
}

}  // namespace bmcp::mcp
