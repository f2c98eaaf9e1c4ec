#pragma once

namespace bmcp::jsonrpc {

// JSON-RPC 2.0 error codes, plus the MCP-specific ones the contract uses.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerError = -32000;
inline constexpr int kSessionNotFound = -32001;
inline constexpr int kResourceNotFound = -32002;

}  // namespace bmcp::jsonrpc
