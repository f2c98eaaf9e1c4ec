#pragma once

#include <string>
#include <vector>

namespace bmcp::redis {

// One Redis reply as a plain value (RESP2). `text` holds bulk strings (binary-safe), status
// lines and error messages.
struct Reply {
  enum class Type { kString, kStatus, kError, kInteger, kNil, kArray };

  Type type = Type::kNil;
  std::string text;
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::kError; }
  bool is_nil() const { return type == Type::kNil; }

  static Reply string(std::string value) { return {Type::kString, std::move(value), 0, {}}; }
  static Reply integer_of(long long value) { return {Type::kInteger, {}, value, {}}; }
};

}  // namespace bmcp::redis
