#include "http/router.hpp"

#include <gtest/gtest.h>

#include "recording_response.hpp"

namespace bmcp::http {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add("/thing", "GET", [](HttpRequest, std::shared_ptr<ResponseStream> r) {
      r->respond(detail_response(200, "got"));
    });
    router_.add("/thing", "DELETE", [](HttpRequest, std::shared_ptr<ResponseStream> r) {
      r->respond(detail_response(200, "deleted"));
    });
  }
  HttpResponse send(std::string method, std::string path) {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    auto response = std::make_shared<testing::RecordingResponse>();
    router_.handle(std::move(request), response);
    return *response->full;
  }
  Router router_;
};

TEST_F(RouterTest, DispatchesByPathAndMethod) {
  EXPECT_EQ(send("DELETE", "/thing").body, R"({"detail":"deleted"})");
}

TEST_F(RouterTest, UnknownPathsAre404) {
  auto response = send("GET", "/nothing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"detail":"Not Found"})");
}

TEST_F(RouterTest, WrongMethodsAre405WithAllow) {
  auto response = send("PUT", "/thing");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.body, R"({"detail":"Method Not Allowed"})");
  EXPECT_EQ(response.headers.get("Allow"), "GET, DELETE");
}

}  // namespace
}  // namespace bmcp::http
