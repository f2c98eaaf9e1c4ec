// Command-line options of the form --name value (or --flag). Unknown names and missing or
// malformed values are errors that name the option, so a typo never silently changes a run.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace bench {

class CliArgs {
 public:
  // `known` lists the accepted option names (without "--"); `flags` those that take no value.
  // Throws std::runtime_error on an unknown option or a missing value.
  CliArgs(int argc, char** argv, const std::set<std::string>& known,
          const std::set<std::string>& flags = {});

  bool has(const std::string& name) const;
  std::string text(const std::string& name) const;  // required
  std::string text(const std::string& name, const std::string& fallback) const;
  std::int64_t integer(const std::string& name, std::int64_t fallback) const;
  double number(const std::string& name, double fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace bench
