#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bus/message.hpp"

namespace bmcp::cluster {

// One send's notification text around the recipient's uuid: the shared store makes each
// recipient's record as `before + <uuid as a JSON string> + after`, so the record is
// serialized once per send and every recipient's text is exactly what one node would send.
struct RecordText {
  std::string before;
  std::string after;
  // Only for a direct route to kChosenTarget: `after` then ends where the route's target goes
  // (the same client as the recipient), and this part follows it.
  std::optional<std::string> after_route;
};

// The key of a direct route whose target the store chooses (bmcp_send's 'choose'): the
// record's route then names the chosen client, spliced in as the recipient's uuid is. No
// client can have it (control characters are refused at registration).
inline constexpr std::string_view kChosenTarget = "\x01target\x01";

// Splits the notification text of `message` (tools::bus_notification_text's shape) at its
// target uuid, and at its route's target when that is kChosenTarget.
RecordText split_record_text(const bus::Message& message);

// A uuid as the JSON string a record carries.
std::string json_string(std::string_view text);

}  // namespace bmcp::cluster
