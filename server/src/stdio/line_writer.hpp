#pragma once

#include <cstdio>
#include <mutex>
#include <string_view>

namespace bmcp::stdio {

// Writes newline-delimited JSON-RPC messages to one output stream (stdout in production).
// Each call writes one whole line and flushes, so that a reader never sees half a message.
// Thread safety: write_line() may be called from any thread; lines never interleave.
class LineWriter {
 public:
  explicit LineWriter(std::FILE* out) : out_(out) {}

  // Writes `json_text` and a newline. `json_text` must not contain a newline (the JSON writer
  // escapes them inside strings). False once the output is closed or failed; later calls are
  // then no-ops.
  bool write_line(std::string_view json_text);
  bool failed() const;

 private:
  std::FILE* const out_;
  mutable std::mutex mutex_;
  bool failed_ = false;
};

}  // namespace bmcp::stdio
