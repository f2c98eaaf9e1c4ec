#include "oauth/pages.hpp"

#include "oauth/scopes.hpp"

namespace bmcp::oauth {

namespace {

// The client's name, and for a client metadata document the host that published it.
std::string client_text(const ClientShown& client) {
  std::string out = "<span class=\"client\">" + html_escape(client.name) + "</span>";
  if (!client.document_host.empty())
    out += " (described by <code>" + html_escape(client.document_host) + "</code>)";
  return out;
}

std::string head(std::string_view title, std::string_view nonce) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         html_escape(title) + "</title><style nonce=\"" + html_escape(nonce) +
         "\">body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;"
         "padding:0 1rem;color:#222}h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem}"
         "input[type=text],input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}"
         "button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.problem{color:#a00}"
         ".client{font-weight:bold}code{background:#eee;padding:0 .2rem}</style></head><body>";
}

std::string hidden_fields(const PageForm& form) {
  std::string out;
  for (const auto& [name, value] : form.request) {
    out += "<input type=\"hidden\" name=\"" + html_escape(name) + "\" value=\"" +
           html_escape(value) + "\">";
  }
  out +=
      "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(form.csrf_token) + "\">";
  return out;
}

constexpr std::string_view kTail = "</body></html>\n";

}  // namespace

std::string scope_description(std::string_view scope) {
  if (scope == kAdminScope)
    return "use the admin tools (install the Blender add-on, diagnostics of this machine)";
  return "use the Blender tools and send work to your Blender sessions";
}

std::string login_page(const PageForm& form, const ClientShown& client, std::string_view problem,
                       std::string_view style_nonce) {
  std::string page = head("Sign in - blender-mcp", style_nonce);
  page += "<h1>Sign in to blender-mcp</h1><p>" + client_text(client) + " (returning to <code>" +
          html_escape(client.redirect_host) + "</code>) asks to use this server for you.</p>";
  if (!problem.empty())
    page += "<p class=\"problem\" role=\"alert\">" + html_escape(problem) + "</p>";
  page += "<form method=\"post\" action=\"/authorize\">" + hidden_fields(form) +
          "<input type=\"hidden\" name=\"action\" value=\"login\">"
          "<label for=\"username\">Username</label>"
          "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" "
          "required autofocus>"
          "<label for=\"password\">Password</label>"
          "<input type=\"password\" id=\"password\" name=\"password\" "
          "autocomplete=\"current-password\" required>"
          "<button type=\"submit\">Sign in</button></form>";
  return page + std::string(kTail);
}

std::string consent_page(const PageForm& form, const ClientShown& client, std::string_view username,
                         const std::vector<std::string>& scopes, std::string_view style_nonce) {
  std::string page = head("Allow access - blender-mcp", style_nonce);
  page += "<h1>Allow access?</h1><p>" + client_text(client) + " wants to act as <b>" +
          html_escape(username) +
          "</b> on this blender-mcp server. You will be sent back to <code>" +
          html_escape(client.redirect_host) + "</code>.</p><p>It will be able to:</p><ul>";
  for (const auto& scope : scopes) {
    page += "<li><code>" + html_escape(scope) +
            "</code>: " + html_escape(scope_description(scope)) + "</li>";
  }
  page += "</ul><form method=\"post\" action=\"/authorize\">" + hidden_fields(form) +
          "<button type=\"submit\" name=\"action\" value=\"allow\">Allow</button>"
          "<button type=\"submit\" name=\"action\" value=\"deny\">Deny</button></form>";
  return page + std::string(kTail);
}

std::string error_page(std::string_view title, std::string_view detail,
                       std::string_view style_nonce) {
  return head(std::string(title) + " - blender-mcp", style_nonce) + "<h1>" + html_escape(title) +
         "</h1><p class=\"problem\">" + html_escape(detail) + "</p>" + std::string(kTail);
}

}  // namespace bmcp::oauth
