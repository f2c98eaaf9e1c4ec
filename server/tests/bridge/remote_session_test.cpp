#include "bridge/remote_session.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

namespace bmcp::bridge {
namespace {

using namespace std::chrono_literals;

// One request as the scripted server saw it, with the fake time it arrived at.
struct Seen {
  HttpCall call;
  SteadyTime at;

  const std::string* header(std::string_view name) const {
    for (const auto& [key, value] : call.headers)
      if (key == name)
        return &value;
    return nullptr;
  }
  std::string json_method() const {
    auto parsed = parse_json(call.body);
    if (!parsed || !parsed->is_object())
      return {};
    const auto* method = find_string(parsed->as_object(), "method");
    return method ? std::string(*method) : std::string{};
  }
  std::string json_field(std::string_view key) const {
    auto parsed = parse_json(call.body);
    const auto* value =
        parsed && parsed->is_object() ? find_string(parsed->as_object(), key) : nullptr;
    return value ? std::string(*value) : std::string{};
  }
};

using Handler = std::function<Result<HttpReply, std::string>(
    const Seen&, const std::function<void(SseEvent)>& on_event)>;

// Stands in for a blender-mcp HTTP server: every request is recorded and answered by the
// handler the test installs. Runs on the calling thread, without sockets.
class ScriptedServer final : public HttpExchange {
 public:
  Result<HttpReply, std::string> send(const HttpCall& call,
                                      const std::function<void(SseEvent)>& on_event,
                                      CallAbort* /*abort*/) const override {
    seen.push_back(Seen{call, clock.steady_now()});
    return handler(seen.back(), on_event);
  }
  const ServerUrl& url() const override { return url_; }

  FakeClock clock;
  Handler handler;
  mutable std::deque<Seen> seen;  // a deque: references stay valid while handlers add more

 private:
  ServerUrl url_{"server.test", 8000, "/prefix"};
};

HttpReply json_reply(int status, const json::object& body,
                     std::map<std::string, std::string, std::less<>> headers = {}) {
  HttpReply reply;
  reply.status = status;
  reply.body = to_json_text(body);
  reply.headers = std::move(headers);
  reply.headers["content-type"] = "application/json";
  return reply;
}

HttpReply tokens(std::string access, std::string refresh, int expires_in) {
  return json_reply(
      200, json::object{
               {"access_token", access}, {"refresh_token", refresh}, {"expires_in", expires_in}});
}

HttpReply initialize_reply(const std::string& session) {
  return json_reply(200,
                    json::object{{"jsonrpc", "2.0"},
                                 {"id", 0},
                                 {"result", json::object{{"protocolVersion", "2025-06-18"}}}},
                    {{"mcp-session-id", session}});
}

HttpReply accepted() {
  HttpReply reply;
  reply.status = 202;
  return reply;
}

// The default server: logins give "access-N"/"refresh-N" valid for `lifetime` seconds,
// refreshes with a known refresh token give the next pair, initialize gives "session-N",
// other MCP messages are answered with a result naming the session they arrived on.
struct Fixture {
  ScriptedServer server;
  int lifetime = 300;
  int issued = 0;
  int sessions = 0;

  Fixture() {
    server.handler = [this](const Seen& seen, const auto&) -> Result<HttpReply, std::string> {
      const auto& path = seen.call.target;
      if (path == "/prefix/auth/login") {
        ++issued;
        return tokens("access-" + std::to_string(issued), "refresh-" + std::to_string(issued),
                      lifetime);
      }
      if (path == "/prefix/auth/refresh") {
        if (seen.json_field("refresh_token") != "refresh-" + std::to_string(issued))
          return json_reply(401, json::object{{"detail", "unknown refresh token"}});
        ++issued;
        return tokens("access-" + std::to_string(issued), "refresh-" + std::to_string(issued),
                      lifetime);
      }
      if (seen.json_method() == "initialize")
        return initialize_reply("session-" + std::to_string(++sessions));
      if (seen.json_method() == "notifications/initialized")
        return accepted();
      const auto* session = seen.header("Mcp-Session-Id");
      return json_reply(200, json::object{{"jsonrpc", "2.0"},
                                          {"id", 1},
                                          {"result", session ? *session : std::string("none")}});
    };
  }

  RemoteSession session(Credentials credentials = {"ann", "secret", ""}) {
    return RemoteSession(
        server, server.clock,
        [this](std::chrono::milliseconds length) { server.clock.advance(length); },
        std::move(credentials), "1.2.3");
  }
};

const std::string kPing = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";

std::vector<std::string> forward(RemoteSession& session, const std::string& text = kPing) {
  std::vector<std::string> messages;
  auto sent = session.forward(text, [&](std::string_view m) { messages.emplace_back(m); });
  EXPECT_TRUE(sent.ok()) << (sent ? "" : sent.error());
  return messages;
}

TEST(RemoteSessionTest, OpenLogsInThenInitializesAndConfirms) {
  Fixture f;
  auto session = f.session();
  auto opened = session.open();
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(find_string(*opened, "protocolVersion")->c_str(), std::string("2025-06-18"));
  ASSERT_EQ(f.server.seen.size(), 3u);
  const auto& login = f.server.seen[0];
  EXPECT_EQ(login.call.method, "POST");
  EXPECT_EQ(login.call.target, "/prefix/auth/login");
  EXPECT_EQ(login.json_field("username"), "ann");
  EXPECT_EQ(login.json_field("password"), "secret");
  const auto& init = f.server.seen[1];
  EXPECT_EQ(init.call.target, "/prefix/mcp");
  EXPECT_EQ(init.json_method(), "initialize");
  EXPECT_EQ(*init.header("Authorization"), "Bearer access-1");
  EXPECT_EQ(*init.header("Accept"), "application/json, text/event-stream");
  EXPECT_EQ(init.header("Mcp-Session-Id"), nullptr);
  const auto& confirm = f.server.seen[2];
  EXPECT_EQ(confirm.json_method(), "notifications/initialized");
  EXPECT_EQ(*confirm.header("Mcp-Session-Id"), "session-1");
  EXPECT_EQ(*confirm.header("MCP-Protocol-Version"), "2025-06-18");
}

TEST(RemoteSessionTest, RefusedLoginNamesTheUserAndTheServersReason) {
  Fixture f;
  f.server.handler = [](const Seen&, const auto&) -> Result<HttpReply, std::string> {
    return json_reply(401, json::object{{"detail", "wrong username or password"}});
  };
  auto session = f.session();
  auto opened = session.open();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), "login as 'ann' failed: HTTP 401: wrong username or password");
  EXPECT_EQ(f.server.seen.size(), 1u);
}

TEST(RemoteSessionTest, LoginAnswerWithoutTokensIsAnError) {
  Fixture f;
  f.server.handler = [](const Seen&, const auto&) -> Result<HttpReply, std::string> {
    return json_reply(200, json::object{{"access_token", "a"}});
  };
  auto session = f.session();
  auto opened = session.open();
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("without access_token"), std::string::npos);
}

TEST(RemoteSessionTest, UnreachableServerErrorIsPassedOn) {
  Fixture f;
  f.server.handler = [](const Seen&, const auto&) -> Result<HttpReply, std::string> {
    return Unexpected{std::string("cannot connect to server.test:8000")};
  };
  auto session = f.session();
  auto opened = session.open();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), "cannot connect to server.test:8000");
}

TEST(RemoteSessionTest, InitializeWithoutSessionIdOrWithABadOneIsRefused) {
  for (const std::string bad : {"", "has space"}) {
    Fixture f;
    auto normal = f.server.handler;
    f.server.handler = [&](const Seen& seen, const auto& on_event) {
      if (seen.json_method() == "initialize") {
        auto reply = initialize_reply(bad);
        if (bad.empty())
          reply.headers.erase("mcp-session-id");
        return Result<HttpReply, std::string>(reply);
      }
      return normal(seen, on_event);
    };
    auto session = f.session();
    auto opened = session.open();
    ASSERT_FALSE(opened.ok()) << bad;
    EXPECT_NE(opened.error().find(bad.empty() ? "without a session id" : "not visible ASCII"),
              std::string::npos)
        << opened.error();
  }
}

TEST(RemoteSessionTest, TokenIsRefreshedAMinuteBeforeItExpires) {
  Fixture f;  // tokens live 300 s: refreshed after 240 s
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  f.server.clock.advance(239s);
  forward(session);
  EXPECT_EQ(*f.server.seen.back().header("Authorization"), "Bearer access-1");
  const auto before = f.server.seen.size();
  f.server.clock.advance(1s);
  EXPECT_EQ(forward(session).size(), 1u);
  ASSERT_EQ(f.server.seen.size(), before + 2);
  EXPECT_EQ(f.server.seen[before].call.target, "/prefix/auth/refresh");
  EXPECT_EQ(f.server.seen[before].json_field("refresh_token"), "refresh-1");
  EXPECT_EQ(*f.server.seen.back().header("Authorization"), "Bearer access-2");
}

TEST(RemoteSessionTest, ShortLivedTokenIsRefreshedHalfWayThrough) {
  Fixture f;
  f.lifetime = 40;  // a minute's margin would refresh on every call: half of 40 s instead
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  f.server.clock.advance(19s);
  forward(session);
  EXPECT_EQ(*f.server.seen.back().header("Authorization"), "Bearer access-1");
  f.server.clock.advance(1s);
  forward(session);
  EXPECT_EQ(*f.server.seen.back().header("Authorization"), "Bearer access-2");
}

TEST(RemoteSessionTest, FailedRefreshLogsInAgain) {
  Fixture f;
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  f.issued = 7;  // the server forgot refresh-1: refreshing is refused
  f.server.clock.advance(241s);
  const auto before = f.server.seen.size();
  forward(session);
  ASSERT_EQ(f.server.seen.size(), before + 3);
  EXPECT_EQ(f.server.seen[before].call.target, "/prefix/auth/refresh");
  EXPECT_EQ(f.server.seen[before + 1].call.target, "/prefix/auth/login");
  EXPECT_EQ(*f.server.seen.back().header("Authorization"), "Bearer access-8");
}

TEST(RemoteSessionTest, RefusedTokenIsRenewedOnceAndTheMessageSentAgain) {
  Fixture f;
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  auto normal = f.server.handler;
  int refusals = 0;
  f.server.handler = [&](const Seen& seen, const auto& on_event) {
    if (seen.json_method() == "ping" && *seen.header("Authorization") == "Bearer access-1") {
      ++refusals;
      return Result<HttpReply, std::string>(json_reply(401, json::object{}));
    }
    return normal(seen, on_event);
  };
  EXPECT_EQ(forward(session).size(), 1u);
  EXPECT_EQ(refusals, 1);
  EXPECT_EQ(*f.server.seen.back().header("Authorization"), "Bearer access-2");
}

TEST(RemoteSessionTest, GivenAccessTokenIsUsedAsItIsAndNeverRefreshed) {
  Fixture f;
  auto session = f.session(Credentials{"", "", "ready-token"});
  ASSERT_TRUE(session.open().ok());
  EXPECT_EQ(f.server.seen.front().json_method(), "initialize");
  EXPECT_EQ(*f.server.seen.front().header("Authorization"), "Bearer ready-token");
  f.server.clock.advance(24h);
  auto normal = f.server.handler;
  f.server.handler = [&](const Seen& seen, const auto& on_event) {
    if (seen.json_method() == "ping")
      return Result<HttpReply, std::string>(
          json_reply(401, json::object{{"detail", "token expired"}}));
    return normal(seen, on_event);
  };
  auto sent = session.forward(kPing, [](std::string_view) {});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error(), "the server refused the message: HTTP 401: token expired");
  for (const auto& seen : f.server.seen)
    EXPECT_EQ(seen.call.target.find("/auth/"), std::string::npos);
}

TEST(RemoteSessionTest, UnknownSessionIsReinitializedAndTheMessageSentAgain) {
  Fixture f;
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  auto normal = f.server.handler;
  f.server.handler = [&](const Seen& seen, const auto& on_event) {
    if (seen.json_method() == "ping" && *seen.header("Mcp-Session-Id") == "session-1")
      return Result<HttpReply, std::string>(json_reply(404, json::object{}));
    return normal(seen, on_event);
  };
  const auto messages = forward(session);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("session-2"), std::string::npos) << messages[0];
  EXPECT_EQ(f.sessions, 2);
}

TEST(RemoteSessionTest, SecondUnknownSessionInARowIsAnError) {
  Fixture f;
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  auto normal = f.server.handler;
  f.server.handler = [&](const Seen& seen, const auto& on_event) {
    if (seen.json_method() == "ping")
      return Result<HttpReply, std::string>(
          json_reply(404, json::object{{"detail", "unknown session"}}));
    return normal(seen, on_event);
  };
  auto sent = session.forward(kPing, [](std::string_view) {});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error(), "the server refused the message: HTTP 404: unknown session");
  EXPECT_EQ(f.sessions, 2);
}

TEST(RemoteSessionTest, StreamedReplyPassesEveryEventToTheSink) {
  Fixture f;
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  auto normal = f.server.handler;
  f.server.handler = [&](const Seen& seen, const auto& on_event) {
    if (seen.json_method() != "ping")
      return normal(seen, on_event);
    on_event(SseEvent{"1", R"({"method":"notifications/progress"})"});
    on_event(SseEvent{"2", R"({"id":1,"result":{}})"});
    HttpReply reply;
    reply.status = 200;
    reply.headers["content-type"] = "text/event-stream";
    return Result<HttpReply, std::string>(reply);
  };
  const auto messages = forward(session);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1], R"({"id":1,"result":{}})");
}

// The standalone stream: each GET is answered by `next_get` in turn; the last one closes the
// session, which ends run_stream.
struct StreamScript {
  Fixture f;
  std::vector<std::function<Result<HttpReply, std::string>(const Seen&,
                                                           const std::function<void(SseEvent)>&)>>
      gets;
  std::vector<std::string> received;

  std::vector<const Seen*> run() {
    auto session = f.session();
    EXPECT_TRUE(session.open().ok());
    auto normal = f.server.handler;
    std::size_t next = 0;
    f.server.handler = [&](const Seen& seen, const auto& on_event) {
      if (seen.call.method != "GET")
        return normal(seen, on_event);
      if (next + 1 >= gets.size())
        session.close();
      return gets.at(std::min(next++, gets.size() - 1))(seen, on_event);
    };
    session.run_stream([&](std::string_view m) { received.emplace_back(m); });
    std::vector<const Seen*> result;
    for (const auto& seen : f.server.seen)
      if (seen.call.method == "GET")
        result.push_back(&seen);
    return result;
  }
};

Result<HttpReply, std::string> stream_ended(const Seen&, const std::function<void(SseEvent)>&) {
  HttpReply reply;
  reply.status = 200;
  reply.headers["content-type"] = "text/event-stream";
  return reply;
}

TEST(RemoteSessionTest, StreamResumesAfterTheLastEventItSaw) {
  StreamScript script;
  script.gets = {[](const Seen& seen, const auto& on_event) {
                   on_event(SseEvent{"ev-1", "first"});
                   on_event(SseEvent{std::nullopt, "no id"});
                   on_event(SseEvent{"ev-2", "second"});
                   return stream_ended(seen, on_event);
                 },
                 stream_ended};
  const auto gets = script.run();
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[0]->header("Last-Event-ID"), nullptr);
  EXPECT_EQ(*gets[0]->header("Accept"), "text/event-stream");
  EXPECT_EQ(*gets[0]->header("Mcp-Session-Id"), "session-1");
  ASSERT_NE(gets[1]->header("Last-Event-ID"), nullptr);
  EXPECT_EQ(*gets[1]->header("Last-Event-ID"), "ev-2");
  EXPECT_EQ(gets[1]->at - gets[0]->at, 500ms);  // a stream that ran reconnects soon
  EXPECT_EQ(script.received, (std::vector<std::string>{"first", "no id", "second"}));
  EXPECT_EQ(script.f.server.seen.back().call.method, "DELETE");
}

TEST(RemoteSessionTest, StreamOfAForgottenSessionReinitializesAndStartsAfresh) {
  StreamScript script;
  script.gets = {[](const Seen& seen, const auto& on_event) {
                   on_event(SseEvent{"ev-9", "old"});
                   return stream_ended(seen, on_event);
                 },
                 [](const Seen&, const auto&) -> Result<HttpReply, std::string> {
                   return json_reply(404, json::object{});
                 },
                 stream_ended};
  const auto gets = script.run();
  ASSERT_EQ(gets.size(), 3u);
  EXPECT_EQ(*gets[1]->header("Last-Event-ID"), "ev-9");
  EXPECT_EQ(*gets[1]->header("Mcp-Session-Id"), "session-1");
  // The old session's event ids mean nothing to the new one.
  EXPECT_EQ(gets[2]->header("Last-Event-ID"), nullptr);
  EXPECT_EQ(*gets[2]->header("Mcp-Session-Id"), "session-2");
}

TEST(RemoteSessionTest, AStreamThatSawNoEventIdReopensFromBeforeTheFirstEvent) {
  StreamScript script;
  script.gets = {[](const Seen& seen, const auto& on_event) {
                   on_event(SseEvent{std::nullopt, "no id"});
                   return stream_ended(seen, on_event);
                 },
                 stream_ended};
  const auto gets = script.run();
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[0]->header("Last-Event-ID"), nullptr);
  ASSERT_NE(gets[1]->header("Last-Event-ID"), nullptr);
  EXPECT_EQ(*gets[1]->header("Last-Event-ID"), "0");
}

TEST(RemoteSessionTest, StreamReconnectsAfterFailuresWithGrowingPauses) {
  StreamScript script;
  auto fails = [](const Seen&, const auto&) -> Result<HttpReply, std::string> {
    return Unexpected{std::string("cannot connect")};
  };
  script.gets = {fails, fails, fails, fails, fails, fails, fails, stream_ended};
  const auto gets = script.run();
  ASSERT_EQ(gets.size(), 8u);
  std::vector<std::chrono::milliseconds> pauses;
  for (std::size_t i = 1; i < gets.size(); ++i)
    pauses.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(gets[i]->at - gets[i - 1]->at));
  EXPECT_EQ(pauses, (std::vector<std::chrono::milliseconds>{500ms, 1s, 2s, 4s, 5s, 5s, 5s}));
}

TEST(RemoteSessionTest, StreamRenewsARefusedToken) {
  StreamScript script;
  script.gets = {[](const Seen&, const auto&) -> Result<HttpReply, std::string> {
                   return json_reply(401, json::object{});
                 },
                 stream_ended};
  const auto gets = script.run();
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(*gets[0]->header("Authorization"), "Bearer access-1");
  EXPECT_EQ(*gets[1]->header("Authorization"), "Bearer access-2");
}

TEST(RemoteSessionTest, CloseDeletesTheSession) {
  Fixture f;
  auto session = f.session();
  ASSERT_TRUE(session.open().ok());
  session.close();
  const auto& last = f.server.seen.back();
  EXPECT_EQ(last.call.method, "DELETE");
  EXPECT_EQ(last.call.target, "/prefix/mcp");
  EXPECT_EQ(*last.header("Mcp-Session-Id"), "session-1");
}

TEST(RemoteSessionTest, CloseWithoutASessionSendsNothing) {
  Fixture f;
  auto session = f.session();
  session.close();
  EXPECT_TRUE(f.server.seen.empty());
}

}  // namespace
}  // namespace bmcp::bridge
