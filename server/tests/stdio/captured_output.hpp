#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "core/json_text.hpp"
#include "stdio/line_writer.hpp"

namespace bmcp::stdio::testing {

// A LineWriter over a temporary file, and the lines written to it so far.
class CapturedOutput {
 public:
  CapturedOutput() : file_(std::tmpfile()), writer_(file_) {}
  ~CapturedOutput() { std::fclose(file_); }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

  LineWriter& writer() { return writer_; }

  std::vector<std::string> lines() const {
    std::fflush(file_);
    std::rewind(file_);
    std::vector<std::string> result;
    std::string current;
    for (int c = std::fgetc(file_); c != EOF; c = std::fgetc(file_)) {
      if (c == '\n') {
        result.push_back(current);
        current.clear();
      } else {
        current.push_back(static_cast<char>(c));
      }
    }
    std::fseek(file_, 0, SEEK_END);
    return result;
  }

  std::vector<json::value> messages() const {
    std::vector<json::value> result;
    for (const auto& line : lines())
      result.push_back(*parse_json(line));
    return result;
  }

 private:
  std::FILE* file_;
  LineWriter writer_;
};

}  // namespace bmcp::stdio::testing
