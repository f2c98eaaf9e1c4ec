#include "http/trusted_proxies.hpp"

#include <gtest/gtest.h>

namespace bmcp::http {
namespace {

TrustedProxies proxies(std::vector<std::string> entries) {
  auto parsed = TrustedProxies::parse(entries);
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? *parsed : TrustedProxies{};
}

HttpRequest from(std::string peer, std::vector<std::string> forwarded_for = {}) {
  HttpRequest request;
  request.remote_address = std::move(peer);
  for (auto& value : forwarded_for)
    request.headers.add("X-Forwarded-For", std::move(value));
  return request;
}

TEST(TrustedProxies, WithoutProxiesThePeerIsTheClient) {
  const TrustedProxies none;
  EXPECT_EQ(none.client_address(from("10.0.0.2", {"203.0.113.7"})), "10.0.0.2");
}

TEST(TrustedProxies, AnUntrustedPeersHeaderIsIgnored) {
  const auto trusted = proxies({"10.0.0.1"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.2", {"203.0.113.7"})), "10.0.0.2");
}

TEST(TrustedProxies, ATrustedPeerTellsTheClient) {
  const auto trusted = proxies({"10.0.0.1"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"203.0.113.7"})), "203.0.113.7");
}

TEST(TrustedProxies, TheRightMostUntrustedEntryIsTheClient) {
  // The client wrote "1.1.1.1" itself; the proxy appended the address it saw.
  const auto trusted = proxies({"10.0.0.0/8"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"1.1.1.1, 203.0.113.7, 10.0.0.9"})),
            "203.0.113.7");
}

TEST(TrustedProxies, SeveralFieldsAreReadInOrder) {
  const auto trusted = proxies({"10.0.0.0/8"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"1.1.1.1, 203.0.113.7", "10.0.0.9"})),
            "203.0.113.7");
}

TEST(TrustedProxies, WhenEveryEntryIsAProxyTheLeftMostIsTheClient) {
  const auto trusted = proxies({"10.0.0.0/8"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"10.0.0.3, 10.0.0.9"})), "10.0.0.3");
}

TEST(TrustedProxies, ATrustedPeerWithoutTheHeaderIsTheClient) {
  const auto trusted = proxies({"10.0.0.1"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1")), "10.0.0.1");
}

TEST(TrustedProxies, AMalformedHeaderFallsBackToThePeer) {
  const auto trusted = proxies({"10.0.0.1"});
  for (const char* header : {"", " ", "unknown", "203.0.113.7,", "203.0.113.7, ", "203.0.113",
                             "example.com", "2001:db8::1:80x", "[203.0.113.7]", "[2001:db8::1",
                             "203.0.113.7:99999", "203.0.113.7:", "\x01\xff"}) {
    EXPECT_EQ(trusted.client_address(from("10.0.0.1", {header})), "10.0.0.1") << header;
  }
}

TEST(TrustedProxies, GarbageLeftOfTheClientIsNeverRead) {
  const auto trusted = proxies({"10.0.0.1"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"not-an-address, 203.0.113.7"})),
            "203.0.113.7");
}

TEST(TrustedProxies, EntriesMayCarryPortsAndBrackets) {
  const auto trusted = proxies({"10.0.0.1"});
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"203.0.113.7:4711"})), "203.0.113.7");
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"[2001:DB8::7]:4711"})), "2001:db8::7");
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {" [2001:db8::7] "})), "2001:db8::7");
  EXPECT_EQ(trusted.client_address(from("10.0.0.1", {"2001:db8::7"})), "2001:db8::7");
}

TEST(TrustedProxies, PeersAreMatchedAndWrittenInOneSpelling) {
  const auto trusted = proxies({"127.0.0.0/8"});
  EXPECT_EQ(trusted.client_address(from("::ffff:127.0.0.1", {"203.0.113.7"})), "203.0.113.7");
  EXPECT_EQ(TrustedProxies{}.client_address(from("::ffff:127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(TrustedProxies{}.client_address(from("fe80::1%eth0")), "fe80::1");
  EXPECT_EQ(TrustedProxies{}.client_address(from("")), "");
}

TEST(TrustedProxies, ParseNamesTheBadEntry) {
  const auto parsed = TrustedProxies::parse({"10.0.0.1", "10.0.0.0/40"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), "'10.0.0.0/40' has a prefix length outside 0-32");
}

}  // namespace
}  // namespace bmcp::http
