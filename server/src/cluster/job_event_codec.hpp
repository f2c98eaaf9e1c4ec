#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bus/bus_service.hpp"

namespace bmcp::cluster {

// A job event as the nodes of a cluster pass it to each other (pub/sub on bmcp:jobs), with
// the node that routed it so that node can skip its own.
struct NodeJobEvent {
  std::string node_id;
  bus::JobEvent event;
};

// JSON text: {"node","user","terminal","pending","update":{job_id,status,result,error,
// progress?,progress_message?,images?}}.
std::string encode_job_event(const std::string& node_id, const bus::JobEvent& event);
// nullopt when `text` is not an event this codec wrote. Decoded events are not local.
std::optional<NodeJobEvent> decode_job_event(std::string_view text);

}  // namespace bmcp::cluster
