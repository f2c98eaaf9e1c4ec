#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bmcp::mcp {

// The ids of MCP sessions and of standalone-stream events as they travel in the `Mcp-Session-Id`
// and `Last-Event-ID` headers. Pure functions of their text, so that the server and the bridge
// read these headers the same way.

// A new session id: 32 lowercase hex characters from the CSPRNG (contract 4.2).
std::string new_session_id();

// An `Mcp-Session-Id` value as the MCP specification allows it: one or more visible ASCII
// characters (0x21-0x7E). nullopt for anything else (empty, blanks, control characters,
// bytes above 0x7E), which no session can have. The result is `text` itself.
std::optional<std::string_view> parse_session_id(std::string_view text);

// A `Last-Event-ID` value: decimal digits only, at most 2^64 - 1 (event ids count from 1).
// nullopt for anything else.
std::optional<std::uint64_t> parse_last_event_id(std::string_view text);

}  // namespace bmcp::mcp
