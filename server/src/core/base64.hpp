#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bmcp {

// Standard base64 (RFC 4648 section 4: A-Z a-z 0-9 + /, `=` padding), as MCP image content
// carries it. Only the canonical form is accepted: a length that is a multiple of 4, at most two
// `=` and only at the end, nothing else (no whitespace, no line breaks, no URL alphabet).

// Whether `text` is non-empty canonical base64.
bool is_base64(std::string_view text);
// The number of bytes `text` decodes to; `text` must be canonical base64.
std::size_t base64_decoded_size(std::string_view text);
// The first `count` decoded bytes (fewer when the data is shorter); nullopt when `text` is not
// canonical base64. Decodes only the characters it needs.
std::optional<std::string> base64_decode_prefix(std::string_view text, std::size_t count);
// Decodes base64url (RFC 4648 section 5: `-` and `_` for 62 and 63, no padding), as JWS and JWK
// use it. Only the canonical form: nullopt for any other character (`=` included), a length no
// encoding has (4n+1), or a last digit whose unused low bits are not zero (so one byte string
// has exactly one accepted text).
std::optional<std::string> base64url_decode(std::string_view text);
// The length of the base64 text of `bytes` bytes.
constexpr std::size_t base64_encoded_size(std::size_t bytes) {
  return (bytes + 2) / 3 * 4;
}

}  // namespace bmcp
