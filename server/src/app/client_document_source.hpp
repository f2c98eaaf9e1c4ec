#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "core/result.hpp"
#include "fetch/https_fetcher.hpp"
#include "oauth/client_documents.hpp"

namespace bmcp::app {

// Client metadata documents fetched over HTTPS (fetch::HttpsFetcher: public addresses only
// unless --oauth-metadata-allow says otherwise, 64 KiB, 5 s, no redirects), for the
// authorization server's oauth::ClientDocuments.
class HttpsDocumentSource final : public oauth::DocumentSource {
 public:
  static constexpr std::size_t kMaxDocumentBytes = 64 * 1024;
  static constexpr std::chrono::seconds kTimeLimit{5};

  // Fails, naming the setting, when the CA file cannot be loaded.
  static Result<std::unique_ptr<HttpsDocumentSource>, std::string> create(
      const ServerConfig& config);

  Result<oauth::FetchedDocument, std::string> fetch(std::string_view url) override;

 private:
  explicit HttpsDocumentSource(std::unique_ptr<fetch::HttpsFetcher> fetcher)
      : fetcher_(std::move(fetcher)) {}

  std::unique_ptr<fetch::HttpsFetcher> fetcher_;
};

}  // namespace bmcp::app
