#include "console/observed_bus.hpp"

#include <gtest/gtest.h>

#include "../bus/fake_endpoint.hpp"
#include "bus/bus_hub.hpp"

namespace bmcp::console {
namespace {

// Records what the wrapper tells its observer.
class RecordingObserver : public FeedObserver {
 public:
  void on_send(const std::string& user, const bus::SendRequest&,
               const bus::SendOutcome& outcome) override {
    calls.push_back("send " + user + " " + std::to_string(outcome.targets.size()));
  }
  void on_job_update_routed(const std::string& user, const bus::JobUpdate& update,
                            const bus::JobUpdateOutcome&) override {
    calls.push_back("job_update " + user + " " + update.job_id);
  }
  void on_clients_changed(const std::string& user) override { calls.push_back("clients " + user); }
  void on_user_dropped(const std::string& user) override { calls.push_back("dropped " + user); }
  void on_job_started(const std::string&, const jobs::JobRecord&, bool) override {}
  void on_job_event(const bus::JobEvent&) override {}
  void on_job_timed_out(const std::string&, const std::string&) override {}
  void on_job_cancelled(const std::string&, const std::string&) override {}
  void on_job_forgotten(const std::string&, const std::string&) override {}

  std::vector<std::string> calls;
};

bus::Registration client(const std::string& uuid) {
  bus::Registration registration;
  registration.uuid = uuid;
  registration.client_type = "blender";
  registration.is_persistent = true;
  return registration;
}

TEST(ObservedBus, ForwardsEveryCallAndTellsWhatChanged) {
  FakeClock clock;
  bus::BusHub hub(clock, bus::BusLimits{});
  RecordingObserver observer;
  ObservedBus bus(hub, observer);
  auto endpoint = std::make_shared<bus::testing::FakeEndpoint>("s1");
  ASSERT_TRUE(bus.register_client("demo", client("b1"), endpoint));
  EXPECT_EQ(hub.list("demo")->persistent.size(), 1u);
  bus::SendRequest request;
  request.route = bus::Route::broadcast();
  request.payload = json::object{{"x", 1}};
  request.origin = "server:demo";
  EXPECT_EQ(bus.send("demo", request, false).targets.size(), 1u);
  EXPECT_EQ(endpoint->received.size(), 1u);
  EXPECT_FALSE(*bus.unregister_client("demo", "nobody"));  // nothing changed: not told
  EXPECT_TRUE(*bus.unregister_client("demo", "b1"));
  bus.end_session("demo", "s1");
  bus.drop_user("demo");
  EXPECT_EQ(observer.calls, (std::vector<std::string>{"clients demo", "send demo 1", "clients demo",
                                                      "clients demo", "dropped demo"}));
  EXPECT_EQ(bus.counts().clients, hub.counts().clients);
}

TEST(ObservedBus, ARefusedRegistrationIsNotTold) {
  FakeClock clock;
  bus::BusHub hub(clock, bus::BusLimits{});
  RecordingObserver observer;
  ObservedBus bus(hub, observer);
  EXPECT_FALSE(bus.register_client("demo", client("server:x"),
                                   std::make_shared<bus::testing::FakeEndpoint>("s1")));
  EXPECT_TRUE(observer.calls.empty());
}

}  // namespace
}  // namespace bmcp::console
