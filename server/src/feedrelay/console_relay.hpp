#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cluster/shared_store.hpp"
#include "console/console_feed.hpp"
#include "console/feed_observer.hpp"
#include "feedrelay/relay_codec.hpp"

namespace bmcp::feedrelay {

// What the relay has done since it started.
struct RelayCounts {
  std::uint64_t published = 0;  // events of this node sent to the others
  std::uint64_t batches = 0;    // messages they went in
  std::uint64_t shown = 0;      // events of other nodes handed to this node's feed
  std::uint64_t ignored = 0;    // texts on the channel that were no event (logged, not shown)
};

// The console's feed observer in cluster mode: every call goes to this node's ConsoleFeed
// first (so the node shows its own events at once, and once), then the console events other
// nodes cannot see by themselves (bus tail records, job starts, time-outs, cancellations,
// forgotten jobs) are published on the channel bmcp:console. Events of other nodes heard on
// that channel go to this node's feed; the node's own come back from Redis and are skipped.
// Job updates (progress, results, images) are not relayed: every node already hears them on
// bmcp:jobs, and its feed applies them to the jobs it knows. Pub/sub keeps nothing: a node
// that is disconnected misses what happens meanwhile (its pages show it on a reload only when
// it happened on this node).
// Events are published in batches: one message per `batch_window` at most (events joined by
// newlines, in the order they happened), so a busy node costs the others one wake-up per
// window instead of one per event; the console shows other nodes' events that much later.
// Thread safety: every method is safe from any thread; heard events reach the feed on the
// subscriber connection's I/O thread; batches are published from the relay's own thread.
class ConsoleRelay : public console::FeedObserver {
 public:
  static constexpr std::string_view kChannel = "bmcp:console";

  // `feed` and `store` must outlive the subscription: call stop() (or destroy the relay)
  // before destroying the feed. Subscribes at once.
  ConsoleRelay(console::ConsoleFeed& feed, cluster::SharedStore& store, std::string node_id,
               std::chrono::milliseconds batch_window = std::chrono::milliseconds(10));
  ~ConsoleRelay() override;
  ConsoleRelay(const ConsoleRelay&) = delete;
  ConsoleRelay& operator=(const ConsoleRelay&) = delete;

  // Publishes what waits, ends the subscription; heard events that arrive later are dropped.
  void stop();
  RelayCounts counts() const;

  void on_send(const std::string& user_id, const bus::SendRequest& request,
               const bus::SendOutcome& outcome) override;
  void on_job_update_routed(const std::string& user_id, const bus::JobUpdate& update,
                            const bus::JobUpdateOutcome& outcome) override;
  void on_clients_changed(const std::string& user_id) override;
  void on_user_dropped(const std::string& user_id) override;
  void on_job_started(const std::string& user_id, const jobs::JobRecord& record,
                      bool track_only) override;
  void on_job_event(const bus::JobEvent& event) override;
  void on_job_timed_out(const std::string& user_id, const std::string& job_id) override;
  void on_job_cancelled(const std::string& user_id, const std::string& job_id) override;
  void on_job_forgotten(const std::string& user_id, const std::string& job_id) override;

 private:
  // What the subscription's handler reaches; outlives the relay while a message is handled.
  struct Shared;

  void publish(RelayedEvent event);
  // The batching thread: waits for events, lets the window pass, publishes them as one message.
  void run_batches();
  // Shows a tail record on this node's feed and publishes it for the others.
  void relay_record(const std::string& user_id, json::object record);
  void publish_job(RelayedKind kind, const std::string& user_id, const std::string& job_id);

  console::ConsoleFeed& feed_;
  cluster::SharedStore& store_;
  const std::string node_id_;
  const std::chrono::milliseconds batch_window_;
  std::shared_ptr<Shared> shared_;

  std::mutex batch_mutex_;
  std::condition_variable batch_ready_;
  std::vector<std::string> batch_;  // encoded events waiting, oldest first
  bool stopping_ = false;
  std::thread batcher_;  // last: starts once everything above is made
};

}  // namespace bmcp::feedrelay
