#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/oauth_store.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::oauth {

// A client metadata document as fetched.
struct FetchedDocument {
  std::string body;
  std::string content_type;
  // Cache-Control max-age in seconds (0: no-store or no-cache), nullopt when absent.
  std::optional<std::int64_t> max_age;
};

// Where documents come from: the composition root passes an HTTPS fetcher that refuses
// non-public addresses and bounds size and time (fetch/https_fetcher.hpp). Blocking.
// Thread safety: fetch() may be called from several threads at once.
class DocumentSource {
 public:
  virtual ~DocumentSource() = default;
  // The error says what failed (without the URL).
  virtual Result<FetchedDocument, std::string> fetch(std::string_view url) = 0;
};

struct ClientDocumentsOptions {
  // Documents kept at once; the one closest to expiry goes first when full.
  std::size_t max_entries = 512;
  // How long a document is kept at most; a shorter Cache-Control max-age wins.
  std::chrono::seconds max_ttl{300};
  // Fetches running at once. A fetch holds a worker of the server's small blocking pool for
  // up to the fetch's time limit; beyond this many, client() fails at once ("try again")
  // instead of waiting, so that slow documents cannot hold every worker (sign-ins, tokens).
  int max_fetches = 1;
};

// The clients of client_id URLs (client_id_document.hpp): fetched, checked and cached.
// Blocking (a fetch); run on a worker pool. Thread safety: every method may be called from any
// thread.
class ClientDocuments {
 public:
  // `source` and `clock` must outlive this.
  ClientDocuments(DocumentSource& source, const Clock& clock, ClientDocumentsOptions options = {});

  // The client that `url` describes, as an OAuthClient (client_id = the URL, redirect_uris and
  // client_name from the document). The error says what is wrong with the URL, the fetch or
  // the document; failures are not cached.
  Result<auth::OAuthClient, std::string> client(std::string_view url);

  std::size_t cached() const;

 private:
  struct Entry {
    auth::OAuthClient client;
    SteadyTime expires;
  };
  void keep(const auth::OAuthClient& client, std::chrono::seconds ttl);

  DocumentSource& source_;
  const Clock& clock_;
  const ClientDocumentsOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::atomic<int> fetching_{0};
};

}  // namespace bmcp::oauth
