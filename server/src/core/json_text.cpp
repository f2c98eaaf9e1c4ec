#include "core/json_text.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>

namespace bmcp {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void write_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(text.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text.substr(plain_from));
  out += '"';
}

// Shortest text that reads back as the same double, in plain notation where that is the
// shorter form (1763726432.004, not 1.763726432004E9), and always recognisable as a
// floating-point number (3.0, not 3). Non-finite values, which JSON cannot express, become null.
void write_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos)
    out += ".0";
}

template <class Integer>
void write_integer(std::string& out, Integer value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void write_value(std::string& out, const json::value& value);

void write_object(std::string& out, const json::object& object) {
  out += '{';
  bool first = true;
  for (const auto& [key, element] : object) {
    if (!first)
      out += ',';
    first = false;
    write_string(out, key);
    out += ':';
    write_value(out, element);
  }
  out += '}';
}

void write_value(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
      write_integer(out, value.get_int64());
      break;
    case json::kind::uint64:
      write_integer(out, value.get_uint64());
      break;
    case json::kind::double_:
      write_double(out, value.get_double());
      break;
    case json::kind::string:
      write_string(out, value.get_string());
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first)
          out += ',';
        first = false;
        write_value(out, element);
      }
      out += ']';
      break;
    }
    case json::kind::object:
      write_object(out, value.get_object());
      break;
  }
}

// Boost.JSON reads a number beyond the range of a double (1e400, -5e308) as an infinity, which
// JSON cannot express: written back it would become null.
bool holds_infinity(const json::value& value) {
  switch (value.kind()) {
    case json::kind::double_:
      return !std::isfinite(value.get_double());
    case json::kind::array:
      return std::any_of(value.get_array().begin(), value.get_array().end(), holds_infinity);
    case json::kind::object:
      return std::any_of(value.get_object().begin(), value.get_object().end(),
                         [](const auto& entry) { return holds_infinity(entry.value()); });
    default:
      return false;
  }
}

}  // namespace

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || holds_infinity(value))
    return std::nullopt;
  return value;
}

void append_json_string(std::string& out, std::string_view text) {
  write_string(out, text);
}

void append_json_text(std::string& out, const json::value& value) {
  write_value(out, value);
}

void append_json_text(std::string& out, const json::object& object) {
  write_object(out, object);
}

std::string to_json_text(const json::value& value) {
  std::string out;
  out.reserve(128);
  write_value(out, value);
  return out;
}

const json::object* find_object(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found ? found->if_object() : nullptr;
}

const json::string* find_string(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found ? found->if_string() : nullptr;
}

}  // namespace bmcp
