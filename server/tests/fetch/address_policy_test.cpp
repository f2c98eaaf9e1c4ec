#include "fetch/address_policy.hpp"

#include <gtest/gtest.h>

namespace bmcp::fetch {
namespace {

http::IpAddress ip(std::string_view text) {
  return *http::parse_ip_address(text);
}

TEST(NonPublicReason, PublicAddressesPass) {
  for (const auto* text : {"93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111",
                           "2a00:1450:4001:82a::200e", "172.32.0.1", "100.128.0.1"}) {
    EXPECT_EQ(non_public_reason(ip(text)), std::nullopt) << text;
  }
}

TEST(NonPublicReason, EachKindIsNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "a loopback address"},
      {"127.255.0.9", "a loopback address"},
      {"::1", "a loopback address"},
      {"::ffff:127.0.0.1", "a loopback address"},
      {"10.1.2.3", "a private address"},
      {"172.16.0.1", "a private address"},
      {"192.168.1.1", "a private address"},
      {"169.254.169.254", "a link-local address"},
      {"fe80::1", "a link-local address"},
      {"febf::1", "a link-local address"},
      {"fd00::1", "a unique-local address"},
      {"fc12::1", "a unique-local address"},
      {"224.0.0.1", "a multicast address"},
      {"ff02::1", "a multicast address"},
      {"0.0.0.0", "an unspecified (\"this network\") address"},
      {"::", "an unspecified address"},
      {"255.255.255.255", "a reserved or broadcast address"},
      {"100.64.0.1", "a shared (carrier-grade NAT) address"},
      {"64:ff9b::a9fe:a9fe", "a NAT64 address"},
      {"2002:a9fe:a9fe::1", "a 6to4 address"},
      {"::127.0.0.1", "an IPv4-compatible address"},
  };
  for (const auto& [text, reason] : cases) {
    EXPECT_EQ(non_public_reason(ip(text)), std::optional<std::string>(reason)) << text;
  }
}

TEST(AllowList, NetworksAllowAddressesInside) {
  auto list = AllowList::parse({"127.0.0.1", "10.0.0.0/8"});
  ASSERT_TRUE(list) << list.error();
  EXPECT_TRUE(list->allows("anything", 443, ip("127.0.0.1")));
  EXPECT_TRUE(list->allows("anything", 443, ip("10.9.9.9")));
  EXPECT_FALSE(list->allows("anything", 443, ip("127.0.0.2")));
  EXPECT_FALSE(list->allows("anything", 443, ip("169.254.169.254")));
}

TEST(AllowList, HostsAllowTheirNameAndPort) {
  auto list = AllowList::parse({"LocalHost:8443", "docs.internal"});
  ASSERT_TRUE(list) << list.error();
  EXPECT_TRUE(list->allows("localhost", 8443, ip("127.0.0.1")));
  EXPECT_FALSE(list->allows("localhost", 443, ip("127.0.0.1")));
  EXPECT_TRUE(list->allows("DOCS.internal", 9000, ip("10.0.0.1")));
  EXPECT_FALSE(list->allows("other.internal", 443, ip("10.0.0.1")));
}

TEST(AllowList, BadEntriesAreNamed) {
  for (const auto* entry :
       {"localhost:0", "localhost:99999", "host:port", "a b", "", "10.0.0.1/40", "under_score"}) {
    auto list = AllowList::parse({entry});
    ASSERT_FALSE(list) << entry;
    EXPECT_NE(list.error().find(std::string("'") + entry + "'"), std::string::npos) << list.error();
  }
}

TEST(AllowList, EmptyAllowsNothing) {
  auto list = AllowList::parse({});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
  EXPECT_FALSE(list->allows("localhost", 443, ip("127.0.0.1")));
}

}  // namespace
}  // namespace bmcp::fetch
