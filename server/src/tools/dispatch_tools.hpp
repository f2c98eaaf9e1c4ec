#pragma once

#include "core/clock.hpp"
#include "jobs/dispatcher.hpp"
#include "jobs/job_store.hpp"
#include "mcp/registry.hpp"

namespace bmcp::tools {

// The upper bound of `_timeout`; larger values are clamped to it.
inline constexpr double kMaxDispatchTimeoutSeconds = 3600;

// Registers the 26 dispatch tools of the table (contract §5.2 and docs/images.md), in order, then
// blender_get_job. Each call picks a target, sends one command_dispatch and answers with the
// envelope when the reply, the timeout or a target error comes; cancelling the call cancels
// the job. `dispatcher` and `store` must outlive the registry's use.
void add_dispatch_tools(mcp::Registry& registry, jobs::Dispatcher& dispatcher,
                        const jobs::JobStore& store);

// Registers blender://scene/info, blender://scene/objects and the two console templates
// (contract §6): each reads through one dispatch and returns the envelope as content.
void add_scene_resources(mcp::Registry& registry, jobs::Dispatcher& dispatcher);

}  // namespace bmcp::tools
