#include "redis/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "redis_server.hpp"

namespace bmcp::redis {
namespace {

using namespace std::chrono_literals;
using testing::RedisServer;

RedisEndpoint endpoint_of(const RedisServer& server) {
  return *parse_redis_url(server.url());
}

bool wait_connected(const Client& client, std::chrono::milliseconds limit = 5000ms);

// A started redis-server and a client connected to it.
struct Connected {
  explicit Connected(ClientOptions options = {}, std::vector<std::string> server_arguments = {})
      : server(std::move(server_arguments)) {
    started = server.start();
    client.emplace(endpoint_of(server), options);
    client->start();
    connected = started && wait_connected(*client);
  }
  RedisServer server;
  std::optional<Client> client;
  bool started = false;
  bool connected = false;
};

bool wait_connected(const Client& client, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.status().connected)
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(RedisClient, RepliesOfEveryTypeComeBackAsValues) {
  Connected redis;
  ASSERT_TRUE(redis.connected);
  Client& client = *redis.client;

  auto pong = client.run({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.error();
  EXPECT_EQ(pong->type, Reply::Type::kStatus);
  EXPECT_EQ(pong->text, "PONG");

  const std::string binary("a\0b\r\nc", 6);
  ASSERT_TRUE(client.run({"SET", "key", binary}).ok());
  auto got = client.run({"GET", "key"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->type, Reply::Type::kString);
  EXPECT_EQ(got->text, binary);

  EXPECT_TRUE(client.run({"GET", "missing"})->is_nil());
  EXPECT_EQ(client.run({"INCRBY", "n", "41"})->integer, 41);

  ASSERT_TRUE(client.run({"RPUSH", "list", "x", "y"}).ok());
  auto list = client.run({"LRANGE", "list", "0", "-1"});
  ASSERT_EQ(list->type, Reply::Type::kArray);
  ASSERT_EQ(list->elements.size(), 2u);
  EXPECT_EQ(list->elements[1].text, "y");

  auto wrong = client.run({"LPUSH", "key", "z"});
  ASSERT_TRUE(wrong.ok());
  EXPECT_TRUE(wrong->is_error());
  EXPECT_NE(wrong->text.find("WRONGTYPE"), std::string::npos);
}

TEST(RedisClient, CommandsAreAnsweredInTheOrderTheyWereIssued) {
  Connected redis;
  ASSERT_TRUE(redis.connected);
  Client& client = *redis.client;
  std::vector<long long> answers;
  std::mutex mutex;
  std::atomic<int> done{0};
  for (int i = 0; i < 500; ++i) {
    client.command({"INCR", "counter"}, [&](Result<Reply, std::string> reply) {
      std::lock_guard lock(mutex);
      answers.push_back(reply->integer);
      ++done;
    });
  }
  while (done < 500)
    std::this_thread::sleep_for(1ms);
  for (int i = 0; i < 500; ++i)
    EXPECT_EQ(answers[i], i + 1);
}

TEST(RedisClient, WhileRedisIsDownCommandsFailAtOnceNamingTheServer) {
  RedisServer server;  // never started
  Client client(endpoint_of(server), ClientOptions{5000ms, 50ms, 200ms});
  client.start();
  const auto started = std::chrono::steady_clock::now();
  auto reply = client.run({"PING"});
  ASSERT_FALSE(reply.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_NE(reply.error().find("unreachable"), std::string::npos) << reply.error();
  EXPECT_NE(reply.error().find(std::to_string(server.port())), std::string::npos);
  EXPECT_FALSE(client.status().connected);
}

TEST(RedisClient, ReconnectsByItselfWhenRedisComesBack) {
  Connected redis(ClientOptions{2000ms, 50ms, 200ms});
  ASSERT_TRUE(redis.connected);
  RedisServer& server = redis.server;
  Client& client = *redis.client;
  server.stop();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (client.status().connected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(client.status().connected);
  EXPECT_FALSE(client.status().last_error.empty());
  EXPECT_FALSE(client.run({"PING"}).ok());
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(wait_connected(client));
  auto pong = client.run({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.error();
  EXPECT_EQ(pong->text, "PONG");
}

TEST(RedisClient, ACommandInFlightWhenTheConnectionDiesFailsInsteadOfHanging) {
  Connected redis(ClientOptions{10000ms, 50ms, 200ms});
  ASSERT_TRUE(redis.connected);
  RedisServer& server = redis.server;
  Client& client = *redis.client;
  std::thread killer([&] {
    std::this_thread::sleep_for(200ms);
    server.stop();
  });
  const auto started = std::chrono::steady_clock::now();
  auto reply = client.run({"BLPOP", "never", "0"});
  killer.join();
  ASSERT_FALSE(reply.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_NE(reply.error().find("lost"), std::string::npos) << reply.error();
}

TEST(RedisClient, ASlowCommandTimesOut) {
  Connected redis(ClientOptions{300ms, 50ms, 200ms});
  ASSERT_TRUE(redis.connected);
  Client& client = *redis.client;
  auto reply = client.run({"BLPOP", "never", "0"});
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().find("did not answer within 300 ms"), std::string::npos) << reply.error();
}

TEST(RedisClient, AuthenticatesAndSelectsTheDatabaseOfTheUrl) {
  RedisServer server({"--requirepass", "pw"});
  ASSERT_TRUE(server.start());
  auto endpoint = *parse_redis_url("redis://:pw@127.0.0.1:" + std::to_string(server.port()) + "/3");
  Client client(endpoint);
  client.start();
  ASSERT_TRUE(wait_connected(client));
  ASSERT_TRUE(client.run({"SET", "where", "three"}).ok());
  auto db = client.run({"CLIENT", "INFO"});
  ASSERT_TRUE(db.ok());
  EXPECT_NE(db->text.find("db=3"), std::string::npos) << db->text;

  auto wrong = *parse_redis_url("redis://:nope@127.0.0.1:" + std::to_string(server.port()));
  Client refused(wrong, ClientOptions{2000ms, 50ms, 200ms});
  refused.start();
  std::this_thread::sleep_for(300ms);
  auto reply = refused.run({"GET", "where"});
  EXPECT_TRUE(!reply.ok() || reply->is_error());
}

TEST(RedisClient, StopAnswersPendingCommandsAndReturns) {
  RedisServer server;
  ASSERT_TRUE(server.start());
  auto client = std::make_unique<Client>(endpoint_of(server));
  client->start();
  ASSERT_TRUE(wait_connected(*client));
  std::atomic<bool> answered{false};
  client->command({"BLPOP", "never", "0"},
                  [&](Result<Reply, std::string> reply) { answered = !reply.ok(); });
  std::this_thread::sleep_for(100ms);
  client->stop();
  EXPECT_TRUE(answered);
}

// Collects the messages a subscriber receives.
struct Inbox {
  std::mutex mutex;
  std::vector<std::string> messages;
  Client::MessageHandler handler() {
    return [this](const std::string& channel, const std::string& message) {
      std::lock_guard lock(mutex);
      messages.push_back(channel + ":" + message);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (size() < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    return size() >= count;
  }
};

// PUBLISH until the subscriber has heard `count` messages (a subscription is confirmed
// asynchronously, so the first publishes may reach no one).
bool publish_until_heard(Client& publisher, Inbox& inbox, const std::string& channel,
                         std::size_t count) {
  for (int i = 0; i < 200 && inbox.size() < count; ++i) {
    (void)publisher.run({"PUBLISH", channel, "ping"});
    inbox.wait_for(count, 20ms);
  }
  return inbox.size() >= count;
}

TEST(RedisSubscriber, ReceivesPublishedMessagesAndResubscribesAfterAReconnection) {
  RedisServer server;
  ASSERT_TRUE(server.start());
  Client publisher(endpoint_of(server), ClientOptions{2000ms, 50ms, 200ms});
  Client subscriber(endpoint_of(server), ClientOptions{2000ms, 50ms, 200ms});
  publisher.start();
  subscriber.start();
  Inbox inbox;
  subscriber.subscribe("bmcp:wake", inbox.handler());
  ASSERT_TRUE(wait_connected(publisher));
  ASSERT_TRUE(publish_until_heard(publisher, inbox, "bmcp:wake", 1));
  EXPECT_EQ(inbox.messages[0], "bmcp:wake:ping");
  auto other = publisher.run({"PUBLISH", "bmcp:other", "x"});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->integer, 0);

  server.stop();
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(wait_connected(publisher));
  const auto before = inbox.size();
  EXPECT_TRUE(publish_until_heard(publisher, inbox, "bmcp:wake", before + 1));
}

TEST(RedisSubscriber, EachConfirmationIsToldAndAMessageAfterItIsHeardAtOnce) {
  RedisServer server;
  ASSERT_TRUE(server.start());
  Client publisher(endpoint_of(server), ClientOptions{2000ms, 50ms, 200ms});
  Client subscriber(endpoint_of(server), ClientOptions{2000ms, 50ms, 200ms});
  publisher.start();
  subscriber.start();
  Inbox inbox;
  std::atomic<int> confirmed{0};
  subscriber.subscribe("bmcp:wake", inbox.handler(), [&] { ++confirmed; });
  ASSERT_TRUE(wait_connected(publisher));
  const auto wait_confirmed = [&](int count) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (confirmed < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    return confirmed >= count;
  };
  ASSERT_TRUE(wait_confirmed(1));
  // Once confirmed, the first publish is heard: no retries needed.
  EXPECT_EQ(publisher.run({"PUBLISH", "bmcp:wake", "first"})->integer, 1);
  ASSERT_TRUE(inbox.wait_for(1));

  server.stop();
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(wait_confirmed(2));
  ASSERT_TRUE(wait_connected(publisher));
  EXPECT_EQ(publisher.run({"PUBLISH", "bmcp:wake", "again"})->integer, 1);
  ASSERT_TRUE(inbox.wait_for(2));
  EXPECT_EQ(confirmed, 2);
}

TEST(RedisSubscriber, UnsubscribedChannelsAreNoLongerDelivered) {
  RedisServer server;
  ASSERT_TRUE(server.start());
  Client publisher(endpoint_of(server));
  Client subscriber(endpoint_of(server));
  publisher.start();
  subscriber.start();
  Inbox inbox;
  subscriber.subscribe("a", inbox.handler());
  ASSERT_TRUE(wait_connected(publisher));
  ASSERT_TRUE(publish_until_heard(publisher, inbox, "a", 1));
  subscriber.unsubscribe("a");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto heard = publisher.run({"PUBLISH", "a", "late"});
    if (heard.ok() && heard->integer == 0)
      break;
    std::this_thread::sleep_for(10ms);
  }
  const auto count = inbox.size();
  EXPECT_EQ(publisher.run({"PUBLISH", "a", "later"})->integer, 0);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(inbox.size(), count);
}

}  // namespace
}  // namespace bmcp::redis
