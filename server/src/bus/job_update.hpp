#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bus/job_image.hpp"
#include "core/json_text.hpp"

namespace bmcp::bus {

// A `blender_job_update` call: the status of one job, reported by a client that runs it.
struct JobUpdate {
  std::string job_id;
  std::string status;
  std::string result;
  std::string error;
  std::optional<double> progress;  // 0..1
  std::optional<std::string> progress_message;
  // Pictures the job produced (docs/images.md); null when there are none. A dispatch waiter
  // turns them into image content items; a bus originator finds them in the payload.
  SharedJobImages images = nullptr;
};

// completed, failed and cancelled end a job; anything else (running, ...) does not.
bool is_terminal_status(std::string_view status);

// The reply payload the originator receives:
// {"kind":"job_update","job_id","status","result","error"}, plus `progress` and
// `progress_message` when the update carries them, and `images` ([{"label","mimeType","data"}])
// when it carries any.
json::object job_update_payload(const JobUpdate& update);

}  // namespace bmcp::bus
