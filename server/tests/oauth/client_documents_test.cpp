#include "oauth/client_documents.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "document_source.hpp"

namespace bmcp::oauth {
namespace {

using testing::MemoryDocuments;

std::string url(int n) {
  return "https://app.example/c" + std::to_string(n) + ".json";
}

FetchedDocument document(const std::string& client_id, std::string_view name = "App",
                         std::optional<std::int64_t> max_age = std::nullopt,
                         std::string content_type = "application/json; charset=utf-8") {
  return {R"({"client_id":")" + client_id + R"(","client_name":")" + std::string(name) +
              R"(","redirect_uris":["https://app.example/cb"]})",
          std::move(content_type), max_age};
}

TEST(ClientDocuments, AFetchedDocumentBecomesAClient) {
  MemoryDocuments source;
  FakeClock clock;
  ClientDocuments documents(source, clock);
  source.serve(url(1), document(url(1), "Editor"));
  auto client = documents.client(url(1));
  ASSERT_TRUE(client) << client.error();
  EXPECT_EQ(client->client_id, url(1));
  EXPECT_EQ(client->client_name, "Editor");
  EXPECT_EQ(client->redirect_uris, std::vector<std::string>{"https://app.example/cb"});
}

TEST(ClientDocuments, DocumentsAreCachedForTheirLifetimeOnly) {
  MemoryDocuments source;
  FakeClock clock;
  ClientDocuments documents(source, clock, {16, std::chrono::seconds(300)});
  source.serve(url(1), document(url(1)));
  source.serve(url(2), document(url(2), "App", 30));
  source.serve(url(3), document(url(3), "App", 0));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(documents.client(url(1)));
    ASSERT_TRUE(documents.client(url(2)));
    ASSERT_TRUE(documents.client(url(3)));
  }
  // One fetch each for the cached two, every time for the one that says no-store.
  EXPECT_EQ(source.fetches(), 5);
  clock.advance(std::chrono::seconds(31));
  ASSERT_TRUE(documents.client(url(2)));  // max-age 30 ran out
  ASSERT_TRUE(documents.client(url(1)));  // the 300 s cap did not
  EXPECT_EQ(source.fetches(), 6);
  clock.advance(std::chrono::seconds(270));
  ASSERT_TRUE(documents.client(url(1)));
  EXPECT_EQ(source.fetches(), 7);
}

TEST(ClientDocuments, TheCacheIsBounded) {
  MemoryDocuments source;
  FakeClock clock;
  ClientDocuments documents(source, clock, {4, std::chrono::seconds(300)});
  for (int i = 0; i < 10; ++i) {
    source.serve(url(i), document(url(i)));
    ASSERT_TRUE(documents.client(url(i)));
    EXPECT_LE(documents.cached(), 4u);
  }
  EXPECT_EQ(documents.cached(), 4u);
  ASSERT_TRUE(documents.client(url(9)));  // the newest stayed
  EXPECT_EQ(source.fetches(), 10);
}

TEST(ClientDocuments, FailuresSayWhatWentWrongAndAreNotCached) {
  MemoryDocuments source;
  FakeClock clock;
  ClientDocuments documents(source, clock);
  auto missing = documents.client(url(1));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "the client metadata document cannot be fetched: the server answered HTTP 404");
  source.serve(url(1), document(url(2)));
  auto wrong = documents.client(url(1));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().find("the client metadata document is refused: the document's "
                               "client_id is not its own URL"),
            0u);
  source.serve(url(1), document(url(1), "App", std::nullopt, "text/html"));
  auto html = documents.client(url(1));
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error(), "the client metadata document is not JSON (Content-Type \"text/html\")");
  source.serve(url(1), document(url(1)));
  EXPECT_TRUE(documents.client(url(1)));
  EXPECT_EQ(source.fetches(), 4);
}

// Serves every URL its own document, but holds the first fetch until released.
class HeldSource final : public DocumentSource {
 public:
  Result<FetchedDocument, std::string> fetch(std::string_view url) override {
    std::unique_lock lock(mutex_);
    if (!held_once_) {
      held_once_ = true;
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    return document(std::string(url));
  }
  void wait_entered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }
  void release() {
    const std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_once_ = false;
  bool entered_ = false;
  bool released_ = false;
};

TEST(ClientDocuments, ASecondFetchWhileOneRunsFailsAtOnce) {
  HeldSource source;
  FakeClock clock;
  ClientDocuments documents(source, clock);  // one fetch at a time
  Result<auth::OAuthClient, std::string> first = Unexpected{std::string("not run")};
  std::thread slow([&] { first = documents.client(url(1)); });
  source.wait_entered();
  auto busy = documents.client(url(2));
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error(),
            "the server is busy fetching another client metadata document; try again in a few "
            "seconds");
  source.release();
  slow.join();
  EXPECT_TRUE(first) << first.error();
  EXPECT_TRUE(documents.client(url(2)));  // the slot is free again
}

TEST(ClientDocuments, ABadUrlIsNotFetched) {
  MemoryDocuments source;
  FakeClock clock;
  ClientDocuments documents(source, clock);
  auto plain = documents.client("http://app.example/c.json");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error(), "a client_id URL must use https");
  EXPECT_EQ(source.fetches(), 0);
}

}  // namespace
}  // namespace bmcp::oauth
