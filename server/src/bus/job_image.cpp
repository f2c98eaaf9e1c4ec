#include "bus/job_image.hpp"

#include <fmt/format.h>

#include "core/base64.hpp"

namespace bmcp::bus {
namespace {

constexpr std::string_view kPng = "image/png";
constexpr std::string_view kJpeg = "image/jpeg";
constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::string_view kJpegStart = "\xff\xd8\xff";

std::string_view signature_of(std::string_view mime_type) {
  return mime_type == kPng ? kPngSignature : kJpegStart;
}

Result<JobImage, std::string> parse_one(const json::value& item) {
  const auto* object = item.if_object();
  if (!object)
    return Unexpected{std::string("must be an object with mimeType and data")};
  JobImage image;
  const auto* mime_type = object->if_contains("mimeType");
  if (!mime_type || !mime_type->is_string())
    return Unexpected{std::string("mimeType must be a string: image/png or image/jpeg")};
  image.mime_type = mime_type->as_string();
  if (image.mime_type != kPng && image.mime_type != kJpeg) {
    return Unexpected{
        fmt::format("mimeType must be image/png or image/jpeg, not '{}'", image.mime_type)};
  }
  const auto* data = object->if_contains("data");
  if (!data || !data->is_string())
    return Unexpected{std::string("data must be a string of base64")};
  image.data = data->as_string();
  const auto signature = signature_of(image.mime_type);
  const auto start = base64_decode_prefix(image.data, signature.size());
  if (!start) {
    return Unexpected{
        std::string("data is not canonical base64 (A-Z a-z 0-9 + /, '=' padding, no whitespace)")};
  }
  if (*start != signature) {
    return Unexpected{fmt::format(
        "data does not hold a {} image (its first bytes are not the {} "
        "signature)",
        image.mime_type == kPng ? "PNG" : "JPEG", image.mime_type == kPng ? "PNG" : "JPEG")};
  }
  if (const auto* label = object->if_contains("label"); label && !label->is_null()) {
    if (!label->is_string())
      return Unexpected{std::string("label must be a string")};
    image.label = label->as_string();
    if (image.label.size() > kMaxImageLabelBytes)
      return Unexpected{fmt::format("label must be at most {} bytes", kMaxImageLabelBytes)};
  }
  return image;
}

}  // namespace

Result<JobImages, std::string> parse_job_images(const json::array& items) {
  JobImages images;
  images.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto image = parse_one(items[i]);
    if (!image)
      return Unexpected{fmt::format("images[{}]: {}", i, image.error())};
    images.push_back(std::move(image.value()));
  }
  return images;
}

std::size_t decoded_image_bytes(const JobImages& images) {
  std::size_t total = 0;
  for (const auto& image : images)
    total += base64_decoded_size(image.data);
  return total;
}

json::array job_images_json(const JobImages& images) {
  json::array out;
  out.reserve(images.size());
  for (const auto& image : images) {
    out.push_back(
        json::object{{"label", image.label}, {"mimeType", image.mime_type}, {"data", image.data}});
  }
  return out;
}

}  // namespace bmcp::bus
