#include "jobs/envelope.hpp"

namespace bmcp::jobs {

json::object reply_envelope(std::string_view command, std::string_view target_uuid,
                            std::string_view job_id, const bus::JobUpdate& update) {
  return {{"status", update.status}, {"command", command},      {"target_uuid", target_uuid},
          {"job_id", job_id},        {"result", update.result}, {"error", update.error}};
}

json::object timeout_envelope(std::string_view command, std::string_view target_uuid,
                              std::string_view job_id, double waited_seconds) {
  return {{"status", "timeout"},
          {"command", command},
          {"target_uuid", target_uuid},
          {"job_id", job_id},
          {"result", ""},
          {"error", "timeout"},
          {"waited_seconds", waited_seconds},
          {"hint",
           "The Blender client did not reply in time. The command may still be running there; "
           "its reply will be kept: call blender_get_job with this job_id later. Pass a larger "
           "_timeout for long operations."}};
}

json::object target_error_envelope(std::string_view command, const TargetError& error) {
  switch (error.kind) {
    case TargetError::Kind::kNoClient:
      return {{"status", "no_client"},
              {"command", command},
              {"hint",
               "No Blender client connected to your bus. Open Blender, enable the BlenderMCP "
               "addon, click Login then Connect."}};
    case TargetError::Kind::kAmbiguous: {
      json::array candidates;
      for (const auto& uuid : error.candidates)
        candidates.emplace_back(uuid);
      return {{"status", "ambiguous_target"},
              {"command", command},
              {"candidates", std::move(candidates)},
              {"hint",
               "Multiple Blender clients connected; pass target_uuid=<one of candidates> to "
               "disambiguate."}};
    }
    case TargetError::Kind::kUnknown:
      return {{"status", "unknown_target"},
              {"command", command},
              {"target_uuid", error.target_uuid},
              {"hint", "No registered Blender client has that UUID on this bus."}};
    case TargetError::Kind::kOffline:
      break;
  }
  return {{"status", "offline_target"},
          {"command", command},
          {"target_uuid", error.target_uuid},
          {"hint",
           "That Blender client is registered but not connected. Reconnect it in Blender (Login "
           "then Connect) and retry."}};
}

json::object record_too_large_envelope(std::string_view command, std::string_view target_uuid,
                                       std::string_view detail) {
  return {{"status", "record_too_large"},
          {"command", command},
          {"target_uuid", target_uuid},
          {"error", detail},
          {"hint",
           "The arguments are too large to send to Blender. Send less per call (for example "
           "split the code, or load large data from a file on the Blender side)."}};
}

json::object unavailable_envelope(std::string_view command, std::string_view detail) {
  return {{"status", "bus_unavailable"},
          {"command", command},
          {"error", detail},
          {"hint",
           "The server cannot reach its shared bus store right now; nothing was sent to "
           "Blender. Try again in a few seconds."}};
}

}  // namespace bmcp::jobs
