#include "cluster/shared_store.hpp"

#include <thread>

#include "cluster/bus_library.hpp"

namespace bmcp::cluster {
namespace {

std::vector<std::string> fcall(const std::string& function, std::vector<std::string> arguments) {
  std::vector<std::string> command{"FCALL", function, "0"};
  command.reserve(arguments.size() + 3);
  for (auto& argument : arguments)
    command.push_back(std::move(argument));
  return command;
}

bool is_timeout(const std::string& error) {
  return error.find("did not answer") != std::string::npos;
}

bool is_missing_function(const redis::Reply& reply) {
  return reply.is_error() && reply.text.find("Function not found") != std::string::npos;
}

}  // namespace

SharedStore::SharedStore(redis::RedisEndpoint endpoint, redis::ClientOptions options)
    : commands_(endpoint, options), subscriber_(endpoint, options) {}

SharedStore::~SharedStore() {
  stop();
}

Result<void, std::string> SharedStore::start(std::chrono::milliseconds connect_wait) {
  commands_.start();
  subscriber_.start();
  const auto deadline = std::chrono::steady_clock::now() + connect_wait;
  while (!commands_.status().connected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return load_library();
}

void SharedStore::stop() {
  subscriber_.stop();
  commands_.stop();
}

void SharedStore::observe(const Result<redis::Reply, std::string>& answer) {
  if (answer)
    stalled_ = false;
  else if (is_timeout(answer.error()))
    stalled_ = true;
}

Result<redis::Reply, std::string> SharedStore::run(std::vector<std::string> command) {
  if (stalled_)
    return Unexpected{std::string("Redis at ") + commands_.endpoint().describe() +
                      " stopped answering; waiting for it to answer again"};
  auto answer = commands_.run(std::move(command));
  observe(answer);
  return answer;
}

redis::ClientStatus SharedStore::status() const {
  auto status = commands_.status();
  if (stalled_) {
    status.connected = false;
    status.last_error = "Redis stopped answering";
  }
  return status;
}

Result<void, std::string> SharedStore::load_library() {
  auto reply = run({"FUNCTION", "LOAD", "REPLACE", std::string(bus_library_source())});
  if (!reply)
    return Unexpected{unreachable_detail(reply.error())};
  if (reply->is_error())
    return Unexpected{"Redis refused the bus function library: " + reply->text};
  return {};
}

Result<redis::Reply, std::string> SharedStore::call(const std::string& function,
                                                    std::vector<std::string> arguments) {
  auto reply = run(fcall(function, arguments));
  if (reply && is_missing_function(*reply)) {
    if (auto loaded = load_library(); !loaded)
      return Unexpected{loaded.error()};
    reply = run(fcall(function, std::move(arguments)));
  }
  if (!reply)
    return Unexpected{unreachable_detail(reply.error())};
  if (reply->is_error())
    return Unexpected{"the shared store refused " + function + ": " + reply->text};
  return std::move(reply.value());
}

void SharedStore::call_async(const std::string& function, std::vector<std::string> arguments,
                             redis::Client::Callback done) {
  command_async(fcall(function, std::move(arguments)), std::move(done));
}

Result<redis::Reply, std::string> SharedStore::command(std::vector<std::string> arguments) {
  auto reply = run(std::move(arguments));
  if (!reply)
    return Unexpected{unreachable_detail(reply.error())};
  if (reply->is_error())
    return Unexpected{"the shared store refused a command: " + reply->text};
  return std::move(reply.value());
}

void SharedStore::command_async(std::vector<std::string> arguments, redis::Client::Callback done) {
  // Asynchronous commands are sent even while stalled: their answers tell when it is over.
  commands_.command(std::move(arguments),
                    [this, done = std::move(done)](Result<redis::Reply, std::string> answer) {
                      observe(answer);
                      done(std::move(answer));
                    });
}

std::string unreachable_detail(const std::string& reason) {
  return "the server cannot reach its shared store (Redis): " + reason;
}

}  // namespace bmcp::cluster
