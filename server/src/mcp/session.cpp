#include "mcp/session.hpp"

#include <vector>

#include "mcp/request_context.hpp"

namespace bmcp::mcp {

std::string request_key(const json::value& id) {
  if (id.is_string())
    return "s:" + std::string(id.as_string());
  // An integer id's JSON text, without building a JSON string first (the key of every request).
  if (id.is_int64())
    return "n:" + std::to_string(id.get_int64());
  if (id.is_uint64())
    return "n:" + std::to_string(id.get_uint64());
  return "n:" + to_json_text(id);
}

Session::Session(std::string id, std::string user_id, std::string protocol_version,
                 const Clock& clock, StandaloneStreamLimits stream_limits)
    : id_(std::move(id)),
      user_id_(std::move(user_id)),
      protocol_version_(std::move(protocol_version)),
      clock_(clock),
      last_activity_ns_(clock.steady_now().time_since_epoch().count()),
      stream_(clock, stream_limits) {}

void Session::set_log_level(LogLevel level) {
  log_level_.store(static_cast<int>(level));
  std::shared_ptr<const std::function<void(LogLevel)>> observer;
  {
    std::lock_guard lock(mutex_);
    observer = level_observer_;
  }
  if (observer)
    (*observer)(level);
}

void Session::observe_level(std::function<void(LogLevel)> observer) {
  auto shared = std::make_shared<const std::function<void(LogLevel)>>(std::move(observer));
  std::lock_guard lock(mutex_);
  level_observer_ = std::move(shared);
}

void Session::touch() {
  last_activity_ns_.store(clock_.steady_now().time_since_epoch().count());
}

bool Session::is_idle(std::chrono::nanoseconds idle_limit) const {
  if (stream_.is_attached())
    return false;
  {
    std::lock_guard lock(mutex_);
    if (!in_flight_.empty())
      return false;
  }
  // Idle since the later of its last request and the moment its stream went away (contract
  // §4.6: no open stream *and* no request for the whole time): a client that only listens and
  // reconnects its stream is not ended in the moment between the old stream and the new one.
  auto since = last_activity();
  if (const auto detached = stream_.detached_since(); detached && *detached > since)
    since = *detached;
  return clock_.steady_now() - since >= idle_limit;
}

SteadyTime Session::last_activity() const {
  return SteadyTime(SteadyTime::duration(last_activity_ns_.load()));
}

void Session::add_in_flight(const std::string& request_key,
                            std::shared_ptr<RequestContext> context) {
  std::lock_guard lock(mutex_);
  in_flight_[request_key] = std::move(context);
}

void Session::remove_in_flight(const std::string& request_key) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(request_key);
}

std::shared_ptr<RequestContext> Session::find_in_flight(const std::string& request_key) const {
  std::lock_guard lock(mutex_);
  auto found = in_flight_.find(request_key);
  return found == in_flight_.end() ? nullptr : found->second;
}

json::value Session::register_client_request(ClientReplyHandler handler) {
  std::lock_guard lock(mutex_);
  json::value id(json::string("srv-" + std::to_string(next_client_request_++)));
  client_requests_[request_key(id)] = std::move(handler);
  return id;
}

bool Session::resolve_client_request(const json::value& id, ClientReply reply) {
  ClientReplyHandler handler;
  {
    std::lock_guard lock(mutex_);
    auto found = client_requests_.find(request_key(id));
    if (found == client_requests_.end())
      return false;
    handler = std::move(found->second);
    client_requests_.erase(found);
  }
  handler(std::move(reply));
  return true;
}

void Session::forget_client_request(const json::value& id) {
  std::lock_guard lock(mutex_);
  client_requests_.erase(request_key(id));
}

void Session::subscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.insert(uri);
}

void Session::unsubscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.erase(uri);
}

bool Session::is_subscribed(const std::string& uri) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.contains(uri);
}

bool Session::end() {
  if (ended_.exchange(true))
    return false;
  stream_.shut_down();
  std::vector<std::shared_ptr<RequestContext>> abandoned;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, context] : in_flight_)
      abandoned.push_back(context);
    in_flight_.clear();
    client_requests_.clear();
  }
  // Outside the lock: cancellation runs handlers' clean-up hooks.
  for (auto& context : abandoned)
    context->cancel();
  return true;
}

}  // namespace bmcp::mcp
