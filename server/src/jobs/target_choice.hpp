#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/bus.hpp"
#include "core/result.hpp"
#include "jobs/envelope.hpp"

namespace bmcp::jobs {

// Picks the Blender client for a dispatch among `candidates` (the bus's `blender` clients):
// a requested uuid must be a candidate (unknown_target) that is online (offline_target);
// without one, exactly one online candidate is auto-picked (none: no_client; several:
// ambiguous_target with the online uuids sorted ascending).
Result<std::string, TargetError> choose_target(const std::vector<bus::Candidate>& candidates,
                                               std::string_view requested_uuid);

}  // namespace bmcp::jobs
