#include "console/assets.hpp"

#include "console/embedded_files.hpp"

namespace bmcp::console {
namespace {

std::string_view content_type_of(std::string_view name) {
  const auto ends_with = [name](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html"))
    return "text/html; charset=utf-8";
  if (ends_with(".css"))
    return "text/css; charset=utf-8";
  if (ends_with(".js"))
    return "text/javascript; charset=utf-8";
  if (ends_with(".svg"))
    return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<Asset> find_asset(std::string_view name) {
  for (const auto& file : embedded_files()) {
    if (file.name == name)
      return Asset{file.name, content_type_of(file.name), file.bytes};
  }
  return std::nullopt;
}

WebReply asset_reply(const Asset& asset) {
  WebReply reply;
  reply.headers.emplace_back("Content-Type", std::string(asset.content_type));
  reply.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(reply);
  reply.body = std::string(asset.bytes);
  return reply;
}

}  // namespace bmcp::console
