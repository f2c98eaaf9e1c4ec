#include "stdio/line_writer.hpp"

namespace bmcp::stdio {

bool LineWriter::write_line(std::string_view json_text) {
  std::lock_guard lock(mutex_);
  if (failed_)
    return false;
  const bool ok = std::fwrite(json_text.data(), 1, json_text.size(), out_) == json_text.size() &&
                  std::fputc('\n', out_) != EOF && std::fflush(out_) == 0;
  if (!ok)
    failed_ = true;
  return ok;
}

bool LineWriter::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

}  // namespace bmcp::stdio
