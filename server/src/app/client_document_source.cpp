#include "app/client_document_source.hpp"

namespace bmcp::app {

Result<std::unique_ptr<HttpsDocumentSource>, std::string> HttpsDocumentSource::create(
    const ServerConfig& config) {
  fetch::FetchOptions options;
  options.max_body_bytes = kMaxDocumentBytes;
  options.time_limit = kTimeLimit;
  // Validated by load_config.
  auto allow = fetch::AllowList::parse(config.oauth_metadata_allow);
  if (!allow)
    return Unexpected{"--oauth-metadata-allow: " + allow.error()};
  options.allow = std::move(*allow);
  options.extra_ca_file = config.oauth_metadata_ca_file.value_or("");
  auto fetcher = fetch::HttpsFetcher::create(std::move(options));
  if (!fetcher)
    return Unexpected{"--oauth-metadata-ca-file: " + fetcher.error()};
  return std::unique_ptr<HttpsDocumentSource>(new HttpsDocumentSource(std::move(*fetcher)));
}

Result<oauth::FetchedDocument, std::string> HttpsDocumentSource::fetch(std::string_view url) {
  auto got = fetcher_->get(url);
  if (!got)
    return Unexpected{got.error()};
  return oauth::FetchedDocument{std::move(got->body), std::move(got->content_type), got->max_age};
}

}  // namespace bmcp::app
