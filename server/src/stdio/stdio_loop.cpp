#include "stdio/stdio_loop.hpp"

#include <string>

namespace bmcp::stdio {
namespace {

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::size_t read_messages(std::istream& in, LineWriter& out, const MessageHandler& on_message) {
  std::size_t lines = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++lines;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (is_blank(line))
      continue;
    auto message = jsonrpc::parse_message(line);
    if (!message) {
      const auto& error = message.error();
      out.write_line(to_json_text(jsonrpc::make_error(nullptr, error.code, error.message)));
      continue;
    }
    on_message(*message);
  }
  return lines;
}

}  // namespace bmcp::stdio
