#include "http/ip_network.hpp"

#include <gtest/gtest.h>

namespace bmcp::http {
namespace {

IpAddress ip(std::string_view text) {
  auto address = parse_ip_address(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address.value_or(IpAddress{});
}

bool in(std::string_view network, std::string_view address) {
  auto parsed = IpNetwork::parse(network);
  EXPECT_TRUE(parsed.ok()) << network;
  return parsed.ok() && parsed->contains(ip(address));
}

TEST(ParseIpAddress, ReadsIpv4AndIpv6) {
  EXPECT_EQ(ip("192.0.2.1").to_string(), "192.0.2.1");
  EXPECT_TRUE(ip("192.0.2.1").is_v4());
  EXPECT_EQ(ip("2001:db8::1").to_string(), "2001:db8::1");
  EXPECT_FALSE(ip("2001:db8::1").is_v4());
}

TEST(ParseIpAddress, GivesOneSpellingPerAddress) {
  EXPECT_EQ(ip("2001:0DB8:0000:0000:0000:0000:0000:0001").to_string(), "2001:db8::1");
  EXPECT_EQ(ip("::ffff:127.0.0.1").to_string(), "127.0.0.1");
  EXPECT_EQ(ip("::ffff:127.0.0.1"), ip("127.0.0.1"));
}

TEST(ParseIpAddress, RefusesWhatIsNotABareAddress) {
  for (const char* text :
       {"", "localhost", "1.2.3", "1.2.3.4.5", "256.0.0.1", "010.0.0.1", "1.2.3.4:80", "[::1]",
        "::1%eth0", " 1.2.3.4", "1.2.3.4 ", "unknown", "2001:db8::1::2", "0x7f.0.0.1"}) {
    EXPECT_FALSE(parse_ip_address(text).has_value()) << text;
  }
  EXPECT_FALSE(parse_ip_address(std::string(100, '1')).has_value());
}

TEST(IpNetwork, ABlockContainsItsAddressesOnly) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(in("192.168.4.0/22", "192.168.7.255"));
  EXPECT_FALSE(in("192.168.4.0/22", "192.168.8.0"));
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
}

TEST(IpNetwork, ASingleAddressContainsOnlyItself) {
  EXPECT_TRUE(in("127.0.0.5", "127.0.0.5"));
  EXPECT_FALSE(in("127.0.0.5", "127.0.0.6"));
  EXPECT_TRUE(in("::1", "::1"));
  EXPECT_FALSE(in("::1", "::2"));
}

TEST(IpNetwork, Ipv4BlocksMatchIpv4MappedPeersAndNoIpv6) {
  EXPECT_TRUE(in("127.0.0.0/8", "::ffff:127.1.2.3"));
  EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
  EXPECT_FALSE(in("0.0.0.0/0", "2001:db8::1"));
  EXPECT_TRUE(in("::/0", "203.0.113.9"));
}

TEST(IpNetwork, RefusesBadBlocksWithTheReason) {
  EXPECT_EQ(IpNetwork::parse("proxy.local").error(),
            "'proxy.local' is not an IP address or CIDR block");
  EXPECT_EQ(IpNetwork::parse("/8").error(), "'/8' is not an IP address or CIDR block");
  EXPECT_EQ(IpNetwork::parse("10.0.0.0/33").error(),
            "'10.0.0.0/33' has a prefix length outside 0-32");
  EXPECT_EQ(IpNetwork::parse("10.0.0.0/").error(), "'10.0.0.0/' has a prefix length outside 0-32");
  EXPECT_EQ(IpNetwork::parse("10.0.0.0/x").error(),
            "'10.0.0.0/x' has a prefix length outside 0-32");
  EXPECT_EQ(IpNetwork::parse("::/129").error(), "'::/129' has a prefix length outside 0-128");
  EXPECT_EQ(IpNetwork::parse("10.0.0.1/8").error(),
            "'10.0.0.1/8' has address bits set beyond its /8 prefix");
}

}  // namespace
}  // namespace bmcp::http
