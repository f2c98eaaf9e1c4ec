#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/bus.hpp"
#include "core/result.hpp"

namespace bmcp::bus {

// Why no client could be chosen as a dispatch's target (contract §5.2, target errors).
struct TargetError {
  enum class Kind { kNoClient, kAmbiguous, kUnknown, kOffline };
  Kind kind;
  std::string target_uuid;              // kUnknown, kOffline
  std::vector<std::string> candidates;  // kAmbiguous: sorted ascending
};

// Picks the target client of a dispatch among `candidates` (the bus's clients of one type):
// a requested uuid must be a candidate (unknown_target) that is online (offline_target);
// without one, exactly one online candidate is auto-picked (none: no_client; several:
// ambiguous_target with the online uuids sorted ascending).
Result<std::string, TargetError> choose_target(const std::vector<Candidate>& candidates,
                                               std::string_view requested_uuid);

}  // namespace bmcp::bus
