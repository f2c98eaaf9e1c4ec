#pragma once

#include <string>
#include <vector>

#include "http/response_stream.hpp"

namespace bmcp::http {

// Maps (path, method) to handlers. Unknown path -> 404 {"detail":"Not Found"}; known path with
// another method -> 405 {"detail":"Method Not Allowed"} plus Allow. Populated before serving.
class Router {
 public:
  void add(std::string path, std::string method, Handler handler);
  void handle(HttpRequest request, std::shared_ptr<ResponseStream> response) const;

 private:
  struct Route {
    std::string path;
    std::string method;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace bmcp::http
