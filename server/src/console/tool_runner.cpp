#include "console/tool_runner.hpp"

#include <atomic>
#include <memory>

#include "mcp/protocol_version.hpp"
#include "mcp/request_context.hpp"

namespace bmcp::console {
namespace {

// The way back for one console tool call: no related messages (like a JSON response), the
// final response parsed and handed to `done`.
class CapturedChannel : public mcp::RequestChannel {
 public:
  explicit CapturedChannel(std::function<void(json::value)> done) : done_(std::move(done)) {}

  bool send_related(std::string_view) override { return false; }
  void complete(std::string_view json_text) override {
    auto parsed = parse_json(json_text);
    finish(parsed ? std::move(*parsed)
                  : json::value(json::object{{"error", "unreadable response"}}));
  }
  void abandon() override {
    finish(json::object{
        {"error", json::object{{"code", -32603}, {"message", "the call was cancelled"}}}});
  }

 private:
  void finish(json::value response) {
    if (!finished_.exchange(true))
      done_(std::move(response));
  }

  std::function<void(json::value)> done_;
  std::atomic<bool> finished_{false};
};

std::atomic<std::uint64_t> next_request{1};

}  // namespace

ToolRunner::ToolRunner(const mcp::Engine& engine, mcp::SessionTable& sessions)
    : engine_(engine), sessions_(sessions) {}

void ToolRunner::call(const ConsoleUser& user, const std::string& session_id,
                      const std::string& tool, json::object arguments, Done done) {
  std::shared_ptr<mcp::Session> session;
  if (!session_id.empty())
    session = sessions_.find(session_id, user.username);
  if (!session) {
    auto created = sessions_.create(user.username, user.uid, std::string(mcp::kLatestVersion));
    if (!created) {
      done(session_id,
           json::object{{"error", json::object{{"code", -32000},
                                               {"message", "Too many MCP sessions: " +
                                                               created.error().message}}}});
      return;
    }
    session = *created;
  }
  session->touch();
  const std::string id = session->id();
  auto channel = std::make_shared<CapturedChannel>(
      [id, done = std::move(done)](json::value response) { done(id, std::move(response)); });
  const mcp::Caller caller{user.username, user.username, user.roles, user.scopes};
  auto ctx = std::make_shared<mcp::RequestContext>(
      session, caller, json::value("console-" + std::to_string(next_request++)), "tools/call",
      std::nullopt, channel);
  engine_.handle_request(ctx, json::object{{"name", tool}, {"arguments", std::move(arguments)}});
}

void ToolRunner::end_session(const ConsoleUser& user, const std::string& session_id) {
  if (!session_id.empty())
    sessions_.end(session_id, user.username, mcp::SessionEndReason::kDeleted);
}

}  // namespace bmcp::console
