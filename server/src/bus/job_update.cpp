#include "bus/job_update.hpp"

namespace bmcp::bus {

bool is_terminal_status(std::string_view status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

json::object job_update_payload(const JobUpdate& update) {
  json::object payload{{"kind", "job_update"},
                       {"job_id", update.job_id},
                       {"status", update.status},
                       {"result", update.result},
                       {"error", update.error}};
  if (update.progress)
    payload["progress"] = *update.progress;
  if (update.progress_message)
    payload["progress_message"] = *update.progress_message;
  if (update.images && !update.images->empty())
    payload["images"] = job_images_json(*update.images);
  return payload;
}

}  // namespace bmcp::bus
