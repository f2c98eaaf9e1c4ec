#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/job_update.hpp"
#include "bus/target_choice.hpp"
#include "core/json_text.hpp"

namespace bmcp::jobs {

using bus::TargetError;

// The envelopes a dispatch returns; each is an ordinary tool result, never a protocol error.
// {status, command, target_uuid, job_id, result, error}; status is the reported terminal one.
json::object reply_envelope(std::string_view command, std::string_view target_uuid,
                            std::string_view job_id, const bus::JobUpdate& update);
// The timeout envelope with waited_seconds and the blender_get_job hint.
json::object timeout_envelope(std::string_view command, std::string_view target_uuid,
                              std::string_view job_id, double waited_seconds);
// no_client, ambiguous_target, unknown_target or offline_target, with the contract's hints.
json::object target_error_envelope(std::string_view command, const TargetError& error);
// status record_too_large: the command_dispatch record would pass the bus's record size
// bound; `detail` names the size and the limit. Nothing was sent.
json::object record_too_large_envelope(std::string_view command, std::string_view target_uuid,
                                       std::string_view detail);
// status bus_unavailable: the bus's shared store (cluster mode) could not be reached; `detail`
// says what failed. Nothing was sent.
json::object unavailable_envelope(std::string_view command, std::string_view detail);

}  // namespace bmcp::jobs
