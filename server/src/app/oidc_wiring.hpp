#pragma once

#include <memory>
#include <string>

#include "app/client_document_source.hpp"
#include "app/config.hpp"
#include "core/clock.hpp"
#include "oidc/token_verifier.hpp"

namespace bmcp::app {

// The verifier of --oidc-issuer's access tokens (docs/authorization.md), or null without that
// setting. Its documents are fetched through `documents` (the client metadata documents'
// fetcher: https only, the same allow-list and CA file, 64 KiB, 5 s); only URLs go out,
// never a token. Both must outlive it.
std::unique_ptr<oidc::TokenVerifier> make_oidc_verifier(const ServerConfig& config,
                                                        HttpsDocumentSource& documents,
                                                        const Clock& clock);

// Once the public /mcp URL is known: sets the audience (--oidc-audience, else that URL) and
// fetches the provider's keys, logging the outcome (a provider that cannot be reached now is
// tried again when a token arrives).
void start_oidc_verifier(oidc::TokenVerifier& verifier, const ServerConfig& config,
                         const std::string& resource_url);

}  // namespace bmcp::app
