#include "oauth/first_party_flow.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/web_text.hpp"
#include "oauth/public_url.hpp"
#include "oauth/scopes.hpp"

namespace bmcp::oauth {

namespace {

constexpr std::size_t kStateBytes = 24;
constexpr std::size_t kVerifierBytes = 48;  // 64 characters of base64url: a PKCE verifier

struct FlowCookie {
  std::string state;
  std::string verifier;
};

// <state>.<verifier>.<expires_at>.<signature of the first three>; base64url has no dots.
std::string flow_value(const Signer& signer, const FlowCookie& flow, std::int64_t expires_at) {
  const auto body = flow.state + "." + flow.verifier + "." + std::to_string(expires_at);
  return body + "." + signer.sign(body);
}

std::optional<FlowCookie> read_flow(const Signer& signer, std::string_view value,
                                    std::int64_t now) {
  const auto last = value.rfind('.');
  if (last == std::string_view::npos ||
      !signer.verify(value.substr(0, last), value.substr(last + 1)))
    return std::nullopt;
  const auto body = value.substr(0, last);
  const auto first = body.find('.');
  const auto second = first == std::string_view::npos ? first : body.find('.', first + 1);
  if (second == std::string_view::npos)
    return std::nullopt;
  const auto expiry = body.substr(second + 1);
  std::int64_t expires_at = 0;
  const auto [end, error] =
      std::from_chars(expiry.data(), expiry.data() + expiry.size(), expires_at);
  if (error != std::errc() || end != expiry.data() + expiry.size() || expires_at <= now)
    return std::nullopt;
  return FlowCookie{std::string(body.substr(0, first)),
                    std::string(body.substr(first + 1, second - first - 1))};
}

}  // namespace

std::string_view failure_word(FirstPartyFlow::Failure failure) {
  switch (failure) {
    case FirstPartyFlow::Failure::kBadState:
      return "bad_state";
    case FirstPartyFlow::Failure::kDenied:
      return "denied";
    case FirstPartyFlow::Failure::kRefused:
      return "refused";
    case FirstPartyFlow::Failure::kInvalidCode:
      return "invalid_code";
    case FirstPartyFlow::Failure::kAccountGone:
      return "account_gone";
    case FirstPartyFlow::Failure::kUnavailable:
      return "unavailable";
  }
  return "refused";
}

FirstPartyFlow::FirstPartyFlow(AuthorizationServer& server, const Clock& clock,
                               std::string client_id, std::string_view signing_key,
                               std::string cookie_name, std::chrono::seconds ttl)
    : server_(server),
      clock_(clock),
      client_id_(std::move(client_id)),
      signer_(signing_key, "blender-mcp first-party sign-in"),
      cookie_name_(std::move(cookie_name)),
      ttl_(ttl) {}

std::string FirstPartyFlow::cookie_path() const {
  const auto uri = server_.first_party_redirect_uri(client_id_);
  const auto path = uri.substr(origin_of(uri).size());
  return path.empty() ? "/" : path;
}

std::string FirstPartyFlow::cookie(std::string_view value, std::int64_t max_age) const {
  std::string text = cookie_name_ + "=" + std::string(value) + "; Path=" + cookie_path() +
                     "; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (server_.urls().secure)
    text += "; Secure";
  return text;
}

std::string FirstPartyFlow::clear_cookie() const {
  return cookie("", 0);
}

FirstPartyFlow::Start FirstPartyFlow::start() const {
  const FlowCookie flow{random_secret(kStateBytes), random_secret(kVerifierBytes)};
  const auto urls = server_.urls();
  const auto now = static_cast<std::int64_t>(clock_.unix_seconds());
  const std::string query =
      "response_type=code&client_id=" + url_encode(client_id_) +
      "&redirect_uri=" + url_encode(server_.first_party_redirect_uri(client_id_)) +
      "&code_challenge=" + s256_challenge(flow.verifier) + "&code_challenge_method=S256" +
      "&state=" + flow.state + "&scope=" + url_encode(kToolsScope) +
      "&resource=" + url_encode(urls.resource);
  return Start{urls.authorization_endpoint + "?" + query,
               cookie(flow_value(signer_, flow, now + ttl_.count()), ttl_.count())};
}

Result<auth::UserRecord, FirstPartyFlow::Failure> FirstPartyFlow::finish(
    std::string_view query, std::string_view cookies) const {
  const auto now = static_cast<std::int64_t>(clock_.unix_seconds());
  const auto fields = parse_form(query);
  const auto all_cookies = parse_cookies(cookies);
  const auto cookie = all_cookies.find(cookie_name_);
  const auto flow =
      cookie == all_cookies.end() ? std::nullopt : read_flow(signer_, cookie->second, now);
  if (!fields || !flow || !same_secret(field(*fields, "state"), flow->state) ||
      field(*fields, "iss") != server_.urls().issuer) {
    return Unexpected{Failure::kBadState};
  }
  if (const auto error = field(*fields, "error"); !error.empty())
    return Unexpected{error == "access_denied" ? Failure::kDenied : Failure::kRefused};
  try {
    auto user = server_.redeem_first_party_code(client_id_, field(*fields, "code"),
                                                server_.first_party_redirect_uri(client_id_),
                                                flow->verifier);
    if (!user) {
      spdlog::info("oauth: first-party sign-in of {} refused: {}", client_id_,
                   user.error().description);
      return Unexpected{user.error().kind == CodeRefusal::Kind::kAccountGone
                            ? Failure::kAccountGone
                            : Failure::kInvalidCode};
    }
    return std::move(*user);
  } catch (const auth::StoreUnavailable&) {
    return Unexpected{Failure::kUnavailable};
  }
}

}  // namespace bmcp::oauth
