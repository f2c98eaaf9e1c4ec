#include "sse_event_parser.hpp"

namespace bench {

void SseEventParser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(bytes);
      return;
    }
    if (partial_.empty()) {
      line(bytes.substr(0, nl));
    } else {
      partial_.append(bytes.substr(0, nl));
      std::string whole = std::move(partial_);
      partial_.clear();
      line(whole);
    }
    bytes.remove_prefix(nl + 1);
  }
}

void SseEventParser::line(std::string_view text) {
  if (!text.empty() && text.back() == '\r')
    text.remove_suffix(1);
  if (text.empty()) {
    if (has_data_)
      on_event_(data_);
    data_.clear();
    has_data_ = false;
    return;
  }
  if (text.rfind("data:", 0) == 0) {
    std::string_view value = text.substr(5);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    if (has_data_)
      data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  }
}

}  // namespace bench
