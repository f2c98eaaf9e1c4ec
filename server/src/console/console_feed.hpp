#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/bus_service.hpp"
#include "bus/job_image.hpp"
#include "console/feed_observer.hpp"
#include "console/job_log.hpp"
#include "core/clock.hpp"

namespace bmcp::console {

// Takes one server-sent event frame ("event: ...\ndata: ...\n\n"); false when the browser
// can no longer take it (gone, or too slow): it is then unsubscribed. A null frame means that
// the page's stream must end (signed out, or its user was removed); it is unsubscribed then too.
using FrameSink = std::function<bool(std::shared_ptr<const std::string> frame)>;

struct FeedLimits {
  std::size_t jobs_per_user = 200;
  std::size_t tail_per_user = 200;
  std::size_t summary_bytes = 240;          // of a record's payload, as JSON text
  std::size_t image_clients_per_user = 32;  // the oldest client's images go first
  std::size_t pages_per_user = 32;          // open pages (event streams) of one user
};

// The latest images a Blender returned with one job update.
struct ImageSet {
  std::string client;  // the job's first target uuid ("" when unknown)
  std::string job_id;
  double at = 0;
  bus::SharedJobImages images;
};

// The live view of every user's bus for the console's pages: clients, jobs, the bus tail and
// the latest image of each Blender. Fed by ObservedBus and ObservedJobStore; each open page
// subscribes with a FrameSink and gets a snapshot, then every change of its user's bus.
// Events: clients {persistent, ephemeral, details_error?} | {error} (each client: its
// ClientInfo without last_seen*, plus queued, held, blender_version and host from
// BusService::client_details); jobs {jobs}; job {job}; tail {records}; record {record};
// images {images}; image {image}.
// Thread safety: every method is safe from any thread; sinks are called with the feed's lock
// held (so each page sees one order) and must take only leaf locks.
class ConsoleFeed : public FeedObserver {
 public:
  // `bus` (for client listings) must outlive the feed.
  ConsoleFeed(const bus::BusService& bus, const Clock& clock, FeedLimits limits = {});

  // Sends the user's snapshot to `sink`, then keeps it up to date; returns the subscription,
  // or 0 (and `sink` is never called) when the user has pages_per_user pages open already.
  // `tag` names the page's console session (see pages() and end_pages()).
  std::uint64_t subscribe(const std::string& user_id, FrameSink sink, std::string tag = {});
  // Whether the user may open one more page now.
  bool has_room(const std::string& user_id) const;
  void unsubscribe(std::uint64_t subscription);
  // Lists the clients of every user with an open page and sends those that changed (clients
  // go offline by themselves, when their stream has been gone for the grace time).
  void refresh_clients();
  // The images of `client` on the user's bus, nullopt when none came.
  std::optional<ImageSet> images(const std::string& user_id, const std::string& client) const;
  std::size_t subscribers() const;
  // The open pages: subscription -> tag.
  std::map<std::uint64_t, std::string> pages() const;
  // Ends the pages whose tag `ended` says so (their sinks get the null frame).
  void end_pages(const std::function<bool(const std::string& tag)>& ended);

  // The bus tail record of a send, and of a routed job update, as pages show it (payload cut
  // to summary_bytes; no seq yet). Cluster mode relays these records to the other nodes.
  json::object send_record(const bus::SendRequest& request, const bus::SendOutcome& outcome) const;
  json::object job_update_record(const bus::JobUpdate& update,
                                 const bus::JobUpdateOutcome& outcome) const;
  // Adds a tail record built by send_record or job_update_record (here or on another node of
  // a cluster) to the user's tail and sends it to the user's pages.
  void add_record(const std::string& user_id, json::object record);

  void on_send(const std::string& user_id, const bus::SendRequest& request,
               const bus::SendOutcome& outcome) override;
  void on_job_update_routed(const std::string& user_id, const bus::JobUpdate& update,
                            const bus::JobUpdateOutcome& outcome) override;
  void on_clients_changed(const std::string& user_id) override;
  // Ends the user's pages and forgets its jobs, tail and images: an account created again
  // under the name starts with nothing.
  void on_user_dropped(const std::string& user_id) override;
  void on_job_started(const std::string& user_id, const jobs::JobRecord& record,
                      bool track_only) override;
  void on_job_event(const bus::JobEvent& event) override;
  void on_job_timed_out(const std::string& user_id, const std::string& job_id) override;
  void on_job_cancelled(const std::string& user_id, const std::string& job_id) override;
  void on_job_forgotten(const std::string& user_id, const std::string& job_id) override;

 private:
  struct Subscriber {
    std::string user_id;
    FrameSink sink;
    std::string tag;
  };
  struct UserImages {
    std::map<std::string, ImageSet> by_client;
  };

  // The clients event of the user, listed now (outside the lock: a cluster lists in Redis).
  json::object list_clients(const std::string& user_id) const;
  void publish_clients(const std::string& user_id, json::object clients);
  void add_tail_locked(const std::string& user_id, json::object record);
  void send_locked(const std::string& user_id, std::string_view event, const json::value& data);
  void send_job_locked(const std::string& user_id, const JobView* view);
  bool has_subscriber_locked(const std::string& user_id) const;
  json::array images_json_locked(const std::string& user_id) const;
  std::size_t pages_locked(const std::string& user_id) const;
  std::string summary(const json::value& payload) const;

  const bus::BusService& bus_;
  const Clock& clock_;
  const FeedLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::uint64_t next_subscriber_ = 1;
  JobLog jobs_;
  std::map<std::string, std::deque<json::object>> tails_;
  std::uint64_t next_record_ = 1;
  std::map<std::string, UserImages> images_;
  std::map<std::string, std::string> listed_clients_;  // user -> the clients text last sent
};

// One server-sent event frame: "event: <event>\ndata: <compact JSON>\n\n".
std::string sse_frame(std::string_view event, const json::value& data);

}  // namespace bmcp::console
