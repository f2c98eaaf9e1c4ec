#include "bus/client.hpp"

#include <gtest/gtest.h>

#include "fake_endpoint.hpp"

namespace bmcp::bus {
namespace {

using testing::FakeEndpoint;
constexpr std::chrono::seconds kGrace{15};

TEST(ClientUuid, AcceptsTheExampleUuids) {
  for (const char* uuid : {"blender-demo01", "blender-abc", "llm-myclient-001", "x"})
    EXPECT_TRUE(is_valid_client_uuid(uuid)) << uuid;
}

TEST(ClientUuid, RefusesEmptyTooLongWhitespaceControlAndServerOrigins) {
  EXPECT_FALSE(is_valid_client_uuid(""));
  EXPECT_FALSE(is_valid_client_uuid(std::string(129, 'a')));
  EXPECT_TRUE(is_valid_client_uuid(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_client_uuid("a b"));
  EXPECT_FALSE(is_valid_client_uuid("a\tb"));
  EXPECT_FALSE(is_valid_client_uuid("a\x01"));
  EXPECT_FALSE(is_valid_client_uuid("server:demo"));
  EXPECT_FALSE(is_valid_client_uuid("server-dispatch:demo"));
}

TEST(ClientUuid, TheReservedPrefixesMatchInAnyLetterCase) {
  for (const char* uuid : {"Server:x", "SERVER:x", "sErVeR:demo", "SERVER-DISPATCH:x",
                           "Server-Dispatch:demo", "server-DISPATCH:"}) {
    EXPECT_TRUE(is_reserved_origin(uuid)) << uuid;
    EXPECT_FALSE(is_valid_client_uuid(uuid)) << uuid;
  }
  for (const char* uuid : {"server", "servers:x", "my-server:x", "server-dispatch", "Serverx:"})
    EXPECT_FALSE(is_reserved_origin(uuid)) << uuid;
}

TEST(ClientInfo, HasTheContractKeysAndNeverTheBinding) {
  Client client;
  client.registration = {"blender-1", "blender", true, {"modeling"}, std::nullopt};
  client.connected_at = 1763726400.125;
  client.registered_at = 1763726431.5;
  client.endpoint = std::make_shared<FakeEndpoint>("s1");
  const auto info = client.info(1763726434.7, kGrace);
  EXPECT_EQ(to_json_text(info),
            R"({"uuid":"blender-1","client_type":"blender","is_persistent":true,)"
            R"("capabilities":["modeling"],"group_id":null,"connected_at":1763726400.125,)"
            R"("last_seen":1763726431.5,"online":true,"last_seen_seconds_ago":3.2})");
}

TEST(ClientInfo, LastSeenFollowsRequestsOnTheBoundSession) {
  Client client;
  client.registered_at = 100;
  auto endpoint = std::make_shared<FakeEndpoint>("s1");
  endpoint->last_request = 150;
  client.endpoint = endpoint;
  EXPECT_EQ(client.last_seen(), 150);
}

TEST(ClientInfo, AnUnboundClientIsOfflineWithItsLastSeenFrozen) {
  Client client;
  client.last_seen_when_unbound = 42;
  EXPECT_FALSE(client.online(kGrace));
  EXPECT_EQ(client.last_seen(), 42);
}

}  // namespace
}  // namespace bmcp::bus
