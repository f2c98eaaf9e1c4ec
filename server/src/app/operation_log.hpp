#pragma once

#include "jobs/dispatcher.hpp"
#include "mcp/session.hpp"
#include "mcp/session_table.hpp"

namespace bmcp::app {

// The log lines about what the server did for its users, with structured fields
// (docs/logging.md): members of the line's object with --log-format json, `name=value` after
// the message otherwise.

// info "dispatch finished": user, tool (the add-on command when no tool runs it), job_id (when
// a job was started), status (the envelope's) and duration (seconds).
void log_dispatch(const jobs::DispatchOutcome& outcome);
// info "session ended": user, session, reason (deleted, idle, user_removed, shutdown).
void log_session_end(const mcp::Session& session, mcp::SessionEndReason reason);

}  // namespace bmcp::app
