#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/external_tokens.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "oidc/key_set.hpp"
#include "oidc/provider_settings.hpp"

namespace bmcp::oidc {

// GETs a URL and returns the body, or says why not. The server passes fetch::HttpsFetcher
// (https only, public addresses unless allowed; nothing of a token is ever sent).
using FetchDocument = std::function<Result<std::string, std::string>(const std::string& url)>;

// Verifies access tokens of one external OpenID provider: JWS signatures RS256 and ES256
// against the keys of its JWK Set (found through its discovery document and cached; a kid not
// in the cache fetches the set again, at most once per refresh_interval), then iss, aud, exp
// and nbf (with leeway), then the user and roles claims.
// Errors are 401 details: "Invalid token: <what>".
// Thread safety: every method may be called from any thread; fetches happen under a lock, so
// concurrent callers with unknown kids wait for one fetch.
class TokenVerifier final : public auth::ExternalTokenVerifier {
 public:
  // REQUIRES: settings.issuer is not empty. fetch and clock must outlive the verifier.
  TokenVerifier(ProviderSettings settings, FetchDocument fetch, const Clock& clock);

  const std::string& issuer() const override { return settings_.issuer; }
  void set_audience(std::string audience);
  Result<auth::ExternalIdentity, std::string> verify(std::string_view token) override;

  // Fetches the discovery document and the key set now (the server does so at start-up).
  // The error names the document and what was wrong with it; the old keys stay then.
  Status refresh_keys();

 private:
  // The key for kid, fetching the set once when it is not known and the interval allows.
  std::shared_ptr<const PublicKey> key_for(std::string_view kid);
  Status refresh_locked();

  ProviderSettings settings_;
  FetchDocument fetch_;
  const Clock& clock_;
  std::mutex mutex_;
  KeySet keys_;
  std::string jwks_uri_;
  std::optional<SteadyTime> last_fetch_;
};

}  // namespace bmcp::oidc
