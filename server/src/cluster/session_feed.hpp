#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/counters.hpp"
#include "bus/endpoint.hpp"
#include "cluster/shared_store.hpp"
#include "core/byte_budget.hpp"

namespace bmcp::cluster {

// A session of this node as the heartbeat reports it to the shared store.
struct FeedSessionState {
  std::string member;  // "<user prefix>\n<session id>"
  bool attached = false;
  std::int64_t offline_ms = 0;  // since its stream closed (0 while open)
  double last_request_at = 0;   // Unix seconds
  std::size_t queued = 0;       // records taken from the store that wait unsent in the session
};

// Moves the records the shared store keeps for the sessions this node serves (stream
// e:<session>) into those sessions: a wake-up on bmcp:wake:<node> names a session, the feed
// reads its entries after the last one it took, appends them to the session's endpoint in
// order with their event ids, and tells the store how far it got (the store keeps the last
// kKeptForReplay records for a Last-Event-ID resume on another node). A wake-up that carries
// its one record is delivered as it is when that record follows the last one taken, which
// saves the read. One read or delivery per session at a time, so records keep their order; a
// wake-up during one makes it read again.
// Thread safety: all methods are safe from any thread; store callbacks run on its I/O thread.
class SessionFeed {
 public:
  // Counts what it appends (delivered, stream_overflow, budget_dropped) in `counters`.
  SessionFeed(SharedStore& store, std::string node_id, bus::BusCounters& counters);

  // Subscribes to this node's wake-ups; reads every stream it serves whenever the subscription
  // is confirmed (wake-ups published before were not seen).
  void start();
  // Records kept in the store after a node took them, for a resume elsewhere.
  static constexpr std::uint64_t kKeptForReplay = 256;

  // This node serves a session with a client bound to it: its records after event id `after`
  // come here from now on (a feed the session already had starts over from there).
  void serve(const std::string& member, std::shared_ptr<bus::Endpoint> endpoint,
             std::shared_ptr<ByteBudget> budget, std::uint64_t after);
  bool serves(const std::string& member) const;
  std::vector<std::string> members() const;
  void remove(const std::string& member);
  // Reads every session (after wake-ups may have been missed).
  void fetch_all();
  std::vector<FeedSessionState> states() const;

 private:
  struct Feed {
    std::shared_ptr<bus::Endpoint> endpoint;
    std::shared_ptr<ByteBudget> budget;
    std::string last_id = "0";
    bool reading = false;
    bool again = false;
  };
  // One record of a session's stream: its event id and its text.
  struct Entry {
    std::uint64_t id = 0;
    std::string_view text;
  };
  void wake(const std::string& message);
  // The feed of `member` and the last id taken, marked as reading; nullopt when the member is
  // not served here or a read is under way (which then reads again once it is done).
  struct ReadStart {
    std::shared_ptr<Feed> feed;
    std::string after;
  };
  std::optional<ReadStart> start_reading(const std::string& member);
  // Delivers `entry` when it follows the last record taken; reads the stream otherwise.
  void offer(const std::string& member, Entry entry);
  void fetch(const std::string& member);
  void read(const std::string& member, const std::shared_ptr<Feed>& feed, std::string after);
  void take(const std::string& member, const std::shared_ptr<Feed>& feed,
            const redis::Reply& entries);
  // Appends `entries` (in order, after the feed's last one) to the session, then reads on
  // when `read_more` or a wake-up came meanwhile.
  void deliver(const std::string& member, const std::shared_ptr<Feed>& feed,
               const std::vector<Entry>& entries, bool read_more);

  SharedStore& store_;
  const std::string node_id_;
  bus::BusCounters& counters_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Feed>> feeds_;
};

// "<user prefix>\n<session id>": how the store names one session of one user.
std::string session_member(const std::string& user_prefix, const std::string& session_id);
// The key prefix of one user's bus: "bmcp:{<user id>}:".
std::string user_prefix(const std::string& user_id);

}  // namespace bmcp::cluster
