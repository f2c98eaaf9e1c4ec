#include "bus/bus.hpp"

#include <gtest/gtest.h>

#include "fake_endpoint.hpp"

namespace bmcp::bus {
namespace {

using testing::FakeEndpoint;

class BusTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeEndpoint> endpoint(const std::string& session,
                                         LogLevel level = LogLevel::kDebug) {
    return std::make_shared<FakeEndpoint>(session, level);
  }
  void add(const std::string& uuid, std::shared_ptr<FakeEndpoint> at, bool persistent = false,
           const std::string& type = "llm", std::optional<std::string> group = std::nullopt) {
    ASSERT_TRUE(bus_.register_client({uuid, type, persistent, {}, group}, at));
  }
  // A client "x" (session "s1") under a 2,000-byte record limit, and a direct send to it whose
  // record is over the limit.
  std::pair<std::shared_ptr<FakeEndpoint>, SendRequest> oversized_send_to_x() {
    limits_.max_record_bytes = 2000;
    auto x = endpoint("s1");
    add("x", x);
    SendRequest request;
    request.route = Route::direct("x");
    request.payload = {{"code", std::string(2000, 'a')}};
    request.origin = "llm-1";
    return {x, request};
  }
  SendOutcome send(Route route, LogLevel priority = LogLevel::kInfo,
                   std::string origin = "server:demo") {
    SendRequest request;
    request.route = std::move(route);
    request.payload = {{"n", next_payload_++}};
    request.priority = priority;
    request.origin = std::move(origin);
    return bus_.send(request);
  }

  FakeClock clock_;
  BusLimits limits_;
  BusCounters counters_;
  Bus bus_{"demo", clock_, limits_, counters_};
  int next_payload_ = 0;
};

using Uuids = std::vector<std::string>;

TEST_F(BusTest, ADirectSendReachesOnlyItsTargetWithTheRecordAddressedToIt) {
  auto a = endpoint("s1");
  auto b = endpoint("s2");
  add("a", a);
  add("b", b);
  const auto outcome = send(Route::direct("b"));
  EXPECT_EQ(outcome.targets, Uuids{"b"});
  EXPECT_TRUE(a->received.empty());
  ASSERT_EQ(b->received.size(), 1u);
  EXPECT_EQ(b->received[0].target_uuid, "b");
  EXPECT_EQ(b->received[0].message.message_id, outcome.message_id);
  EXPECT_EQ(outcome.job_id, outcome.message_id);
}

TEST_F(BusTest, ADirectSendToAnUnknownUuidHasNoTargets) {
  EXPECT_TRUE(send(Route::direct("nobody")).targets.empty());
}

TEST_F(BusTest, BroadcastExcludesTheSender) {
  add("a", endpoint("s1"));
  add("b", endpoint("s2"));
  add("c", endpoint("s3"));
  EXPECT_EQ(send(Route::broadcast(), LogLevel::kInfo, "b").targets, (Uuids{"a", "c"}));
}

TEST_F(BusTest, GroupAndTypeFiltersIncludeTheSender) {
  add("a", endpoint("s1"), false, "llm", "g");
  add("b", endpoint("s2"), false, "blender", "g");
  add("c", endpoint("s3"), false, "blender");
  EXPECT_EQ(send(Route::choose("", "g", ""), LogLevel::kInfo, "a").targets, (Uuids{"a", "b"}));
  EXPECT_EQ(send(Route::choose("", "", "blender"), LogLevel::kInfo, "b").targets,
            (Uuids{"b", "c"}));
}

TEST_F(BusTest, RecordsBelowTheSessionLevelAreFilteredAndReported) {
  auto quiet = endpoint("s1", LogLevel::kWarning);
  add("quiet", quiet);
  const auto outcome = send(Route::direct("quiet"), LogLevel::kInfo);
  EXPECT_EQ(outcome.filtered_by_level, Uuids{"quiet"});
  EXPECT_TRUE(quiet->received.empty());
  EXPECT_TRUE(send(Route::direct("quiet"), LogLevel::kWarning).filtered_by_level.empty());
  EXPECT_EQ(quiet->received.size(), 1u);
  EXPECT_EQ(counters_.filtered_by_level, 1u);
}

TEST_F(BusTest, EverySendThatIsNotRefusedCountsAsRouted) {
  add("a", endpoint("s1"));
  send(Route::direct("a"), LogLevel::kInfo);
  send(Route::direct("nobody"), LogLevel::kInfo);  // routed, to no recipient
  EXPECT_EQ(counters_.routed, 2u);
  EXPECT_EQ(counters_.delivered, 1u);
}

TEST_F(BusTest, ReRegistrationUpdatesInPlaceAndKeepsTheBucketAndConnectedAt) {
  auto first = endpoint("s1");
  ASSERT_TRUE(bus_.register_client({"x", "llm", true, {"chat"}, std::nullopt}, first));
  const auto before = bus_.list().persistent.at(0).as_object();
  clock_.advance(std::chrono::seconds(5));
  auto second = endpoint("s2");
  const auto info = bus_.register_client({"x", "blender", false, {"gpu"}, "g"}, second);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->at("client_type"), "blender");
  EXPECT_EQ(info->at("is_persistent"), true);
  EXPECT_EQ(info->at("connected_at"), before.at("connected_at"));
  EXPECT_EQ(bus_.persistent_count(), 1u);
  EXPECT_EQ(bus_.ephemeral_count(), 0u);
}

TEST_F(BusTest, TheLastRegistrationWinsTheBinding) {
  auto first = endpoint("s1");
  auto second = endpoint("s2");
  add("x", first);
  add("x", second);
  send(Route::direct("x"));
  EXPECT_TRUE(first->received.empty());
  EXPECT_EQ(second->received.size(), 1u);
  EXPECT_TRUE(bus_.is_bound_to_any({"x"}, "s2"));
  EXPECT_FALSE(bus_.is_bound_to_any({"x"}, "s1"));
}

TEST_F(BusTest, RegistrationRefusesBadUuidsEmptyTypesAndTooManyClients) {
  EXPECT_EQ(bus_.register_client({"server:x", "llm", false, {}, {}}, endpoint("s")).error(),
            RegisterError::kInvalidClientUuid);
  EXPECT_EQ(bus_.register_client({"x", "", false, {}, {}}, endpoint("s")).error(),
            RegisterError::kInvalidClientType);
  for (std::size_t i = 0; i < limits_.max_clients_per_bus; ++i)
    add("c" + std::to_string(i), endpoint("s"));
  EXPECT_EQ(bus_.register_client({"one-more", "llm", false, {}, {}}, endpoint("s")).error(),
            RegisterError::kTooManyClients);
  EXPECT_TRUE(bus_.register_client({"c0", "llm", false, {}, {}}, endpoint("s")));
  EXPECT_EQ(bus_.ephemeral_count(), limits_.max_clients_per_bus);
}

TEST_F(BusTest, RegistrationRefusesOverlongStringsAndTooManyCapabilities) {
  auto problem = [&](Registration registration) {
    const auto found = registration_problem(registration, limits_);
    EXPECT_FALSE(bus_.register_client(registration, endpoint("s")));
    return found ? found->first : RegisterError::kTooManyClients;
  };
  const std::string long_group(limits_.max_group_id_length + 1, 'g');
  EXPECT_EQ(problem({"x", "llm", false, {}, long_group}), RegisterError::kInvalidGroupId);
  const std::string long_type(limits_.max_client_type_length + 1, 't');
  EXPECT_EQ(problem({"x", long_type, false, {}, {}}), RegisterError::kInvalidClientType);
  std::vector<std::string> many(limits_.max_capabilities + 1, "chat");
  EXPECT_EQ(problem({"x", "llm", false, many, {}}), RegisterError::kInvalidCapabilities);
  const std::string long_capability(limits_.max_capability_length + 1, 'c');
  EXPECT_EQ(problem({"x", "llm", false, {long_capability}, {}}),
            RegisterError::kInvalidCapabilities);
  EXPECT_EQ(bus_.ephemeral_count(), 0u);
  const auto detail = registration_problem({"x", "llm", false, {}, long_group}, limits_)->second;
  EXPECT_NE(detail.find("128"), std::string::npos);
}

TEST_F(BusTest, ARecordOverTheSizeLimitIsRefusedBeforeAnythingHappens) {
  auto [x, request] = oversized_send_to_x();
  bool hook_ran = false;
  const auto outcome = bus_.send(request, [&](const Message&, const auto&) { hook_ran = true; });
  ASSERT_TRUE(outcome.refused.has_value());
  EXPECT_EQ(outcome.refused->error, "record_too_large");
  EXPECT_NE(outcome.refused->detail.find("2000"), std::string::npos);
  EXPECT_FALSE(hook_ran);
  EXPECT_TRUE(x->received.empty());
  EXPECT_TRUE(outcome.targets.empty());
  EXPECT_EQ(counters_.record_too_large, 1u);
  EXPECT_EQ(counters_.routed, 0u);
  EXPECT_TRUE(bus_.size_refusal(request).has_value());
  // The next record within the limit is delivered as usual.
  request.payload = {{"code", "print(1)"}};
  EXPECT_FALSE(bus_.size_refusal(request).has_value());
  EXPECT_FALSE(bus_.send(request).refused.has_value());
  EXPECT_EQ(x->received.size(), 1u);
}

TEST_F(BusTest, APreparedRecordIsMeasuredAndRoutedAsBuilt) {
  auto [x, request] = oversized_send_to_x();
  EXPECT_TRUE(bus_.size_refusal(*bus_.prepare(request)).has_value());
  request.payload = {{"code", "print(1)"}};
  const auto prepared = bus_.prepare(request);
  EXPECT_FALSE(bus_.size_refusal(*prepared).has_value());
  const auto outcome = bus_.send(request, {}, prepared);
  EXPECT_EQ(outcome.message_id, prepared->message_id);
  EXPECT_EQ(outcome.job_id, prepared->job_id);
  ASSERT_EQ(x->received.size(), 1u);
  EXPECT_EQ(x->received[0].message.message_id, prepared->message_id);
  EXPECT_EQ(x->received[0].message.timestamp, prepared->timestamp);
}

TEST_F(BusTest, ALargeRecordWithNoRecipientIsNotRefused) {
  limits_.max_record_bytes = 2000;
  SendRequest request;
  request.route = Route::direct("server-dispatch:demo");
  request.payload = {{"result", std::string(5000, 'r')}};
  request.origin = "server:demo";
  EXPECT_FALSE(bus_.send(request).refused.has_value());
}

TEST(BusBudget, RecordsWaitingForOneUserAreBoundedByItsBudget) {
  FakeClock clock;
  BusLimits limits;
  BusCounters counters;
  limits.max_user_bytes = 3000;
  Bus bus("demo", clock, limits, counters);
  auto stuck = std::make_shared<FakeEndpoint>("s1");
  stuck->charge_budget = true;
  ASSERT_TRUE(bus.register_client({"stuck", "llm", false, {}, {}}, stuck));
  SendRequest request;
  request.route = Route::direct("stuck");
  request.payload = {{"text", std::string(500, 'a')}};
  request.origin = "server:demo";
  std::size_t kept = 0;
  std::vector<std::string> dropped;
  for (int i = 0; i < 5; ++i) {
    const auto outcome = bus.send(request);
    if (outcome.dropped.empty())
      ++kept;
    else
      dropped.push_back(outcome.dropped.front());
  }
  EXPECT_GE(kept, 1u);
  EXPECT_FALSE(dropped.empty());
  EXPECT_EQ(dropped.front(), "stuck");
  EXPECT_LE(bus.budget()->used(), limits.max_user_bytes);
  EXPECT_EQ(counters.budget_dropped, dropped.size());
  // Held records of an offline client count against the same budget.
  stuck->charges.clear();
  ASSERT_TRUE(
      bus.register_client({"per", "llm", true, {}, {}}, std::make_shared<FakeEndpoint>("s2")));
  bus.end_session("s2");
  request.route = Route::direct("per");
  bus.send(request);
  EXPECT_GT(bus.budget()->used(), 0u);
  EXPECT_LE(bus.budget()->used(), limits.max_user_bytes);
}

TEST_F(BusTest, UnregisterRemovesTheClientAndIsIdempotent) {
  add("x", endpoint("s1"));
  EXPECT_TRUE(bus_.unregister_client("x"));
  EXPECT_FALSE(bus_.unregister_client("x"));
  EXPECT_EQ(bus_.ephemeral_count(), 0u);
}

TEST_F(BusTest, EndingASessionRemovesItsEphemeralClientsAndTakesPersistentOnesOffline) {
  add("eph", endpoint("s1"));
  add("per", endpoint("s1"), true);
  add("other", endpoint("s2"));
  bus_.end_session("s1");
  const auto lists = bus_.list();
  ASSERT_EQ(lists.persistent.size(), 1u);
  EXPECT_EQ(lists.persistent[0].as_object().at("online"), false);
  ASSERT_EQ(lists.ephemeral.size(), 1u);
  EXPECT_EQ(lists.ephemeral[0].as_object().at("uuid"), "other");
}

TEST_F(BusTest, RecordsForAnOfflinePersistentClientAreHeldAndDeliveredInOrderOnItsReturn) {
  add("per", endpoint("s1"), true);
  bus_.end_session("s1");
  std::vector<std::string> sent;
  for (int i = 0; i < 3; ++i) {
    const auto outcome = send(Route::direct("per"));
    EXPECT_EQ(outcome.offline, Uuids{"per"});
    sent.push_back(outcome.message_id);
  }
  auto back = endpoint("s2");
  add("per", back, true);
  send(Route::direct("per"));
  ASSERT_EQ(back->received.size(), 4u);
  for (std::size_t i = 0; i < sent.size(); ++i)
    EXPECT_EQ(back->received[i].message.message_id, sent[i]);
}

TEST_F(BusTest, HeldRecordsPastTheirTtlAreDroppedAndCounted) {
  add("per", endpoint("s1"), true);
  bus_.end_session("s1");
  send(Route::direct("per"));
  clock_.advance(limits_.offline_hold_ttl);
  bus_.expire_held();
  auto back = endpoint("s2");
  add("per", back, true);
  EXPECT_TRUE(back->received.empty());
  EXPECT_EQ(counters_.hold_expired, 1u);
}

TEST_F(BusTest, AFullHoldDropsTheOldestAndTellsTheSender) {
  limits_.offline_hold_messages = 2;
  add("per", endpoint("s1"), true);
  bus_.end_session("s1");
  send(Route::direct("per"));
  send(Route::direct("per"));
  EXPECT_EQ(send(Route::direct("per")).dropped, Uuids{"per"});
  EXPECT_EQ(counters_.hold_overflow, 1u);
}

TEST_F(BusTest, AClientWhoseStreamIsGoneIsListedOfflineButStillGetsTheRecordQueued) {
  auto lost = endpoint("s1");
  lost->is_online = false;
  add("x", lost);
  const auto outcome = send(Route::direct("x"));
  EXPECT_EQ(outcome.offline, Uuids{"x"});
  EXPECT_EQ(lost->received.size(), 1u);
}

TEST_F(BusTest, AStreamOverflowIsReportedAsDropped) {
  auto full = endpoint("s1");
  full->overflowing = true;
  add("x", full);
  EXPECT_EQ(send(Route::direct("x")).dropped, Uuids{"x"});
  EXPECT_EQ(counters_.stream_overflow, 1u);
}

TEST_F(BusTest, ARecordForAPersistentClientWhoseSessionJustEndedIsHeldNotLost) {
  auto ending = endpoint("s1");
  add("per", ending, true);
  ending->ended = true;
  EXPECT_EQ(send(Route::direct("per")).offline, Uuids{"per"});
  auto back = endpoint("s2");
  add("per", back, true);
  EXPECT_EQ(back->received.size(), 1u);
}

TEST_F(BusTest, TheBeforeDeliveryHookSeesTheTargetsBeforeAnyRecipientDoes) {
  auto a = endpoint("s1");
  add("a", a);
  std::size_t seen_by_recipient = 99;
  SendRequest request;
  request.route = Route::direct("a");
  request.origin = "llm";
  request.job_id = "job-1";
  const auto outcome =
      bus_.send(request, [&](const Message& message, const std::vector<std::string>& targets) {
        EXPECT_EQ(message.job_id, "job-1");
        EXPECT_EQ(targets, Uuids{"a"});
        seen_by_recipient = a->received.size();
      });
  EXPECT_EQ(seen_by_recipient, 0u);
  EXPECT_EQ(outcome.job_id, "job-1");
}

TEST_F(BusTest, ClientsOfATypeComeWithTheirOnlineState) {
  auto gone = endpoint("s1");
  gone->is_online = false;
  add("b1", endpoint("s1"), true, "blender");
  add("llm", endpoint("s1"));
  add("b2", gone, true, "blender");
  const auto candidates = bus_.clients_of_type("blender");
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].uuid, "b1");
  EXPECT_TRUE(candidates[0].online);
  EXPECT_FALSE(candidates[1].online);
}

TEST_F(BusTest, ListingsAreSortedByConnectedAt) {
  add("z", endpoint("s1"));
  clock_.advance(std::chrono::milliseconds(10));
  add("a", endpoint("s1"));
  const auto lists = bus_.list();
  EXPECT_EQ(lists.ephemeral[0].as_object().at("uuid"), "z");
  EXPECT_EQ(lists.ephemeral[1].as_object().at("uuid"), "a");
}

}  // namespace
}  // namespace bmcp::bus
