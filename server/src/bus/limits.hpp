#pragma once

#include <chrono>
#include <cstddef>

namespace bmcp::bus {

// Every bound of the bus, with its default. Each one is counted when hit (BusCounters).
struct BusLimits {
  std::size_t max_clients_per_bus = 256;
  // Records held for one offline persistent client, and how long each waits.
  std::size_t offline_hold_messages = 1000;
  std::chrono::seconds offline_hold_ttl{120};
  // How long a client stays online after its session's standalone stream closed.
  std::chrono::seconds stream_grace{15};
  // Pending-job entries per user (oldest evicted first) and their lifetime without a
  // terminal reply.
  std::size_t max_pending_jobs_per_user = 10000;
  std::chrono::seconds pending_job_ttl{std::chrono::hours(24)};

  // Bytes. The largest record a send may carry, measured as record_text_bytes(): a send with
  // recipients whose record is larger is refused before anything is routed. Every stream
  // buffer must be able to take one such record (checked by the configuration).
  std::size_t max_record_bytes = 4u << 20;
  // Bytes held for one offline persistent client (the oldest make room).
  std::size_t offline_hold_bytes = 16u << 20;
  // Bytes one user's records may occupy while they wait: queued in the user's sessions'
  // streams (not yet sent) and held for the user's offline clients. A record that does not fit
  // after the recipient's own backlog gave way is not kept for that recipient (`dropped`).
  std::size_t max_user_bytes = 64u << 20;
  // Decoded bytes of the images one job update may carry (blender_job_update `images`,
  // docs/images.md). A larger update is refused whole (`images_too_large`), never cut. A
  // dispatch tool answers with them base64-encoded in one response, so the configuration
  // checks that a stream buffer holds that.
  std::size_t max_image_bytes = 4u << 20;

  // What a client may register (longer or more is refused, nothing registered).
  std::size_t max_client_type_length = 64;
  std::size_t max_group_id_length = 128;
  std::size_t max_capabilities = 64;
  std::size_t max_capability_length = 128;
  std::size_t max_blender_version_length = 64;
  std::size_t max_host_length = 255;
};

}  // namespace bmcp::bus
