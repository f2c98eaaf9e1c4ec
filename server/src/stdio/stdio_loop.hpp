#pragma once

#include <functional>
#include <istream>

#include "jsonrpc/message.hpp"
#include "stdio/line_writer.hpp"

namespace bmcp::stdio {

using MessageHandler = std::function<void(const jsonrpc::Message&)>;

// Reads newline-delimited JSON-RPC messages (contract §10) from `in` until end of input and
// hands each valid one to `on_message`, in order, on the calling thread. A line that is not a
// valid single message is answered on `out` with -32700 (not JSON) or -32600 (not a JSON-RPC
// message), id null, and reading goes on. Blank lines and a trailing '\r' are ignored.
// Returns the number of lines read.
std::size_t read_messages(std::istream& in, LineWriter& out, const MessageHandler& on_message);

}  // namespace bmcp::stdio
