#pragma once

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
};

// Splits the notification text of `message` (tools::bus_notification_text's shape) at its
// target uuid.
RecordText split_record_text(const bus::Message& message);

// A uuid as the JSON string a record carries.
std::string json_string(std::string_view text);

}  // namespace bmcp::cluster
