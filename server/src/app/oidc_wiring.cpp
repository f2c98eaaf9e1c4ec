#include "app/oidc_wiring.hpp"

#include <spdlog/spdlog.h>

namespace bmcp::app {

std::unique_ptr<oidc::TokenVerifier> make_oidc_verifier(const ServerConfig& config,
                                                        HttpsDocumentSource& documents,
                                                        const Clock& clock) {
  if (!config.oidc_issuer)
    return nullptr;
  oidc::ProviderSettings settings;
  settings.issuer = *config.oidc_issuer;
  settings.user_claim = config.oidc_user_claim;
  settings.roles_claim = config.oidc_roles_claim.value_or("");
  auto fetch = [&documents](const std::string& url) -> Result<std::string, std::string> {
    auto got = documents.fetch(url);
    if (!got)
      return Unexpected{got.error()};
    return std::move(got->body);
  };
  return std::make_unique<oidc::TokenVerifier>(std::move(settings), std::move(fetch), clock);
}

void start_oidc_verifier(oidc::TokenVerifier& verifier, const ServerConfig& config,
                         const std::string& resource_url) {
  const std::string audience = config.oidc_audience.value_or(resource_url);
  verifier.set_audience(audience);
  if (auto fetched = verifier.refresh_keys(); !fetched) {
    spdlog::warn("OpenID provider {}: {} (tried again when a token arrives)", verifier.issuer(),
                 fetched.error().message);
  } else {
    spdlog::info("accepting access tokens of OpenID provider {} for audience {}", verifier.issuer(),
                 audience);
  }
}

}  // namespace bmcp::app
