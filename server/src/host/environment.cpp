#include "host/environment.hpp"

#include <cstdlib>

namespace bmcp::host {

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): nothing calls setenv
  if (value == nullptr)
    return std::nullopt;
  return std::string(value);
}

std::optional<std::string> non_empty_env(const EnvLookup& env, const char* name) {
  auto value = env(name);
  if (!value || value->empty())
    return std::nullopt;
  return value;
}

}  // namespace bmcp::host
