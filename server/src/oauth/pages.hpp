#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/web_text.hpp"

namespace bmcp::oauth {

// The server-rendered pages of /authorize: plain HTML, no scripts, no external assets. Every
// text that comes from a client or a person is HTML-escaped here.

// What every form on the pages repeats: the authorization request's parameters as hidden
// fields, and the CSRF token.
struct PageForm {
  FormFields request;  // response_type, client_id, redirect_uri, ... as received
  std::string csrf_token;
};

struct ClientShown {
  std::string name;           // client_name, or the client_id when it has none
  std::string redirect_host;  // where the person is sent back to
  // For a client_id URL, the host that published its metadata document (the name above is the
  // document's own claim; the host is what vouches for it); "" for registered clients.
  std::string document_host;
};

// The login form (username, password); `problem` is shown above it when not empty.
std::string login_page(const PageForm& form, const ClientShown& client, std::string_view problem,
                       std::string_view style_nonce);
// The consent form naming the client, its redirect host, the account and the scopes; Allow
// and Deny buttons.
std::string consent_page(const PageForm& form, const ClientShown& client, std::string_view username,
                         const std::vector<std::string>& scopes, std::string_view style_nonce);
// A page that says what is wrong with the request and sends nobody anywhere.
std::string error_page(std::string_view title, std::string_view detail,
                       std::string_view style_nonce);

// What each scope lets the client do, for the consent page.
std::string scope_description(std::string_view scope);

}  // namespace bmcp::oauth
