#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bmcp {

// Text forms of the web: URL encoding, form bodies, cookies and HTML escaping.

// Name -> value of an application/x-www-form-urlencoded text (a query string or a form body).
// nullopt when a percent escape is broken or a name appears twice (RFC 6749 section 3.1:
// parameters must not be repeated).
using FormFields = std::map<std::string, std::string, std::less<>>;
std::optional<FormFields> parse_form(std::string_view text);
// Decodes %XX escapes and '+' (a space); nullopt for a broken escape.
std::optional<std::string> url_decode(std::string_view text);
// Percent-encodes everything but the unreserved characters (RFC 3986 section 2.3).
std::string url_encode(std::string_view text);
// Cookie name -> value from a Cookie header ("a=1; b=2"); the first of a repeated name wins.
std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header);
// Text safe inside HTML elements and double-quoted attributes (& < > " ').
std::string html_escape(std::string_view text);
// The field's value, or "" when absent.
std::string_view field(const FormFields& fields, std::string_view name);

}  // namespace bmcp
