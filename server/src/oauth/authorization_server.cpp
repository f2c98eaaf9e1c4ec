#include "oauth/authorization_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/object.hpp>
#include <cctype>

#include "core/web_text.hpp"
#include "oauth/client_id_document.hpp"
#include "oauth/metadata.hpp"
#include "oauth/pages.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/replies.hpp"
#include "oauth/scopes.hpp"
#include "oauth/secrets.hpp"

namespace bmcp::oauth {

namespace {

// The parameters of an authorization request that the pages carry from form to form.
constexpr std::string_view kRequestFields[] = {
    "response_type",         "client_id", "redirect_uri", "code_challenge",
    "code_challenge_method", "state",     "scope",        "resource"};

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kClientIdBytes = 18;

// RFC 6750 section 3: error_description is %x20-21 / %x23-5B / %x5D-7E (no quote, no
// backslash, printable ASCII only).
std::string challenge_text(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\')
      c = ' ';
  }
  return out;
}

std::string host_of(std::string_view uri) {
  const auto origin = origin_of(uri);
  const auto scheme_end = origin.find("://");
  return scheme_end == std::string::npos ? origin : origin.substr(scheme_end + 3);
}

// Adds the security headers of every page: a CSP that allows only the page's own inline style
// (by nonce) and form posts to itself and to `redirect_origin`, no framing, no referrer to other
// origins, no caching. The referrer policy is same-origin, not no-referrer: under no-referrer a
// browser sends "Origin: null" with the page's own form posts, which the origin guard refuses.
WebReply page_reply(int status, std::string body, std::string_view nonce,
                    std::string_view redirect_origin) {
  std::string form_action = "'self'";
  if (!redirect_origin.empty())
    form_action += " " + std::string(redirect_origin);
  WebReply reply{
      status,
      {{"Content-Type", "text/html; charset=utf-8"},
       {"Content-Security-Policy", "default-src 'none'; style-src 'nonce-" + std::string(nonce) +
                                       "'; form-action " + form_action +
                                       "; frame-ancestors 'none'; base-uri 'none'"},
       {"X-Frame-Options", "DENY"},
       {"X-Content-Type-Options", "nosniff"},
       {"Referrer-Policy", "same-origin"},
       {"Cache-Control", "no-store"}},
      std::move(body)};
  return reply;
}

WebReply error_page_reply(int status, std::string_view title, std::string_view detail) {
  const auto nonce = random_secret(16);
  return page_reply(status, error_page(title, detail, nonce), nonce, "");
}

std::string with_query(std::string_view uri, std::string_view query) {
  return std::string(uri) + (uri.find('?') == std::string_view::npos ? "?" : "&") +
         std::string(query);
}

WebReply redirect(std::string location) {
  return WebReply{303, {{"Location", std::move(location)}, {"Cache-Control", "no-store"}}, ""};
}

}  // namespace

// An authorization request that passed every check.
struct AuthorizationServer::Checked {
  auth::OAuthClient client;
  std::string redirect_uri;
  std::string state;
  std::string code_challenge;
  std::vector<std::string> scopes;  // requested
  std::string resource;
  FormFields carried;  // the request's parameters, for the next form
};

AuthorizationServer::AuthorizationServer(auth::AuthService& auth, auth::UserStore& users,
                                         auth::OAuthStore& store, const Clock& clock,
                                         std::string_view signing_key,
                                         AuthorizationServerOptions options,
                                         ClientDocuments* documents)
    : auth_(auth),
      users_(users),
      store_(store),
      clock_(clock),
      options_(options),
      browser_(signing_key),
      documents_(documents) {}

void AuthorizationServer::set_base_url(std::string_view base) {
  auto urls = server_urls(base);
  auth_.set_audience(urls.resource);
  const std::lock_guard lock(urls_mutex_);
  urls_ = std::move(urls);
}

ServerUrls AuthorizationServer::urls() const {
  const std::lock_guard lock(urls_mutex_);
  return urls_;
}

std::optional<auth::OAuthClient> AuthorizationServer::first_party_client(
    std::string_view client_id) const {
  for (const auto& client : options_.first_party) {
    if (client.client_id == client_id) {
      return auth::OAuthClient{
          client.client_id, client.client_name, {urls().issuer + client.redirect_path}, "", 0};
    }
  }
  return std::nullopt;
}

std::string AuthorizationServer::first_party_redirect_uri(std::string_view client_id) const {
  const auto client = first_party_client(client_id);
  return client ? client->redirect_uris.front() : std::string{};
}

std::int64_t AuthorizationServer::now() const {
  return static_cast<std::int64_t>(clock_.unix_seconds());
}

WebReply AuthorizationServer::protected_resource_metadata() const {
  return json_reply(200, oauth::protected_resource_metadata(urls(), options_.external_issuer),
                    "max-age=300");
}

WebReply AuthorizationServer::authorization_server_metadata() const {
  return json_reply(200, oauth::authorization_server_metadata(urls(), documents_ != nullptr),
                    "max-age=300");
}

std::string AuthorizationServer::www_authenticate(std::string_view refusal) const {
  const auto url = urls().resource_metadata;
  if (!refusal.empty()) {
    return "Bearer error=\"invalid_token\", error_description=\"" + challenge_text(refusal) +
           "\", resource_metadata=\"" + url + "\"";
  }
  return "Bearer resource_metadata=\"" + url + "\", scope=\"" + std::string(kToolsScope) + "\"";
}

std::string AuthorizationServer::insufficient_scope(std::string_view scope) const {
  return "Bearer error=\"insufficient_scope\", scope=\"" + std::string(scope) +
         "\", resource_metadata=\"" + urls().resource_metadata + "\"";
}

int AuthorizationServer::purge_expired() {
  return store_.purge_expired(now());
}

WebReply AuthorizationServer::authorize(const WebRequest& request) {
  const bool post = request.method == "POST";
  if (post && !is_form(request.content_type)) {
    return error_page_reply(400, "Bad request",
                            "The form must be sent as application/x-www-form-urlencoded.");
  }
  const auto fields = parse_form(post ? request.body : request.query);
  if (!fields) {
    return error_page_reply(400, "Bad request",
                            "The request's parameters cannot be read (a broken escape or a "
                            "parameter given twice).");
  }
  // Until the client and its redirect URI are known, nothing may redirect: an error page.
  const auto client_id = field(*fields, "client_id");
  // A built-in client is looked up first: no stored row can stand in for it.
  std::optional<auth::OAuthClient> client = first_party_client(client_id);
  if (!client && is_url_client_id(client_id)) {
    if (documents_ == nullptr) {
      return error_page_reply(400, "Unknown application",
                              "This server does not accept client_id URLs (client metadata "
                              "documents). Ask the application to register instead.");
    }
    auto described = documents_->client(client_id);
    if (!described) {
      // Quoted as JSON text: the client_id may hold anything, line breaks included.
      spdlog::info("oauth: client_id {} refused: {}",
                   to_json_text(json::string(client_id.substr(0, 300))), described.error());
      return error_page_reply(400, "Application refused",
                              "The application's client_id " + std::string(client_id) +
                                  " cannot be used: " + described.error() + ".");
    }
    client = std::move(*described);
  }
  try {
    if (!client_id.empty() && !client)
      client = store_.find_client(client_id);
  } catch (const auth::StoreUnavailable&) {
    return error_page_reply(503, "Try again shortly", "The store cannot be reached right now.");
  }
  if (!client) {
    return error_page_reply(400, "Unknown application",
                            client_id.empty() ? "The request names no client_id."
                                              : "No application is registered with this "
                                                "client_id. Ask the application to register "
                                                "again.");
  }
  std::string redirect_uri(field(*fields, "redirect_uri"));
  if (redirect_uri.empty() && client->redirect_uris.size() == 1)
    redirect_uri = client->redirect_uris.front();
  if (redirect_uri.empty() || !redirect_uri_matches(redirect_uri, client->redirect_uris)) {
    return error_page_reply(400, "Wrong redirect address",
                            "The redirect_uri is missing or is not one this application "
                            "registered, so this server will not send you there.");
  }
  const auto urls = this->urls();
  const std::string state(field(*fields, "state"));
  auto fail = [&](std::string_view error, std::string_view description) {
    std::string query =
        "error=" + url_encode(error) + "&error_description=" + url_encode(description);
    if (!state.empty())
      query += "&state=" + url_encode(state);
    query += "&iss=" + url_encode(urls.issuer);
    return redirect(with_query(redirect_uri, query));
  };
  if (field(*fields, "response_type") != "code")
    return fail("unsupported_response_type", "response_type must be code");
  const auto challenge = field(*fields, "code_challenge");
  if (challenge.empty())
    return fail("invalid_request", "code_challenge is required (PKCE with S256)");
  if (field(*fields, "code_challenge_method") != "S256")
    return fail("invalid_request", "code_challenge_method must be S256");
  if (challenge.size() != 43 || !valid_pkce_text(challenge))
    return fail("invalid_request", "code_challenge is not an S256 challenge");
  const auto resource = field(*fields, "resource");
  if (resource.empty())
    return fail("invalid_target", "resource is required (RFC 8707): " + urls.resource);
  if (resource != urls.resource && resource != urls.resource + "/")
    return fail("invalid_target", "resource is not this server's: " + urls.resource);
  const auto scopes = parse_scope(field(*fields, "scope"));
  if (!scopes)
    return fail("invalid_scope", "scope names a scope this server does not have");

  Checked checked{*client, redirect_uri, state, std::string(challenge), *scopes, urls.resource, {}};
  for (const auto name : kRequestFields) {
    if (const auto found = fields->find(name); found != fields->end())
      checked.carried.emplace(found->first, found->second);
  }
  return authorize_checked(request, checked);
}

WebReply AuthorizationServer::authorize_checked(const WebRequest& request, const Checked& checked) {
  const auto urls = this->urls();
  const auto cookies = parse_cookies(request.cookies);
  const auto cookie = [&cookies](std::string_view name) {
    const auto found = cookies.find(name);
    return found == cookies.end() ? std::string{} : found->second;
  };
  const ClientShown shown{
      checked.client.client_name.empty() ? checked.client.client_id : checked.client.client_name,
      host_of(checked.redirect_uri),
      is_url_client_id(checked.client.client_id) ? host_of(checked.client.client_id) : ""};
  const auto redirect_origin = origin_of(checked.redirect_uri);
  const auto nonce = random_secret(16);

  std::string csrf_value = cookie(BrowserSessions::kCsrfCookie);
  std::vector<std::string> set_cookies;
  if (csrf_value.empty() || csrf_value.size() > 64) {
    csrf_value = BrowserSessions::new_csrf_value();
    set_cookies.push_back(
        BrowserSessions::set_cookie(BrowserSessions::kCsrfCookie, csrf_value, urls.secure, 0));
  }
  const PageForm form{checked.carried, browser_.csrf_token(csrf_value)};
  auto page = [&](int status, std::string body) {
    auto reply = page_reply(status, std::move(body), nonce, redirect_origin);
    for (auto& set : set_cookies)
      reply.headers.emplace_back("Set-Cookie", set);
    return reply;
  };
  // Back to the client with `query` (a code or an error), its state and this issuer.
  auto back_to_client = [&](std::string query) {
    if (!checked.state.empty())
      query += "&state=" + url_encode(checked.state);
    query += "&iss=" + url_encode(urls.issuer);
    auto reply = redirect(with_query(checked.redirect_uri, query));
    for (auto& set : set_cookies)
      reply.headers.emplace_back("Set-Cookie", set);
    return reply;
  };
  // The signed-in account of this browser, if its cookie is valid and the account unchanged.
  auto signed_in = [&]() -> std::optional<auth::UserRecord> {
    const auto session = browser_.read_session(cookie(BrowserSessions::kSessionCookie), now());
    if (!session)
      return std::nullopt;
    auto user = users_.find(session->username);
    if (!user || user->uid != session->uid)
      return std::nullopt;
    return std::move(*user);
  };
  // The redirect back to the client with a new code for `user` (the consent given).
  auto grant_code = [&](const auth::UserRecord& user) {
    const auto code = random_secret(kSecretBytes);
    auth::AuthorizationCode record{
        secret_digest(code),
        auth::OAuthGrant{random_secret(kSecretBytes), checked.client.client_id, user.username,
                         user.uid, grantable_scopes(checked.scopes, user.roles), checked.resource},
        checked.redirect_uri, checked.code_challenge, now() + options_.code_ttl.count()};
    if (auto added = store_.add_code(record); !added)
      throw auth::StoreError(added.error().message);
    spdlog::info("oauth: {} allowed client {} ({})", user.username, checked.client.client_id,
                 shown.name);
    return back_to_client("code=" + url_encode(code));
  };
  // A built-in client is this server's own page: nothing to consent to, the code goes at once.
  const bool first_party = first_party_client(checked.client.client_id).has_value();
  auto consent = [&](const auth::UserRecord& user) {
    if (first_party)
      return grant_code(user);
    return page(200, consent_page(form, shown, user.username,
                                  grantable_scopes(checked.scopes, user.roles), nonce));
  };

  try {
    if (request.method != "POST") {
      // A browser arriving from another site does not send SameSite=Strict cookies; one
      // same-origin reload (no script: a meta refresh) lets a signed-in person skip the form.
      if (request.fetch_site == "cross-site" || request.fetch_site == "same-site") {
        const auto target = "/authorize?" + request.query;
        auto reply = page(200,
                          "<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" "
                          "content=\"0;url=" +
                              html_escape(target) +
                              "\"><title>blender-mcp</title></head><body></body></html>\n");
        return reply;
      }
      if (const auto user = signed_in())
        return consent(*user);
      return page(200, login_page(form, shown, "", nonce));
    }

    const auto fields = parse_form(request.body).value_or(FormFields{});
    if (!browser_.csrf_matches(cookie(BrowserSessions::kCsrfCookie), field(fields, "csrf_token"))) {
      return error_page_reply(403, "Form refused",
                              "This form did not come from this server's page, or it expired. "
                              "Start again from the application.");
    }
    const auto action = field(fields, "action");
    if (action == "login") {
      auto user = auth_.check_password(field(fields, "username"), field(fields, "password"),
                                       request.client_address);
      if (!user) {
        const auto& failure = user.error();
        switch (failure.kind) {
          case auth::AuthFailure::Kind::kRateLimited: {
            auto reply =
                page(429, login_page(form, shown,
                                     "Too many failed sign-in attempts. Try again in " +
                                         std::to_string(failure.retry_after.count()) + " seconds.",
                                     nonce));
            reply.headers.emplace_back(
                "Retry-After", std::to_string(std::max<long>(1, failure.retry_after.count())));
            return reply;
          }
          case auth::AuthFailure::Kind::kBadRequest:
            return page(400, login_page(form, shown, "Enter a username and a password.", nonce));
          case auth::AuthFailure::Kind::kUnavailable:
            return error_page_reply(503, "Try again shortly",
                                    "The user store cannot be reached right now.");
          case auth::AuthFailure::Kind::kUnauthorized:
            break;
        }
        return page(401, login_page(form, shown, "Wrong username or password.", nonce));
      }
      const auto expires = now() + options_.browser_session_ttl.count();
      set_cookies.push_back(
          BrowserSessions::set_cookie(BrowserSessions::kSessionCookie,
                                      browser_.session_value({user->username, user->uid}, expires),
                                      urls.secure, options_.browser_session_ttl.count()));
      return consent(*user);
    }
    if (action != "allow" && action != "deny")
      return error_page_reply(400, "Bad request", "The form's action is not known.");
    const auto user = signed_in();
    if (!user) {
      return page(401, login_page(form, shown, "Your sign-in has expired. Sign in again.", nonce));
    }
    if (action == "allow")
      return grant_code(*user);
    return back_to_client("error=access_denied&error_description=" +
                          url_encode("The person refused access"));
  } catch (const auth::StoreUnavailable&) {
    return error_page_reply(503, "Try again shortly",
                            "The user store cannot be reached right now.");
  }
}

WebReply AuthorizationServer::register_client(const WebRequest& request) {
  try {
    const auto since = now() - 3600;
    if (store_.clients_registered_since(request.client_address, since) >=
        options_.registrations_per_hour) {
      auto reply =
          oauth_error("temporarily_unavailable",
                      "too many client registrations from this address; try again later", 429);
      reply.headers.emplace_back("Retry-After", "3600");
      return reply;
    }
    auto metadata = read_client_metadata(request.body);
    if (!metadata)
      return oauth_error(metadata.error().error, metadata.error().description);
    const auth::OAuthClient client{random_secret(kClientIdBytes), metadata->client_name,
                                   metadata->redirect_uris, request.client_address, now()};
    if (auto added = store_.add_client(client); !added)
      throw auth::StoreError(added.error().message);
    spdlog::info("oauth: registered client {} ('{}') from {}", client.client_id, client.client_name,
                 client.registered_from);
    return json_reply(201,
                      registration_response(client.client_id, client.registered_at, *metadata));
  } catch (const auth::StoreUnavailable&) {
    return store_unavailable();
  }
}

}  // namespace bmcp::oauth
