#include "cli_args.hpp"

#include <stdexcept>

namespace bench {

CliArgs::CliArgs(int argc, char** argv, const std::set<std::string>& known,
                 const std::set<std::string>& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0)
      throw std::runtime_error("unexpected argument: " + arg);
    std::string name = arg.substr(2);
    if (!known.count(name) && !flags.count(name))
      throw std::runtime_error("unknown option: --" + name);
    if (flags.count(name)) {
      values_[name] = "1";
      continue;
    }
    if (i + 1 >= argc)
      throw std::runtime_error("option --" + name + " needs a value");
    values_[name] = argv[++i];
  }
}

bool CliArgs::has(const std::string& name) const {
  return values_.count(name) != 0;
}

std::string CliArgs::text(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    throw std::runtime_error("option --" + name + " is required");
  return it->second;
}

std::string CliArgs::text(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::int64_t CliArgs::integer(const std::string& name, std::int64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return fallback;
  std::size_t used = 0;
  std::int64_t value = 0;
  try {
    value = std::stoll(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || it->second.empty())
    throw std::runtime_error("option --" + name + " must be an integer, got '" + it->second + "'");
  return value;
}

double CliArgs::number(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return fallback;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || it->second.empty())
    throw std::runtime_error("option --" + name + " must be a number, got '" + it->second + "'");
  return value;
}

}  // namespace bench
