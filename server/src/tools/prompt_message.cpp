#include "tools/prompt_message.hpp"

namespace bmcp::tools {

json::object single_user_message(std::string_view description, std::string text) {
  return json::object{
      {"description", description},
      {"messages",
       json::array{json::object{{"role", "user"},
                                {"content", {{"type", "text"}, {"text", std::move(text)}}}}}}};
}

}  // namespace bmcp::tools
