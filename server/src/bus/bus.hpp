#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus/client.hpp"
#include "bus/counters.hpp"
#include "bus/limits.hpp"
#include "bus/route.hpp"
#include "core/byte_budget.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::bus {

enum class RegisterError {
  kInvalidClientUuid,
  kInvalidClientType,
  kInvalidGroupId,
  kInvalidCapabilities,
  kInvalidBlenderVersion,
  kInvalidHost,
  kTooManyClients,
  kUnavailable,  // cluster mode: the shared store could not be reached
};
// The error word: invalid_client_uuid, invalid_client_type, invalid_group_id,
// invalid_capabilities, invalid_blender_version, invalid_host, too_many_clients,
// bus_unavailable.
std::string_view error_word(RegisterError error);

// A registration that breaks a bound of `limits`: the error and a sentence naming what was
// wrong; nullopt when it is acceptable. Looks at nothing else.
std::optional<std::pair<RegisterError, std::string>> registration_problem(
    const Registration& registration, const BusLimits& limits);

struct SendRequest {
  Route route;
  json::value payload;
  LogLevel priority = LogLevel::kInfo;
  std::string origin;                 // from_uuid, or the server origin that sends it
  std::optional<std::string> job_id;  // payload.job_id; the message id when absent
};

// Why a send was refused as a whole (nothing was routed, held or recorded).
struct SendRefusal {
  std::string error;   // the error word, e.g. record_too_large
  std::string detail;  // what was wrong, naming the bound
};

// The message of one send on `user_id`'s bus at `unix_seconds`: a fresh message id, the job id
// (the request's, else the message id), the wire timestamp and its measured size. Every bus
// implementation builds its records with it.
std::shared_ptr<Message> make_message(const std::string& user_id, const SendRequest& request,
                                      double unix_seconds);
// The record_too_large refusal of `message`, naming its size and the limit.
SendRefusal record_too_large(const Message& message, std::size_t max_record_bytes);

struct SendOutcome {
  std::optional<SendRefusal> refused;  // set: nothing below happened
  std::string message_id;
  std::string job_id;
  json::object routing;
  std::vector<std::string> targets;            // every recipient routing resolved
  std::vector<std::string> filtered_by_level;  // below the recipient session's level
  std::vector<std::string> offline;            // held or queued for a client that is offline
  std::vector<std::string> dropped;            // a bound was hit: some record was not kept
};

// A client as a dispatch target: its uuid and whether it is online now.
struct Candidate {
  std::string uuid;
  bool online = false;
};

// What the console shows of a client beyond its ClientInfo: how many records routed to it wait
// undelivered in the stream of the session it is bound to (`queued`: every record that
// session's stream has not sent yet, so clients that share one session share the number), how
// many are held for it while it is offline (`held`), and what it reported about where it runs.
struct ClientDetail {
  std::string uuid;
  std::size_t queued = 0;
  std::size_t held = 0;
  std::optional<std::string> blender_version;
  std::optional<std::string> host;
};

struct ClientLists {
  json::array persistent;  // ClientInfo objects, by connected_at
  json::array ephemeral;
};

// Called with the bus lock held, after routing and before any delivery: the place to record
// a pending job before its reply can possibly arrive. Must take only leaf locks.
using BeforeDelivery =
    std::function<void(const Message& message, const std::vector<std::string>& targets)>;

// One user's bus: its clients (persistent and ephemeral buckets, one record per uuid), their
// bindings to sessions, and routing. Records are delivered while the bus lock is held, so
// every recipient sees one bus's records in one order, and held records always precede newer
// ones (lock order: Bus -> StandaloneStream -> sink, docs/lock-order.md).
// Thread safety: all methods are safe from any thread.
class Bus {
 public:
  Bus(std::string user_id, const Clock& clock, const BusLimits& limits, BusCounters& counters);

  const std::string& user_id() const { return user_id_; }

  // First registration creates the client in its bucket; a re-registration updates it in
  // place (type, capabilities, group, binding; the bucket and connected_at are sticky) and
  // delivers what was held for it while it was offline. Returns its ClientInfo.
  Result<json::object, RegisterError> register_client(Registration registration,
                                                      std::shared_ptr<Endpoint> endpoint);
  // False when no client has that uuid.
  bool unregister_client(std::string_view uuid);

  // Routes one record. A send with recipients whose record is larger than max_record_bytes is
  // refused (outcome.refused), before anything is recorded or delivered.
  SendOutcome send(const SendRequest& request, const BeforeDelivery& before_delivery = {});
  // The record of `request`, built once (ids, time, rendered text): a caller that checks the
  // size before it sends measures and routes the same record instead of building it twice.
  std::shared_ptr<const Message> prepare(const SendRequest& request) const;
  // send() of a record prepare() built from `request`.
  SendOutcome send(const SendRequest& request, const BeforeDelivery& before_delivery,
                   std::shared_ptr<const Message> prepared);
  // The refusal send() would give `request` for its size if it had recipients, measured the
  // same way; nullopt when it fits. Changes nothing.
  std::optional<SendRefusal> size_refusal(const SendRequest& request) const;
  std::optional<SendRefusal> size_refusal(const Message& prepared) const;

  ClientLists list() const;
  // The clients of one type, by connected_at.
  std::vector<Candidate> clients_of_type(std::string_view client_type) const;
  // Every client's ClientDetail, by connected_at.
  std::vector<ClientDetail> details() const;
  std::size_t persistent_count() const;
  std::size_t ephemeral_count() const;
  // Whether `session_id` is the session currently bound to one of `uuids`.
  bool is_bound_to_any(const std::vector<std::string>& uuids, std::string_view session_id) const;

  // The session ended: its ephemeral clients leave, its persistent clients go offline.
  void end_session(std::string_view session_id);
  // Drops held records older than the hold TTL.
  void expire_held();
  // Bytes of this user's records that wait (queued in streams or held), and the bound.
  const std::shared_ptr<ByteBudget>& budget() const { return budget_; }

 private:
  std::vector<Client*> recipients_locked(const Route& route, std::string_view origin);
  void deliver_locked(Client& client, const std::shared_ptr<const Message>& message,
                      SendOutcome& outcome);
  void hold_locked(Client& client, const std::shared_ptr<const Message>& message,
                   SendOutcome& outcome);
  void flush_held_locked(Client& client);
  std::vector<const Client*> ordered_locked() const;

  const std::string user_id_;
  const Clock& clock_;
  const BusLimits& limits_;
  BusCounters& counters_;
  const std::shared_ptr<ByteBudget> budget_;

  mutable std::mutex mutex_;
  std::map<std::string, Client, std::less<>> clients_;
  std::uint64_t next_order_ = 1;
};

}  // namespace bmcp::bus
