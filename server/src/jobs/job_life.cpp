#include "jobs/job_life.hpp"

#include "jobs/dispatcher.hpp"

namespace bmcp::jobs {

JobLife::JobLife(bus::BusService& bus, JobStore& store, const Clock& clock)
    : store_(store), clock_(clock) {
  bus.add_job_start_listener([this](const bus::JobStart& start) { on_start(start); });
  bus.add_job_listener([this](const bus::JobEvent& event) { on_event(event); });
}

void JobLife::on_start(const bus::JobStart& start) {
  // A dispatch job is already recorded, with its command, by the Dispatcher.
  if (is_dispatch_origin(start.origin))
    return;
  JobRecord record;
  record.job_id = start.job_id;
  record.target_uuids = start.target_uuids;
  record.created_at = clock_.unix_seconds();
  store_.track(start.user_id, std::move(record));
}

void JobLife::on_event(const bus::JobEvent& event) {
  store_.apply(event);
  waiter_.on_event(event);
}

}  // namespace bmcp::jobs
