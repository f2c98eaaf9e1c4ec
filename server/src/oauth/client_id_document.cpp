#include "oauth/client_id_document.hpp"

#include <boost/json/object.hpp>

#include "core/json_text.hpp"
#include "core/web_text.hpp"

namespace bmcp::oauth {

namespace {

constexpr std::size_t kMaxUrl = 2048;
constexpr std::string_view kHttps = "https://";

}  // namespace

bool is_url_client_id(std::string_view client_id) {
  return client_id.find(':') != std::string_view::npos;
}

std::string client_id_url_problem(std::string_view url) {
  if (url.size() > kMaxUrl)
    return "a client_id URL must be at most 2048 characters";
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return "a client_id URL must not contain whitespace or control characters";
  }
  if (!url.starts_with(kHttps))
    return "a client_id URL must use https";
  if (url.find('#') != std::string_view::npos)
    return "a client_id URL must not have a fragment";
  const auto rest = url.substr(kHttps.size());
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  if (authority.empty() || authority.find('?') != std::string_view::npos)
    return "a client_id URL must name a host";
  if (authority.find('@') != std::string_view::npos)
    return "a client_id URL must not carry user information";
  auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  path = path.substr(0, path.find('?'));
  if (path.size() <= 1)
    return "a client_id URL must have a path (the document's location, not just the host)";
  std::string_view segments = path.substr(1);
  while (true) {
    const auto next = segments.find('/');
    const auto decoded = url_decode(segments.substr(0, next));
    if (!decoded)
      return "a client_id URL must not have a broken percent escape";
    if (*decoded == "." || *decoded == "..")
      return "a client_id URL must not have \".\" or \"..\" path segments";
    if (next == std::string_view::npos)
      break;
    segments.remove_prefix(next + 1);
  }
  return "";
}

Result<ClientMetadata, std::string> read_client_id_document(std::string_view url,
                                                            std::string_view body) {
  const auto parsed = parse_json(body);
  const auto* object = parsed ? parsed->if_object() : nullptr;
  if (object == nullptr)
    return Unexpected{std::string("the document is not a JSON object")};
  const auto* client_id = object->if_contains("client_id");
  if (client_id == nullptr || !client_id->is_string())
    return Unexpected{std::string("the document has no client_id")};
  if (client_id->get_string() != url) {
    // As JSON text: the document may put anything in it, line breaks included.
    return Unexpected{
        "the document's client_id is not its own URL (it says " +
        to_json_text(json::string(std::string_view(client_id->get_string()).substr(0, 200))) + ")"};
  }
  for (const auto* secret : {"client_secret", "client_secret_expires_at"}) {
    if (object->contains(secret))
      return Unexpected{"the document must not carry " + std::string(secret)};
  }
  if (const auto* method = object->if_contains("token_endpoint_auth_method");
      method != nullptr && !(method->is_string() && method->get_string() == "none")) {
    return Unexpected{std::string(
        "token_endpoint_auth_method must be none: this server accepts public clients only")};
  }
  auto metadata = read_client_metadata(body);
  if (!metadata) {
    const auto& problem = metadata.error();
    if (problem.error == "invalid_redirect_uri" &&
        !problem.description.starts_with("redirect_uris"))
      return Unexpected{"redirect_uris: " + problem.description};
    return Unexpected{problem.description};
  }
  return std::move(*metadata);
}

}  // namespace bmcp::oauth
