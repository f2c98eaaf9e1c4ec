// Setting up MCP sessions over a BlockingConnection: login, initialize, and checked calls.
#pragma once
#include <string>
#include <string_view>

#include "blocking_connection.hpp"
#include "mcp_wire.hpp"

namespace bench {

// POST <base>/auth/login; returns the access token. Throws with the server's answer on failure.
std::string login(const HttpUrl& base, const std::string& username, const std::string& password);
// initialize + notifications/initialized; returns the Mcp-Session-Id.
std::string open_session(BlockingConnection& connection, const McpEndpoint& endpoint);
// POSTs a request body on an open session; returns the JSON-RPC response text.
// Throws when the HTTP status is not 200 or the response carries a JSON-RPC error.
std::string call(BlockingConnection& connection, const McpEndpoint& endpoint,
                 std::string_view session_id, std::string_view body);
// Ends the session (DELETE); errors are ignored because this is clean-up only.
void end_session(BlockingConnection& connection, const McpEndpoint& endpoint,
                 std::string_view session_id);

}  // namespace bench
