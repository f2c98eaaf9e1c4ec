#include "mcp/request_context.hpp"

#include "jsonrpc/codes.hpp"
#include "jsonrpc/message.hpp"

namespace bmcp::mcp {

std::optional<json::value> progress_token_of(const json::value& params) {
  const auto* object = params.if_object();
  const auto* meta = object ? find_object(*object, "_meta") : nullptr;
  const auto* token = meta ? meta->if_contains("progressToken") : nullptr;
  if (!token || !(token->is_string() || token->is_int64() || token->is_uint64()))
    return std::nullopt;
  return *token;
}

RequestContext::RequestContext(std::shared_ptr<Session> session, Caller caller, json::value id,
                               std::string method, std::optional<json::value> progress_token,
                               std::shared_ptr<RequestChannel> channel)
    : session_(std::move(session)),
      caller_(std::move(caller)),
      id_(std::move(id)),
      method_(std::move(method)),
      progress_token_(std::move(progress_token)),
      channel_(std::move(channel)) {}

void RequestContext::log(LogLevel level, std::string_view logger, json::value data) {
  if (!passes(level, session_->log_level()))
    return;
  json::object params{{"level", level_name(level)}, {"logger", logger}, {"data", std::move(data)}};
  std::lock_guard lock(mutex_);
  if (finished_ || cancelled_)
    return;
  channel_->send_related(to_json_text(jsonrpc::make_notification("notifications/message", params)));
}

void RequestContext::progress(double progress, std::optional<double> total,
                              std::optional<std::string> message) {
  if (!progress_token_)
    return;
  json::object params{{"progressToken", *progress_token_}, {"progress", progress}};
  if (total)
    params["total"] = *total;
  if (message)
    params["message"] = *message;
  std::lock_guard lock(mutex_);
  if (finished_ || cancelled_)
    return;
  channel_->send_related(
      to_json_text(jsonrpc::make_notification("notifications/progress", params)));
}

void RequestContext::request_client(std::string_view method, json::object params,
                                    ClientReplyHandler on_reply) {
  auto unreachable = [&on_reply](std::string_view why) {
    ClientReply reply;
    reply.error = json::object{{"code", jsonrpc::kInternalError}, {"message", why}};
    on_reply(std::move(reply));
  };
  const json::value id = session_->register_client_request(on_reply);
  bool sent = false;
  {
    std::lock_guard lock(mutex_);
    if (!finished_ && !cancelled_) {
      client_request_ids_.push_back(id);
      sent = channel_->send_related(to_json_text(jsonrpc::make_request(id, method, params)));
    }
  }
  if (!sent) {
    session_->forget_client_request(id);
    unreachable("the client cannot receive requests on this response");
  }
}

void RequestContext::respond(json::value result) {
  finish(jsonrpc::result_text(id_, result));
}

void RequestContext::fail(int code, std::string_view message, const json::value* data) {
  finish(to_json_text(jsonrpc::make_error(id_, code, message, data)));
}

bool RequestContext::finish(std::string_view json_text) {
  std::vector<json::value> leftovers;
  {
    std::lock_guard lock(mutex_);
    if (finished_ || cancelled_)
      return false;
    finished_ = true;
    cancel_hook_ = nullptr;
    leftovers.swap(client_request_ids_);
    channel_->complete(json_text);
  }
  session_->remove_in_flight(request_key(id_));
  for (const auto& id : leftovers)
    session_->forget_client_request(id);
  return true;
}

void RequestContext::on_cancel(std::function<void()> hook) {
  bool run_now = false;
  {
    std::lock_guard lock(mutex_);
    if (finished_)
      return;
    if (cancelled_) {
      run_now = true;
    } else {
      cancel_hook_ = std::move(hook);
    }
  }
  if (run_now)
    hook();
}

void RequestContext::cancel() {
  std::function<void()> hook;
  std::vector<json::value> leftovers;
  {
    std::lock_guard lock(mutex_);
    if (finished_ || cancelled_)
      return;
    cancelled_ = true;
    hook.swap(cancel_hook_);
    leftovers.swap(client_request_ids_);
    channel_->abandon();
  }
  session_->remove_in_flight(request_key(id_));
  for (const auto& id : leftovers)
    session_->forget_client_request(id);
  if (hook)
    hook();
}

bool RequestContext::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

}  // namespace bmcp::mcp
