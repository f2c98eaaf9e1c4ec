#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus/bus.hpp"
#include "bus/counters.hpp"
#include "bus/job_update.hpp"
#include "bus/limits.hpp"
#include "bus/target_choice.hpp"
#include "core/result.hpp"

namespace bmcp::bus {

enum class JobUpdateError { kNotJobTarget, kRecordTooLarge, kUnavailable };
// The error word: not_job_target, record_too_large, bus_unavailable.
std::string_view error_word(JobUpdateError error);

// The error word of every operation that failed because the bus's shared store could not be
// reached (cluster mode only): nothing was changed.
inline constexpr std::string_view kBusUnavailable = "bus_unavailable";

// Why an operation could not run at all (cluster mode: the shared store is unreachable).
struct Unavailable {
  std::string detail;  // a sentence naming what could not be reached
};

// What BusService::send_to_chosen did: no client could be chosen (target_error; nothing was
// sent), or the send to the chosen `target` (outcome, which may be a refusal: too large, or
// the store unreachable, in which case target may be empty).
struct ChosenSend {
  std::optional<TargetError> target_error;
  std::string target;
  SendOutcome outcome;
};
// Told the chosen target of a send_to_chosen that goes ahead.
using ChosenCallback = std::function<void(const std::string& target)>;

struct JobUpdateOutcome {
  bool direct = false;  // routed to the originator; otherwise broadcast on the caller's bus
  SendOutcome sent;
};

// Every job update that was routed, for the layers that wait on jobs. `pending` says whether
// it matched a pending entry of its user (only then may it wake a waiter). `local` says that
// the update was posted on this node (always, on one node): the job store records an update
// once, on the node that routed it, while waiters listen on every node.
struct JobEvent {
  std::string user_id;
  JobUpdate update;
  bool terminal = false;
  bool pending = false;
  bool local = true;
};
using JobListener = std::function<void(const JobEvent& event)>;

// A job whose pending entry was just recorded by a tracked send, before any recipient can see
// its record.
struct JobStart {
  std::string user_id;
  std::string job_id;
  std::vector<std::string> target_uuids;
  std::string origin;  // the sender the job's replies go to
};
// Runs before any recipient can see the job's record (on one node: under the bus's lock), so
// it must be quick and take only leaf locks.
using JobStartListener = std::function<void(const JobStart& start)>;

struct HubCounts {
  std::size_t buses = 0;    // users whose bus holds at least one client
  std::size_t clients = 0;  // clients on all buses
};

// One client as operators count it (no uuid: counts must not name clients).
struct ClientState {
  std::string client_type;
  bool online = false;
};

// The per-user counts of blender://bus/stats.
struct BusStats {
  std::size_t persistent = 0;
  std::size_t ephemeral = 0;
  std::size_t pending_jobs = 0;
};

// Every user's bus, as the tools, the dispatcher and the server's housekeeping use it: one
// implementation keeps the buses in this process (BusHub), another shares them between the
// nodes of a cluster. Every call names the one user it acts for; nothing routes between
// users. Calls that need the shared store fail with Unavailable (or the matching error word)
// when it cannot be reached, having changed nothing.
// Thread safety: all methods are safe from any thread; listeners are added before serving.
class BusService {
 public:
  virtual ~BusService() = default;

  virtual const BusLimits& limits() const = 0;
  // This node's counters.
  virtual const BusCounters& counters() const = 0;

  // First registration creates the client; a re-registration updates it in place and moves it
  // to `endpoint`, and delivers what was held for it while it was offline (contract §8.2).
  // `detail` of the failure says what was wrong.
  virtual Result<json::object, std::pair<RegisterError, std::string>> register_client(
      const std::string& user_id, Registration registration,
      std::shared_ptr<Endpoint> endpoint) = 0;
  // False when no client has that uuid.
  virtual Result<bool, Unavailable> unregister_client(const std::string& user_id,
                                                      const std::string& uuid) = 0;

  // Routes a send on the user's bus. With `track_job`, the pending-job entry
  // (originator = request.origin, targets = the resolved recipients) is recorded before any
  // recipient can see the record. A refusal (too large, store unreachable) changed nothing.
  virtual SendOutcome send(const std::string& user_id, const SendRequest& request,
                           bool track_job) = 0;
  // send() to the one client of `client_type` that choose_target() picks for `requested_uuid`
  // ('' to pick the only online one), on a direct route to it (request.route is ignored): the
  // choice and the send as one step, so a dispatch costs one call to a shared store.
  // `on_chosen` runs on the calling thread only when the send goes ahead (a client was chosen
  // and the record fits): before the record is routed on one node; right after the send, in
  // a cluster, where choice and send run together in the store (so whatever `on_chosen`
  // records must accept the job's updates arriving first).
  virtual ChosenSend send_to_chosen(const std::string& user_id, const std::string& client_type,
                                    const std::string& requested_uuid, SendRequest request,
                                    bool track_job, const ChosenCallback& on_chosen) = 0;
  // The refusal send() would give `request` for its size if it had recipients; nullopt when it
  // fits. Changes nothing.
  virtual std::optional<SendRefusal> size_refusal(const std::string& user_id,
                                                  const SendRequest& request) = 0;

  // blender_job_update from `session_id` of `user_id` (contract §8.8), looking only at that
  // user's pending entries.
  virtual Result<JobUpdateOutcome, JobUpdateError> job_update(const std::string& user_id,
                                                              const std::string& session_id,
                                                              const JobUpdate& update) = 0;
  virtual void add_job_listener(JobListener listener) = 0;
  virtual void add_job_start_listener(JobStartListener listener) = 0;

  virtual Result<ClientLists, Unavailable> list(const std::string& user_id) const = 0;
  // The clients of one type, by connected_at.
  virtual Result<std::vector<Candidate>, Unavailable> clients_of_type(
      const std::string& user_id, const std::string& client_type) const = 0;
  virtual Result<BusStats, Unavailable> stats(const std::string& user_id) const = 0;
  // Each client's queue depth, held records and reported version and host, by connected_at
  // (in a cluster: read from the shared store, whichever node holds the client's session).
  virtual Result<std::vector<ClientDetail>, Unavailable> client_details(
      const std::string& user_id) const = 0;

  // A session of the user ended (its ephemeral clients leave, persistent ones go offline).
  virtual void end_session(const std::string& user_id, const std::string& session_id) = 0;
  // The user was removed: its bus and pending jobs are dropped.
  virtual void drop_user(const std::string& user_id) = 0;
  // Applies the time bounds: held records and pending jobs past their TTL.
  virtual void sweep() = 0;
  // Buses and clients (in a cluster: of the whole cluster).
  virtual HubCounts counts() const = 0;
  // Every client on every bus, in no particular order (in a cluster: of the whole cluster;
  // empty while the shared store cannot be reached).
  virtual std::vector<ClientState> client_states() const = 0;
};

// The origin of records the server sends for a user: "server:<user_id>".
std::string server_origin(std::string_view user_id);

}  // namespace bmcp::bus
