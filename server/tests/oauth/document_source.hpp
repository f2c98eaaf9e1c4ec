#pragma once

#include <map>
#include <mutex>
#include <string>

#include "oauth/client_documents.hpp"

namespace bmcp::oauth::testing {

// Documents served from memory, counting the fetches: the input side of ClientDocuments (the
// real fetcher, over HTTPS, is tested black-box in tests/blackbox/test_oauth_client_documents.py).
class MemoryDocuments final : public DocumentSource {
 public:
  void serve(const std::string& url, FetchedDocument document) {
    const std::lock_guard lock(mutex_);
    documents_[url] = std::move(document);
  }
  Result<FetchedDocument, std::string> fetch(std::string_view url) override {
    const std::lock_guard lock(mutex_);
    ++fetches_;
    const auto found = documents_.find(std::string(url));
    if (found == documents_.end())
      return Unexpected{std::string("the server answered HTTP 404")};
    return found->second;
  }
  int fetches() const {
    const std::lock_guard lock(mutex_);
    return fetches_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, FetchedDocument> documents_;
  int fetches_ = 0;
};

}  // namespace bmcp::oauth::testing
