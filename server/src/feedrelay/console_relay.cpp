#include "feedrelay/console_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

namespace bmcp::feedrelay {

struct ConsoleRelay::Shared {
  std::mutex mutex;  // held while a heard event is handed to the feed, and by stop()
  console::ConsoleFeed* feed = nullptr;
  std::string node_id;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> shown{0};
  std::atomic<std::uint64_t> ignored{0};

  // A message: one event, or several joined by newlines (encoded events hold none).
  void hear_batch(const std::string& text) {
    std::size_t begin = 0;
    while (begin <= text.size()) {
      const auto end = std::min(text.find('\n', begin), text.size());
      hear(text.substr(begin, end - begin));
      begin = end + 1;
    }
  }

  void hear(const std::string& text) {
    auto event = decode_relayed(text);
    if (!event) {
      const auto count = ++ignored;
      // The first and then every 1000th: a peer that writes garbage must not flood the log.
      if (count == 1 || count % 1000 == 0)
        spdlog::warn("console relay: ignored an event on {} ({} so far): {}",
                     ConsoleRelay::kChannel, count, event.error());
      return;
    }
    if (event->node_id == node_id)
      return;  // this node showed it when it happened
    std::lock_guard lock(mutex);
    if (!feed)
      return;
    ++shown;
    switch (event->kind) {
      case RelayedKind::kRecord:
        feed->add_record(event->user_id, std::move(event->record));
        break;
      case RelayedKind::kJobStarted:
        feed->on_job_started(event->user_id, event->job, event->track_only);
        break;
      case RelayedKind::kJobTimedOut:
        feed->on_job_timed_out(event->user_id, event->job_id);
        break;
      case RelayedKind::kJobCancelled:
        feed->on_job_cancelled(event->user_id, event->job_id);
        break;
      case RelayedKind::kJobForgotten:
        feed->on_job_forgotten(event->user_id, event->job_id);
        break;
    }
  }
};

ConsoleRelay::ConsoleRelay(console::ConsoleFeed& feed, cluster::SharedStore& store,
                           std::string node_id, std::chrono::milliseconds batch_window)
    : feed_(feed),
      store_(store),
      node_id_(std::move(node_id)),
      batch_window_(batch_window),
      shared_(std::make_shared<Shared>()),
      batcher_([this] { run_batches(); }) {
  shared_->feed = &feed_;
  shared_->node_id = node_id_;
  store_.subscriber().subscribe(std::string(kChannel),
                                [shared = shared_](const std::string&, const std::string& text) {
                                  shared->hear_batch(text);
                                });
}

ConsoleRelay::~ConsoleRelay() {
  stop();
}

void ConsoleRelay::stop() {
  {
    std::lock_guard lock(batch_mutex_);
    stopping_ = true;
  }
  batch_ready_.notify_all();
  if (batcher_.joinable())
    batcher_.join();
  {
    std::lock_guard lock(shared_->mutex);
    if (!shared_->feed)
      return;
    shared_->feed = nullptr;
  }
  store_.subscriber().unsubscribe(std::string(kChannel));
}

void ConsoleRelay::run_batches() {
  std::unique_lock lock(batch_mutex_);
  while (true) {
    batch_ready_.wait(lock, [this] { return stopping_ || !batch_.empty(); });
    if (!stopping_)
      batch_ready_.wait_for(lock, batch_window_, [this] { return stopping_; });
    std::vector<std::string> events;
    events.swap(batch_);
    const bool last = stopping_;
    lock.unlock();
    if (!events.empty()) {
      std::string message;
      for (const auto& event : events) {
        if (!message.empty())
          message += '\n';
        message += event;
      }
      ++shared_->batches;
      store_.command_async({"PUBLISH", std::string(kChannel), std::move(message)},
                           [](Result<redis::Reply, std::string> published) {
                             if (!published)
                               spdlog::warn("console relay: events were not published: {}",
                                            published.error());
                           });
    }
    if (last)
      return;
    lock.lock();
  }
}

RelayCounts ConsoleRelay::counts() const {
  return RelayCounts{shared_->published.load(), shared_->batches.load(), shared_->shown.load(),
                     shared_->ignored.load()};
}

void ConsoleRelay::publish(RelayedEvent event) {
  event.node_id = node_id_;
  auto text = encode_relayed(event);
  bool first = false;
  {
    std::lock_guard lock(batch_mutex_);
    if (stopping_)
      return;
    first = batch_.empty();
    batch_.push_back(std::move(text));
  }
  ++shared_->published;
  if (first)
    batch_ready_.notify_one();
}

void ConsoleRelay::publish_job(RelayedKind kind, const std::string& user_id,
                               const std::string& job_id) {
  RelayedEvent event;
  event.user_id = user_id;
  event.kind = kind;
  event.job_id = job_id;
  publish(std::move(event));
}

void ConsoleRelay::relay_record(const std::string& user_id, json::object record) {
  feed_.add_record(user_id, record);
  RelayedEvent event;
  event.user_id = user_id;
  event.record = std::move(record);
  publish(std::move(event));
}

void ConsoleRelay::on_send(const std::string& user_id, const bus::SendRequest& request,
                           const bus::SendOutcome& outcome) {
  relay_record(user_id, feed_.send_record(request, outcome));
}

void ConsoleRelay::on_job_update_routed(const std::string& user_id, const bus::JobUpdate& update,
                                        const bus::JobUpdateOutcome& outcome) {
  relay_record(user_id, feed_.job_update_record(update, outcome));
}

// Client listings come from the shared store: every node's feed lists them again at least
// every two seconds, so a change elsewhere needs no relay.
void ConsoleRelay::on_clients_changed(const std::string& user_id) {
  feed_.on_clients_changed(user_id);
}

// Not relayed: each node notices a removed account itself (its sessions and console pages are
// checked against the user store) and drops what it showed of it.
void ConsoleRelay::on_user_dropped(const std::string& user_id) {
  feed_.on_user_dropped(user_id);
}

void ConsoleRelay::on_job_started(const std::string& user_id, const jobs::JobRecord& record,
                                  bool track_only) {
  feed_.on_job_started(user_id, record, track_only);
  RelayedEvent event;
  event.user_id = user_id;
  event.kind = RelayedKind::kJobStarted;
  event.job.job_id = record.job_id;
  event.job.command = record.command;
  event.job.target_uuids = record.target_uuids;
  event.job.created_at = record.created_at;
  event.track_only = track_only;
  publish(std::move(event));
}

// Every node hears every job update (bmcp:jobs) and passes it to its own feed.
void ConsoleRelay::on_job_event(const bus::JobEvent& event) {
  feed_.on_job_event(event);
}

void ConsoleRelay::on_job_timed_out(const std::string& user_id, const std::string& job_id) {
  feed_.on_job_timed_out(user_id, job_id);
  publish_job(RelayedKind::kJobTimedOut, user_id, job_id);
}

void ConsoleRelay::on_job_cancelled(const std::string& user_id, const std::string& job_id) {
  feed_.on_job_cancelled(user_id, job_id);
  publish_job(RelayedKind::kJobCancelled, user_id, job_id);
}

void ConsoleRelay::on_job_forgotten(const std::string& user_id, const std::string& job_id) {
  feed_.on_job_forgotten(user_id, job_id);
  publish_job(RelayedKind::kJobForgotten, user_id, job_id);
}

}  // namespace bmcp::feedrelay
