#include "http/types.hpp"

#include <algorithm>

namespace bmcp::http {

namespace {

// ASCII only, without the locale lookup of std::tolower: header names and the tokens compared
// here are ASCII, and this runs for every header lookup of every request.
constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (iequals(key, name))
      return std::string_view(value);
  }
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const auto& field) { return iequals(field.first, name); });
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::reserve(std::size_t fields) {
  fields_.reserve(fields);
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

HttpResponse json_response(int status, const json::value& body) {
  HttpResponse response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = to_json_text(body);
  return response;
}

HttpResponse detail_response(int status, std::string_view detail) {
  return json_response(status, json::object{{"detail", detail}});
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool header_lists_media_type(std::string_view header_value, std::string_view media_type) {
  while (!header_value.empty()) {
    const auto comma = header_value.find(',');
    std::string_view item = header_value.substr(0, comma);
    item = trim(item.substr(0, item.find(';')));
    if (iequals(item, media_type))
      return true;
    if (comma == std::string_view::npos)
      break;
    header_value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace bmcp::http
