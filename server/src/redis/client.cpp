#include "redis/client.hpp"

#include <fmt/format.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace bmcp::redis {

namespace net = boost::asio;

namespace {

Reply to_reply(const redisReply& in) {
  Reply out;
  switch (in.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.text.assign(in.str, in.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.text.assign(in.str, in.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.text.assign(in.str, in.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = in.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(in.elements);
      for (std::size_t i = 0; i < in.elements; ++i)
        out.elements.push_back(to_reply(*in.element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
      break;
  }
  return out;
}

}  // namespace

// Everything below runs on the I/O thread, except start(), stop(), command() (which post to
// it) and status() (under the status mutex).
struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  // One issued command: answered exactly once, by its reply, its timeout or the loss of the
  // connection.
  struct Pending {
    Callback done;
    std::optional<net::steady_timer> timer;
    bool answered = false;

    void answer(Result<Reply, std::string> result) {
      if (answered)
        return;
      answered = true;
      if (timer)
        timer->cancel();
      done(std::move(result));
    }
  };

  Impl(RedisEndpoint endpoint_in, ClientOptions options_in)
      : endpoint(std::move(endpoint_in)),
        options(options_in),
        work(net::make_work_guard(io)),
        reconnect_timer(io),
        backoff(options_in.reconnect_min) {}

  // --- connection ---

  void connect() {
    if (stopping)
      return;
    redisAsyncContext* context = redisAsyncConnect(endpoint.host.c_str(), endpoint.port);
    if (context == nullptr) {
      on_lost("out of memory while connecting");
      return;
    }
    if (context->err) {
      const std::string why = context->errstr;
      redisAsyncFree(context);
      on_lost(why);
      return;
    }
    ac = context;
    ++generation;
    descriptor.emplace(io, ac->c.fd);
    reading = writing = false;
    ac->data = this;
    ac->ev.data = this;
    ac->ev.addRead = [](void* self) { static_cast<Impl*>(self)->add_read(); };
    ac->ev.delRead = [](void* self) { static_cast<Impl*>(self)->reading = false; };
    ac->ev.addWrite = [](void* self) { static_cast<Impl*>(self)->add_write(); };
    ac->ev.delWrite = [](void* self) { static_cast<Impl*>(self)->writing = false; };
    ac->ev.cleanup = [](void* self) { static_cast<Impl*>(self)->cleanup(); };
    redisAsyncSetConnectCallback(ac, [](const redisAsyncContext* c, int code) {
      static_cast<Impl*>(c->data)->on_connect(code == REDIS_OK ? std::string() : c->errstr);
    });
    redisAsyncSetDisconnectCallback(ac, [](const redisAsyncContext* c, int code) {
      auto* self = static_cast<Impl*>(c->data);
      self->on_disconnect(code == REDIS_OK ? std::string("connection closed")
                                           : std::string(c->errstr));
    });
  }

  void on_connect(const std::string& error) {
    if (!error.empty()) {
      // hiredis frees the context after this callback.
      on_lost(error);
      return;
    }
    backoff = options.reconnect_min;
    // Connected from here on: AUTH and SELECT go first in the pipeline, so every command
    // issued after them runs authenticated in the right database.
    set_status(true, {});
    if (endpoint.password) {
      std::vector<std::string> auth{"AUTH"};
      if (endpoint.username)
        auth.push_back(*endpoint.username);
      auth.push_back(*endpoint.password);
      issue(std::move(auth), [self = shared_from_this()](Result<Reply, std::string> reply) {
        if (reply && reply->is_error())
          self->fail_connection("AUTH refused: " + reply->text);
      });
    }
    if (endpoint.db != 0) {
      issue({"SELECT", std::to_string(endpoint.db)},
            [self = shared_from_this()](Result<Reply, std::string> reply) {
              if (reply && reply->is_error())
                self->fail_connection("SELECT refused: " + reply->text);
            });
    }
    for (const auto& [channel, subscription] : subscriptions)
      send_subscribe(channel);
  }

  // --- pub/sub ---

  void send_subscribe(const std::string& channel) {
    const char* argv[] = {"SUBSCRIBE", channel.data()};
    const std::size_t lengths[] = {9, channel.size()};
    // hiredis keeps this callback for the channel: it is called for the confirmation, for each
    // message, and with no reply when the connection ends. `this` outlives the context.
    redisAsyncCommandArgv(
        ac,
        [](redisAsyncContext*, void* raw, void* privdata) {
          auto* reply = static_cast<redisReply*>(raw);
          if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
            return;
          const std::string kind(reply->element[0]->str, reply->element[0]->len);
          std::string name(reply->element[1]->str, reply->element[1]->len);
          auto* impl = static_cast<Impl*>(privdata);
          if (kind == "subscribe")
            impl->on_subscribed(name);
          else if (kind == "message")
            impl->on_message(name, std::string(reply->element[2]->str, reply->element[2]->len));
        },
        this, 2, argv, lengths);
  }

  void on_message(const std::string& channel, const std::string& message) {
    const auto found = subscriptions.find(channel);
    if (found != subscriptions.end())
      found->second.handler(channel, message);
  }

  void on_subscribed(const std::string& channel) {
    const auto found = subscriptions.find(channel);
    if (found != subscriptions.end() && found->second.subscribed)
      found->second.subscribed();
  }

  void on_disconnect(const std::string& why) { on_lost(why); }

  // A connection that works at the socket level but cannot be used (AUTH or SELECT refused).
  void fail_connection(const std::string& why) {
    last_failure = why;
    if (ac != nullptr)
      redisAsyncDisconnect(ac);
  }

  void on_lost(std::string why) {
    if (!last_failure.empty()) {
      why = last_failure;
      last_failure.clear();
    }
    set_status(false, why);
    if (stopping)
      return;
    reconnect_timer.expires_after(backoff);
    backoff = std::min(backoff * 2, options.reconnect_max);
    reconnect_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec)
        self->connect();
    });
  }

  void cleanup() {
    // hiredis is about to free the context and close its socket: let go of the descriptor
    // without closing it, and stop every wait on it.
    if (descriptor) {
      descriptor->cancel();
      descriptor->release();
      descriptor.reset();
    }
    reading = writing = false;
    ac = nullptr;
  }

  void add_read() {
    if (reading || !descriptor)
      return;
    reading = true;
    wait(net::posix::stream_descriptor::wait_read);
  }

  void add_write() {
    if (writing || !descriptor)
      return;
    writing = true;
    wait(net::posix::stream_descriptor::wait_write);
  }

  void wait(net::posix::stream_descriptor::wait_type type) {
    const auto current = generation;
    descriptor->async_wait(
        type, [self = shared_from_this(), type, current](const boost::system::error_code& ec) {
          if (ec || self->ac == nullptr || self->generation != current)
            return;
          const bool read = type == net::posix::stream_descriptor::wait_read;
          bool& armed = read ? self->reading : self->writing;
          if (!armed)
            return;
          armed = false;
          // hiredis re-arms through addRead/addWrite when it wants more.
          if (read)
            redisAsyncHandleRead(self->ac);
          else
            redisAsyncHandleWrite(self->ac);
          // Reading stays wanted for as long as the connection is open.
          if (read && self->ac != nullptr && self->generation == current)
            self->add_read();
        });
  }

  // --- commands ---

  void issue(std::vector<std::string> arguments, Callback done) {
    auto pending = std::make_shared<Pending>();
    pending->done = std::move(done);
    if (ac == nullptr || !connected_now()) {
      pending->answer(Unexpected{
          fmt::format("Redis at {} is unreachable: {}", endpoint.describe(), status_error())});
      return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(arguments.size());
    lengths.reserve(arguments.size());
    for (const auto& argument : arguments) {
      argv.push_back(argument.data());
      lengths.push_back(argument.size());
    }
    // hiredis owns a pointer to the pending command until it calls back (reply or loss).
    auto* held = new std::shared_ptr<Pending>(pending);
    const int rc = redisAsyncCommandArgv(
        ac,
        [](redisAsyncContext*, void* raw, void* privdata) {
          std::unique_ptr<std::shared_ptr<Pending>> owned(
              static_cast<std::shared_ptr<Pending>*>(privdata));
          auto* reply = static_cast<redisReply*>(raw);
          if (reply == nullptr)
            (*owned)->answer(Unexpected{std::string("the connection to Redis was lost")});
          else
            (*owned)->answer(to_reply(*reply));
        },
        held, static_cast<int>(argv.size()), argv.data(), lengths.data());
    if (rc != REDIS_OK) {
      delete held;
      pending->answer(
          Unexpected{fmt::format("Redis at {} refused the command: {}", endpoint.describe(),
                                 ac != nullptr ? ac->errstr : "disconnected")});
      return;
    }
    pending->timer.emplace(io);
    pending->timer->expires_after(options.command_timeout);
    pending->timer->async_wait([pending, this_timeout = options.command_timeout,
                                where = endpoint.describe()](const boost::system::error_code& ec) {
      if (!ec)
        pending->answer(Unexpected{
            fmt::format("Redis at {} did not answer within {} ms", where, this_timeout.count())});
    });
  }

  // --- status ---

  bool connected_now() const {
    std::lock_guard lock(status_mutex);
    return status.connected;
  }
  std::string status_error() const {
    std::lock_guard lock(status_mutex);
    return status.last_error.empty() ? std::string("not connected yet") : status.last_error;
  }
  void set_status(bool connected, std::string error) {
    std::lock_guard lock(status_mutex);
    status.connected = connected;
    if (!error.empty() || connected)
      status.last_error = std::move(error);
  }

  const RedisEndpoint endpoint;
  const ClientOptions options;
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work;
  net::steady_timer reconnect_timer;
  std::chrono::milliseconds backoff;
  std::optional<net::posix::stream_descriptor> descriptor;
  redisAsyncContext* ac = nullptr;
  std::uint64_t generation = 0;
  bool reading = false;
  bool writing = false;
  bool stopping = false;
  std::string last_failure;
  struct Subscription {
    MessageHandler handler;
    std::function<void()> subscribed;
  };
  std::map<std::string, Subscription> subscriptions;

  mutable std::mutex status_mutex;
  ClientStatus status;

  std::thread thread;
  std::once_flag started;
};

Client::Client(RedisEndpoint endpoint, ClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(endpoint), options)) {}

Client::~Client() {
  stop();
}

void Client::start() {
  std::call_once(impl_->started, [this] {
    net::post(impl_->io, [impl = impl_] { impl->connect(); });
    impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
  });
}

void Client::stop() {
  if (!impl_->thread.joinable())
    return;
  net::post(impl_->io, [impl = impl_] {
    impl->stopping = true;
    impl->reconnect_timer.cancel();
    // Frees the context at once, even with a stuck server: pending commands are answered
    // with the loss of the connection, then cleanup runs.
    if (impl->ac != nullptr)
      redisAsyncFree(impl->ac);
    impl->work.reset();
  });
  impl_->thread.join();
}

void Client::command(std::vector<std::string> arguments, Callback done) {
  net::post(impl_->io,
            [impl = impl_, arguments = std::move(arguments), done = std::move(done)]() mutable {
              impl->issue(std::move(arguments), std::move(done));
            });
}

Result<Reply, std::string> Client::run(std::vector<std::string> arguments) {
  auto promise = std::make_shared<std::promise<Result<Reply, std::string>>>();
  auto future = promise->get_future();
  command(std::move(arguments),
          [promise](Result<Reply, std::string> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(impl_->options.command_timeout + std::chrono::seconds(1)) !=
      std::future_status::ready) {
    return Unexpected{std::string("the Redis client did not answer (is it started?)")};
  }
  return future.get();
}

void Client::subscribe(std::string channel, MessageHandler handler,
                       std::function<void()> subscribed) {
  net::post(impl_->io, [impl = impl_, channel = std::move(channel), handler = std::move(handler),
                        subscribed = std::move(subscribed)]() mutable {
    const bool fresh = !impl->subscriptions.contains(channel);
    impl->subscriptions[channel] = {std::move(handler), std::move(subscribed)};
    if (fresh && impl->ac != nullptr && impl->connected_now())
      impl->send_subscribe(channel);
  });
}

void Client::unsubscribe(std::string channel) {
  net::post(impl_->io, [impl = impl_, channel = std::move(channel)] {
    if (impl->subscriptions.erase(channel) == 0 || impl->ac == nullptr || !impl->connected_now())
      return;
    const char* argv[] = {"UNSUBSCRIBE", channel.data()};
    const std::size_t lengths[] = {11, channel.size()};
    redisAsyncCommandArgv(impl->ac, nullptr, nullptr, 2, argv, lengths);
  });
}

ClientStatus Client::status() const {
  std::lock_guard lock(impl_->status_mutex);
  return impl_->status;
}

const RedisEndpoint& Client::endpoint() const {
  return impl_->endpoint;
}

}  // namespace bmcp::redis
