#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json_text.hpp"
#include "core/result.hpp"
#include "mcp/request_context.hpp"

namespace bmcp::mcp {

// A tool handler receives validated arguments (defaults not filled in; explicit nulls removed)
// and finishes the request, now or later, with ctx->respond(tool result) (see tool_result.hpp).
using ToolHandler =
    std::function<void(const std::shared_ptr<RequestContext>& ctx, const json::object& arguments)>;

struct Tool {
  std::string name;
  std::string description;
  json::object input_schema;                  // JSON Schema, type "object"
  std::optional<json::object> output_schema;  // declared when structuredContent has one shape
  ToolHandler handler;
};

// A resource reader finishes the request with ctx->respond({"contents":[...]}) or ctx->fail().
// `variables` holds the values matched from a template's {placeholders} (empty for fixed URIs).
using ResourceReader =
    std::function<void(const std::shared_ptr<RequestContext>& ctx, const std::string& uri,
                       const std::map<std::string, std::string>& variables)>;

struct Resource {
  std::string uri;
  std::string name;
  std::string description;
  std::string mime_type;
  ResourceReader reader;
};

struct ResourceTemplate {
  std::string uri_template;  // RFC 6570 level 1: literal text and {name} segments
  std::string name;
  std::string description;
  std::string mime_type;
  ResourceReader reader;
};

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

// Returns the prompts/get result ({description?, messages}) or an invalid-params message.
using PromptRenderer = std::function<Result<json::object, std::string>(
    const std::map<std::string, std::string>& arguments, const Caller& caller)>;

struct Prompt {
  std::string name;
  std::string description;
  std::vector<PromptArgument> arguments;
  PromptRenderer renderer;
};

// completion/complete: candidate values for one argument of a prompt or resource template.
using Completer = std::function<std::vector<std::string>(
    const json::object& ref, std::string_view argument_name, std::string_view partial_value)>;

// Everything the server offers. Filled at start-up by the composition root and the feature
// layers, then read-only while serving (so reads need no lock). Order of listing = order of
// registration. Registering a duplicate name is a programming error (throws logic_error).
class Registry {
 public:
  void add_tool(Tool tool);
  void add_resource(Resource resource);
  void add_resource_template(ResourceTemplate resource_template);
  void add_prompt(Prompt prompt);
  void set_completer(Completer completer) { completer_ = std::move(completer); }

  const Tool* find_tool(std::string_view name) const;
  const Resource* find_resource(std::string_view uri) const;
  // The first template matching `uri`, with its variables.
  const ResourceTemplate* match_template(std::string_view uri,
                                         std::map<std::string, std::string>& variables) const;
  const Prompt* find_prompt(std::string_view name) const;

  const std::vector<Tool>& tools() const { return tools_; }
  const std::vector<Resource>& resources() const { return resources_; }
  const std::vector<ResourceTemplate>& resource_templates() const { return templates_; }
  const std::vector<Prompt>& prompts() const { return prompts_; }
  const Completer& completer() const { return completer_; }

 private:
  std::vector<Tool> tools_;
  std::vector<Resource> resources_;
  std::vector<ResourceTemplate> templates_;
  std::vector<Prompt> prompts_;
  Completer completer_;
};

// Matches a level-1 URI template; each {var} matches one or more characters other than '/'.
bool match_uri_template(std::string_view uri_template, std::string_view uri,
                        std::map<std::string, std::string>& variables);

}  // namespace bmcp::mcp
