// The claim readers behind every token check (contract 3.3): the input chooses a claim set,
// claim by claim (absent, or a string, integer, number, boolean, null, array or object), which
// is signed with the fuzz key (auth::sign_hs256, as the server issues tokens) and then checked.
// Random token text rarely gets past the signature; this target starts past it. Beyond "no
// crash, no leak, no undefined behaviour":
//  - decode_hs256 gives back the claim set that was signed;
//  - TokenService::verify gives the answer contract 3.3 gives for that claim set, in the
//    contract's order (claims of the wrong type, exp, sub, uid), with the claims it carried;
//  - the properties of check_token;
//  - a token with one character changed is never accepted with other claims.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "auth/jwt_codec.hpp"
#include "token_checks.hpp"

namespace {

using bmcp::fuzz::require;
namespace auth = bmcp::auth;
namespace json = bmcp::json;

// Valid UTF-8 without NUL, as the server's own claims are (libjwt's JSON refuses the others).
std::string claim_text(FuzzedDataProvider& input) {
  auto text = input.ConsumeRandomLengthString(48);
  for (auto& c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0 || byte >= 0x80)
      c = static_cast<char>('a' + byte % 26);
  }
  return text;
}

std::optional<json::value> claim_value(FuzzedDataProvider& input, std::int64_t now) {
  switch (input.ConsumeIntegralInRange<int>(0, 8)) {
    case 0:
      return std::nullopt;
    case 1:
      return json::value(claim_text(input));
    case 2:
      return json::value(now + input.ConsumeIntegralInRange<std::int64_t>(-100000, 100000));
    case 3:
      return json::value(input.ConsumeIntegral<std::int64_t>());
    case 4:
      return json::value(input.ConsumeFloatingPointInRange<double>(-1e12, 1e12));
    case 5:
      return json::value(input.ConsumeBool());
    case 6:
      return json::value(nullptr);
    case 7: {
      json::array strings;
      for (int n = input.ConsumeIntegralInRange<int>(0, 3); n > 0; --n)
        strings.emplace_back(claim_text(input));
      if (input.ConsumeBool())
        strings.emplace_back(input.ConsumeIntegral<std::int32_t>());
      return json::value(std::move(strings));
    }
    default:
      return json::value(json::object{{claim_text(input), claim_text(input)}});
  }
}

bool absent_or(const json::object& claims, std::string_view name,
               bool (*fits)(const json::value&)) {
  const auto* value = claims.if_contains(name);
  return value == nullptr || fits(*value);
}

bool is_int64(const json::value& value) {
  return value.is_int64();
}
bool is_string(const json::value& value) {
  return value.is_string();
}
bool is_string_array(const json::value& value) {
  const auto* array = value.if_array();
  return array && std::all_of(array->begin(), array->end(),
                              [](const json::value& item) { return item.is_string(); });
}
bool is_non_empty_string(const json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  return value && value->is_string() && !value->get_string().empty();
}

// Contract 3.3 for a token whose signature is good: the first check that fails, or nullopt.
std::optional<auth::TokenError> expected_refusal(const json::object& claims, std::int64_t now) {
  const bool well_typed =
      claims.contains("exp") && absent_or(claims, "exp", is_int64) &&
      absent_or(claims, "iat", is_int64) && absent_or(claims, "username", is_string) &&
      absent_or(claims, "typ", is_string) && absent_or(claims, "jti", is_string) &&
      absent_or(claims, "roles", is_string_array) && absent_or(claims, "scopes", is_string_array);
  if (!well_typed)
    return auth::TokenError::kMalformed;
  if (claims.at("exp").get_int64() <= now)
    return auth::TokenError::kExpired;
  if (!is_non_empty_string(claims, "sub"))
    return auth::TokenError::kMissingSub;
  if (!is_non_empty_string(claims, "uid"))
    return auth::TokenError::kMissingUid;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const auto& service = bmcp::fuzz::fuzz_token_service();
  const auto now = service.now_seconds();
  json::object claims;
  for (const char* name :
       {"sub", "uid", "username", "typ", "jti", "roles", "scopes", "iat", "exp", "nbf"}) {
    if (auto value = claim_value(input, now))
      claims[name] = std::move(*value);
  }
  const auto token = auth::sign_hs256(claims, bmcp::fuzz::kFuzzSigningKey);

  const auto decoded = auth::decode_hs256(token, bmcp::fuzz::kFuzzSigningKey);
  require(decoded.ok(), "a token the server signed decodes");
  require(bmcp::fuzz::same_json(*decoded, claims),
          "a token decodes to the claims it was signed with");

  const auto verified = service.verify(token);
  const auto refusal = expected_refusal(claims, now);
  if (refusal) {
    require(!verified.ok() && verified.error() == *refusal,
            "verify refuses a token for the first check of contract 3.3 that it fails");
  } else {
    require(verified.ok(), "verify accepts a token that passes every check");
    require(verified->sub == claims.at("sub").get_string() &&
                verified->uid == claims.at("uid").get_string() &&
                verified->exp == claims.at("exp").get_int64(),
            "verify reads the claims the token carries");
  }
  bmcp::fuzz::check_token(token);

  if (input.remaining_bytes() >= 2) {
    auto changed = token;
    const auto at = input.ConsumeIntegralInRange<std::size_t>(0, changed.size() - 1);
    changed[at] = static_cast<char>(input.ConsumeIntegral<std::uint8_t>());
    bmcp::fuzz::check_token(changed);
    const auto forged = auth::decode_hs256(changed, bmcp::fuzz::kFuzzSigningKey);
    require(!forged.ok() || bmcp::fuzz::same_json(*forged, claims),
            "a changed token never passes the signature check with other claims");
  }
  return 0;
}
