#include "mcp/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace bmcp::mcp {
namespace {

template <class T, class Key>
const T* find_by(const std::vector<T>& items, std::string_view key, Key T::*member) {
  auto found =
      std::find_if(items.begin(), items.end(), [&](const T& item) { return item.*member == key; });
  return found == items.end() ? nullptr : &*found;
}

template <class T, class Key>
void add_unique(std::vector<T>& items, T item, Key T::*member, std::string_view kind) {
  if (find_by(items, item.*member, member)) {
    throw std::logic_error(std::string(kind) + " registered twice: " + item.*member);
  }
  items.push_back(std::move(item));
}

}  // namespace

void Registry::add_tool(Tool tool) {
  add_unique(tools_, std::move(tool), &Tool::name, "tool");
}

void Registry::add_resource(Resource resource) {
  add_unique(resources_, std::move(resource), &Resource::uri, "resource");
}

void Registry::add_resource_template(ResourceTemplate resource_template) {
  add_unique(templates_, std::move(resource_template), &ResourceTemplate::uri_template,
             "resource template");
}

void Registry::add_prompt(Prompt prompt) {
  add_unique(prompts_, std::move(prompt), &Prompt::name, "prompt");
}

const Tool* Registry::find_tool(std::string_view name) const {
  return find_by(tools_, name, &Tool::name);
}

const Resource* Registry::find_resource(std::string_view uri) const {
  return find_by(resources_, uri, &Resource::uri);
}

const ResourceTemplate* Registry::match_template(
    std::string_view uri, std::map<std::string, std::string>& variables) const {
  for (const auto& candidate : templates_) {
    variables.clear();
    if (match_uri_template(candidate.uri_template, uri, variables))
      return &candidate;
  }
  variables.clear();
  return nullptr;
}

const Prompt* Registry::find_prompt(std::string_view name) const {
  return find_by(prompts_, name, &Prompt::name);
}

bool match_uri_template(std::string_view uri_template, std::string_view uri,
                        std::map<std::string, std::string>& variables) {
  std::size_t t = 0;
  std::size_t u = 0;
  while (t < uri_template.size()) {
    if (uri_template[t] != '{') {
      if (u >= uri.size() || uri[u] != uri_template[t])
        return false;
      ++t;
      ++u;
      continue;
    }
    const std::size_t close = uri_template.find('}', t);
    if (close == std::string_view::npos)
      return false;
    const std::string name(uri_template.substr(t + 1, close - t - 1));
    t = close + 1;
    // The variable runs up to the next literal character of the template (or '/').
    const char stop = t < uri_template.size() ? uri_template[t] : '\0';
    std::size_t end = u;
    while (end < uri.size() && uri[end] != '/' && (stop == '\0' || uri[end] != stop))
      ++end;
    if (end == u)
      return false;
    variables[name] = std::string(uri.substr(u, end - u));
    u = end;
  }
  return u == uri.size();
}

}  // namespace bmcp::mcp
