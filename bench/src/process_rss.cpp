#include "process_rss.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

namespace bench {

std::int64_t rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status)
    throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoll(line.substr(6));
  }
  throw std::runtime_error("no VmRSS in /proc/" + std::to_string(pid) + "/status");
}

}  // namespace bench
