#pragma once

#include <optional>
#include <string_view>

#include "console/web.hpp"

namespace bmcp::console {

// The console's page and its stylesheet, script and icon, built into the binary.
struct Asset {
  std::string_view name;
  std::string_view content_type;
  std::string_view bytes;
};

// The asset of that file name, nullopt for any other name (no paths: names only).
std::optional<Asset> find_asset(std::string_view name);
// The asset with its content type, the console's security headers and no caching (a new
// binary may bring new assets under the same names).
WebReply asset_reply(const Asset& asset);

}  // namespace bmcp::console
