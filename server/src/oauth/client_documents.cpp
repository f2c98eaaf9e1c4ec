#include "oauth/client_documents.hpp"

#include <algorithm>
#include <cctype>

#include "oauth/client_id_document.hpp"

namespace bmcp::oauth {

namespace {

// application/json, or any +json type, with or without parameters.
bool is_json_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ')
    type.pop_back();
  for (auto& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json" ||
         (type.starts_with("application/") && type.ends_with("+json"));
}

}  // namespace

ClientDocuments::ClientDocuments(DocumentSource& source, const Clock& clock,
                                 ClientDocumentsOptions options)
    : source_(source), clock_(clock), options_(options) {}

Result<auth::OAuthClient, std::string> ClientDocuments::client(std::string_view url) {
  if (const auto problem = client_id_url_problem(url); !problem.empty())
    return Unexpected{problem};
  {
    const std::lock_guard lock(mutex_);
    if (const auto found = entries_.find(url);
        found != entries_.end() && found->second.expires > clock_.steady_now()) {
      return found->second.client;
    }
  }
  // Counts this fetch while it runs, however it ends.
  struct Running {
    std::atomic<int>& count;
    ~Running() { count.fetch_sub(1); }
  };
  const Running running{fetching_};
  if (fetching_.fetch_add(1) >= options_.max_fetches) {
    return Unexpected{std::string(
        "the server is busy fetching another client metadata document; try again in a few "
        "seconds")};
  }
  auto fetched = source_.fetch(url);
  if (!fetched)
    return Unexpected{"the client metadata document cannot be fetched: " + fetched.error()};
  if (!is_json_type(fetched->content_type)) {
    return Unexpected{"the client metadata document is not JSON (Content-Type \"" +
                      fetched->content_type.substr(0, 100) + "\")"};
  }
  auto metadata = read_client_id_document(url, fetched->body);
  if (!metadata)
    return Unexpected{"the client metadata document is refused: " + metadata.error()};
  auth::OAuthClient client{std::string(url), metadata->client_name, metadata->redirect_uris, "", 0};
  auto ttl = options_.max_ttl;
  if (fetched->max_age)
    ttl = std::min(ttl, std::chrono::seconds(*fetched->max_age));
  if (ttl.count() > 0)
    keep(client, ttl);
  return client;
}

void ClientDocuments::keep(const auth::OAuthClient& client, std::chrono::seconds ttl) {
  const auto now = clock_.steady_now();
  const std::lock_guard lock(mutex_);
  std::erase_if(entries_, [now](const auto& item) { return item.second.expires <= now; });
  if (entries_.size() >= options_.max_entries && !entries_.contains(client.client_id)) {
    const auto soonest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    if (soonest != entries_.end())
      entries_.erase(soonest);
  }
  if (options_.max_entries > 0)
    entries_.insert_or_assign(client.client_id, Entry{client, now + ttl});
}

std::size_t ClientDocuments::cached() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace bmcp::oauth
