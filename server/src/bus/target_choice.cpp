#include "bus/target_choice.hpp"

#include <algorithm>

namespace bmcp::bus {

Result<std::string, TargetError> choose_target(const std::vector<Candidate>& candidates,
                                               std::string_view requested_uuid) {
  if (!requested_uuid.empty()) {
    const auto found = std::find_if(candidates.begin(), candidates.end(),
                                    [&](const auto& c) { return c.uuid == requested_uuid; });
    if (found == candidates.end())
      return Unexpected{TargetError{TargetError::Kind::kUnknown, std::string(requested_uuid), {}}};
    if (!found->online)
      return Unexpected{TargetError{TargetError::Kind::kOffline, std::string(requested_uuid), {}}};
    return found->uuid;
  }
  std::vector<std::string> online;
  for (const auto& candidate : candidates) {
    if (candidate.online)
      online.push_back(candidate.uuid);
  }
  if (online.empty())
    return Unexpected{TargetError{TargetError::Kind::kNoClient, {}, {}}};
  if (online.size() > 1) {
    std::sort(online.begin(), online.end());
    return Unexpected{TargetError{TargetError::Kind::kAmbiguous, {}, std::move(online)}};
  }
  return online.front();
}

}  // namespace bmcp::bus
