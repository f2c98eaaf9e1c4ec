// The bearer token of every /mcp and /auth request: an `Authorization` header value read by
// transport::parse_bearer_authorization, then the token checks of contract 3.3
// (auth::TokenService over auth::decode_hs256 and libjwt). The seeds carry tokens signed with
// the fuzz key (token_checks.hpp), so that mutations reach libjwt's header, payload and signature
// handling and the claim readers. Beyond "no crash, no leak, no undefined behaviour":
//  - the token read is a non-empty part of the header value without spaces at either end;
//  - the properties of check_token.
#include <cstddef>
#include <cstdint>

#include "token_checks.hpp"
#include "transport/bearer_token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bmcp::fuzz::require;
  const auto value = bmcp::fuzz::as_text(data, size);
  const auto token = bmcp::transport::parse_bearer_authorization(value);
  if (!token)
    return 0;
  require(!token->empty(), "a bearer token is not empty");
  require(token->data() >= value.data() && token->data() + token->size() <= value.data() + size,
          "a bearer token is part of the header value");
  require(token->front() != ' ' && token->back() != ' ', "a bearer token has no spaces around it");
  bmcp::fuzz::check_token(*token);
  return 0;
}
