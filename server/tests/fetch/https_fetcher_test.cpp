#include "fetch/https_fetcher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace bmcp::fetch {
namespace {

std::unique_ptr<HttpsFetcher> make(std::vector<std::string> allow = {}) {
  FetchOptions options;
  options.allow = *AllowList::parse(allow);
  options.time_limit = std::chrono::milliseconds(2000);
  auto fetcher = HttpsFetcher::create(std::move(options));
  EXPECT_TRUE(fetcher) << fetcher.error();
  return std::move(*fetcher);
}

std::string error_of(const HttpsFetcher& fetcher, std::string_view url) {
  auto got = fetcher.get(url);
  EXPECT_FALSE(got) << url;
  return got ? "" : got.error();
}

TEST(HttpsFetcher, OnlyHttpsUrls) {
  const auto fetcher = make();
  EXPECT_EQ(error_of(*fetcher, "http://example.com/client.json"), "only https URLs are fetched");
  EXPECT_EQ(error_of(*fetcher, "ftp://example.com/client.json"), "only https URLs are fetched");
  EXPECT_EQ(error_of(*fetcher, "/client.json"), "not an absolute URL");
  EXPECT_EQ(error_of(*fetcher, "https://user:pw@example.com/client.json"),
            "the URL must not carry user information");
}

TEST(HttpsFetcher, NonPublicAddressesAreRefusedBeforeAnyConnection) {
  const auto fetcher = make();
  EXPECT_EQ(error_of(*fetcher, "https://127.0.0.1:1/client.json"),
            "127.0.0.1, a loopback address, which is not fetched unless the allow-list names it");
  EXPECT_EQ(error_of(*fetcher, "https://169.254.169.254/latest/meta-data"),
            "169.254.169.254, a link-local address, which is not fetched unless the allow-list "
            "names it");
  EXPECT_NE(error_of(*fetcher, "https://[::1]/c.json").find("a loopback address"),
            std::string::npos);
  EXPECT_NE(error_of(*fetcher, "https://[fe80::1]/c.json").find("a link-local address"),
            std::string::npos);
  EXPECT_NE(error_of(*fetcher, "https://[::ffff:10.0.0.1]/c.json").find("a private address"),
            std::string::npos);
  // A name is judged by what it resolves to.
  EXPECT_EQ(error_of(*fetcher, "https://localhost:1/c.json").find("localhost resolves to "), 0u);
}

TEST(HttpsFetcher, AnAllowedAddressIsConnectedTo) {
  // Nothing listens on port 1: the refusal now comes from the connection itself.
  const auto fetcher = make({"127.0.0.1"});
  const auto error = error_of(*fetcher, "https://127.0.0.1:1/client.json");
  EXPECT_EQ(error.find("connecting to 127.0.0.1:1 failed"), 0u) << error;
}

TEST(HttpsFetcher, AnUnreadableCaFileIsRefused) {
  FetchOptions options;
  options.extra_ca_file = "/nonexistent/ca.pem";
  auto fetcher = HttpsFetcher::create(options);
  ASSERT_FALSE(fetcher);
  EXPECT_EQ(fetcher.error().find("cannot load CA certificates from /nonexistent/ca.pem"), 0u);

  const auto path = std::filesystem::temp_directory_path() / "bmcp-fetch-not-pem.txt";
  std::ofstream(path) << "not a certificate\n";
  options.extra_ca_file = path.string();
  EXPECT_FALSE(HttpsFetcher::create(options));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace bmcp::fetch
