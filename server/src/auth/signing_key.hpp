#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "auth/data_dir.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

// OAUTH_SECRET_KEY, else its alias JWT_SECRET (contract 3.1). Empty values count as unset.
std::optional<std::string> configured_signing_key(const EnvLookup& env);

// A new random key: 32 bytes from the CSPRNG, base64url without padding (43 characters).
std::string generate_signing_key();

// The HS256 key (contract 3.1), first match wins:
//  1. `configured`, when non-empty (from configured_signing_key());
//  2. the content of <data_dir>/jwt_secret with surrounding whitespace trimmed;
//  3. a new key: 32 random bytes, base64url without padding, written to <data_dir>/jwt_secret
//     with mode 0600 through a temporary file, so no reader ever sees half a key. When another
//     process wins the race to create the file, its key is used. Logged at info level.
// Fails with kIo when the file cannot be read or written, and kFailedPrecondition when it
// exists but holds only whitespace.
Result<std::string> load_or_create_signing_key(const std::optional<std::string>& configured,
                                               const std::filesystem::path& data_dir);

}  // namespace bmcp::auth
