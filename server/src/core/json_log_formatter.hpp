#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace bmcp {

// Writes each record as one JSON object on one line: `ts` (UTC, RFC 3339 with milliseconds),
// `level` (debug, info, warning, error, critical), `msg`, then the record's structured fields
// (log_with_fields). Every value is JSON-escaped, so a message that contains a line break or a
// quote still makes one valid line.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace bmcp
