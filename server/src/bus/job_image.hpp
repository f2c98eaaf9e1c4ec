#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/json_text.hpp"
#include "core/result.hpp"

namespace bmcp::bus {

// One picture a job reply carries (the `images` argument of blender_job_update): PNG or JPEG
// bytes as canonical base64, as MCP image content holds them, and a short label saying what it
// shows ("front", "camera"). The server never decodes more than the first bytes (to check the
// format); it passes the text on.
struct JobImage {
  std::string mime_type;  // image/png or image/jpeg
  std::string data;       // canonical base64 (core/base64.hpp)
  std::string label;      // may be empty
};
using JobImages = std::vector<JobImage>;
// Shared and immutable: an update is copied into job events and replies without copying the
// bytes. Null when the update has no images.
using SharedJobImages = std::shared_ptr<const JobImages>;

inline constexpr std::size_t kMaxImageLabelBytes = 200;

// Parses the `images` argument: an array of {"mimeType", "data", "label"?} objects. Each item's
// mimeType must be image/png or image/jpeg, its data canonical base64 of bytes that start like
// that format (PNG signature, JPEG SOI marker), its label a string of at most 200 bytes. The
// error names the item (images[<index>]) and what is wrong with it.
Result<JobImages, std::string> parse_job_images(const json::array& items);

// The decoded size of every image together, in bytes.
std::size_t decoded_image_bytes(const JobImages& images);

// The images as a reply payload carries them on the bus: [{"label","mimeType","data"}, ...].
json::array job_images_json(const JobImages& images);

}  // namespace bmcp::bus
