#include "tools/bus_tools.hpp"

#include <fmt/format.h>

#include "bus/job_image.hpp"
#include "bus/priority.hpp"
#include "mcp/tool_result.hpp"
#include "tools/schema.hpp"
#include "tools/session_endpoint.hpp"

namespace bmcp::tools {
namespace {

using Context = std::shared_ptr<mcp::RequestContext>;

constexpr std::size_t kMaxProgressMessage = 500;

void reply(const Context& ctx, json::object result) {
  ctx->respond(mcp::json_tool_result(result, ctx->session().protocol_version()));
}

void reply_error(const Context& ctx, std::string_view error) {
  reply(ctx, {{"status", "error"}, {"error", error}});
}

// An error word with the sentence that says what was wrong.
void reply_error(const Context& ctx, std::string_view error, std::string_view detail) {
  reply(ctx, {{"status", "error"}, {"error", error}, {"detail", detail}});
}

// A string argument, or "" when it is absent (explicit nulls arrive as absent).
std::string text(const json::object& arguments, std::string_view name) {
  const auto* value = find_string(arguments, name);
  return value ? std::string(*value) : std::string();
}

json::array uuid_array(const std::vector<std::string>& uuids) {
  json::array array;
  for (const auto& uuid : uuids)
    array.emplace_back(uuid);
  return array;
}

// targets, filtered_by_level, offline and, when a bound was hit, dropped.
void add_delivery_lists(json::object& result, const bus::SendOutcome& outcome) {
  result["targets"] = uuid_array(outcome.targets);
  result["filtered_by_level"] = uuid_array(outcome.filtered_by_level);
  result["offline"] = uuid_array(outcome.offline);
  if (!outcome.dropped.empty())
    result["dropped"] = uuid_array(outcome.dropped);
}

mcp::Tool register_tool(bus::BusService& hub, const Clock& clock) {
  auto schema =
      SchemaBuilder()
          .required("client_uuid", {"string"},
                    "Your client id on the bus: 1-128 characters, no whitespace, not starting "
                    "with server: or server-dispatch: (in any letter case)")
          .required("client_type", {"string"},
                    "\"blender\" for a Blender instance (a dispatch target), \"llm\", or any "
                    "non-empty word")
          .optional("is_persistent", {"boolean"}, false,
                    "Persistent clients stay registered (offline) when their session ends and "
                    "get the records sent meanwhile when they register again; ephemeral ones "
                    "leave with their session. Fixed at the first registration")
          .optional("capabilities", {"array", "null"}, json::array(),
                    "Advisory capability words, e.g. python_execution, rendering, chat")
          .items("capabilities", "string")
          .optional("group_id", {"string", "null"}, nullptr,
                    "Group name for group routing; empty means no group")
          .optional("blender_version", {"string", "null"}, nullptr,
                    "Blender's version string (bpy.app.version_string), shown in the web "
                    "console; 1-64 characters. Not part of ClientInfo")
          .optional("host", {"string", "null"}, nullptr,
                    "The host name of the machine the client runs on, shown in the web "
                    "console; 1-255 characters. Not part of ClientInfo")
          .build();
  auto handler = [&hub, &clock](const Context& ctx, const json::object& arguments) {
    bus::Registration registration;
    registration.uuid = text(arguments, "client_uuid");
    registration.client_type = text(arguments, "client_type");
    if (const auto* persistent = arguments.if_contains("is_persistent"))
      registration.is_persistent = persistent->as_bool();
    if (const auto* capabilities = arguments.if_contains("capabilities")) {
      for (const auto& capability : capabilities->as_array())
        registration.capabilities.emplace_back(capability.as_string());
    }
    if (auto group = text(arguments, "group_id"); !group.empty())
      registration.group_id = std::move(group);
    if (const auto* version = find_string(arguments, "blender_version"))
      registration.blender_version = std::string(*version);
    if (const auto* host = find_string(arguments, "host"))
      registration.host = std::string(*host);
    // The contract's two words keep their exact shape; the newer bounds say what was wrong.
    const bool empty_type = registration.client_type.empty();
    auto endpoint = std::make_shared<SessionEndpoint>(ctx->session_ptr(), clock);
    auto info =
        hub.register_client(ctx->caller().user_id, std::move(registration), std::move(endpoint));
    if (!info) {
      const auto& [kind, detail] = info.error();
      const bool contract_word = kind == bus::RegisterError::kInvalidClientUuid ||
                                 (kind == bus::RegisterError::kInvalidClientType && empty_type);
      if (contract_word || detail.empty())
        reply_error(ctx, bus::error_word(kind));
      else
        reply_error(ctx, bus::error_word(kind), detail);
      return;
    }
    reply(ctx, {{"status", "ok"}, {"client", std::move(*info)}});
  };
  return {"blender_register_client",
          "Join your bus as a client bound to this MCP session, so that bus records addressed "
          "to it arrive as notifications/message (logger _message_bus) on this session's GET "
          "stream. Registering an existing uuid again updates it in place and moves it to this "
          "session. Call logging/setLevel with \"debug\" first: records below the session "
          "level (default warning) are not delivered.",
          std::move(schema), std::nullopt, std::move(handler)};
}

mcp::Tool unregister_tool(bus::BusService& hub) {
  auto schema = SchemaBuilder()
                    .required("client_uuid", {"string"}, "The client to remove from your bus")
                    .build();
  auto handler = [&hub](const Context& ctx, const json::object& arguments) {
    const auto uuid = text(arguments, "client_uuid");
    const auto removed = hub.unregister_client(ctx->caller().user_id, uuid);
    if (!removed) {
      reply_error(ctx, bus::kBusUnavailable, removed.error().detail);
      return;
    }
    reply(ctx, {{"status", *removed ? "ok" : "not_found"}, {"client_uuid", uuid}});
  };
  return {"blender_unregister_client",
          "Remove a client from your bus (idempotent: an unknown uuid gives status "
          "not_found).",
          std::move(schema), std::nullopt, std::move(handler)};
}

mcp::Tool send_tool(bus::BusService& hub) {
  auto schema =
      SchemaBuilder()
          .required("payload", {"object"},
                    "The message; opaque to the server except payload.job_id (a string). "
                    "Blender addons run {\"message_type\":\"job_dispatch\",\"job_id\",\"script\"}")
          .optional("target_uuid", {"string", "null"}, nullptr,
                    "Send to this one client (direct); wins over group_id and client_type")
          .optional("group_id", {"string", "null"}, nullptr,
                    "Send to every client of this group; wins over client_type")
          .optional("client_type", {"string", "null"}, nullptr,
                    "Send to every client of this type; with none of the three, broadcast to "
                    "every client but the sender")
          .optional("priority", {"string", "integer"}, "info",
                    "A level name (emergency..debug, any case) or 0-7; recipients whose "
                    "session level is less severe do not get it (see filtered_by_level)")
          .optional("from_uuid", {"string", "null"}, nullptr,
                    "Your registered uuid: the origin of the record, and where the reply to "
                    "payload.job_id goes (without it, replies are broadcast)")
          .build();
  auto handler = [&hub](const Context& ctx, const json::object& arguments) {
    const auto* priority_argument = arguments.if_contains("priority");
    const auto priority = bus::parse_priority(priority_argument ? *priority_argument : "info");
    if (!priority) {
      reply_error(ctx, priority.error());
      return;
    }
    const auto& payload = arguments.at("payload");
    std::optional<std::string> job_id;
    if (const auto* given = payload.as_object().if_contains("job_id")) {
      if (!given->is_string()) {
        reply_error(ctx, "payload.job_id must be a string");
        return;
      }
      job_id = std::string(given->get_string());
    }
    const auto from_uuid = text(arguments, "from_uuid");
    if (bus::is_reserved_origin(from_uuid)) {
      reply_error(ctx, "invalid_from_uuid");
      return;
    }
    const auto& user = ctx->caller().user_id;
    bus::SendRequest request;
    request.route = bus::Route::choose(text(arguments, "target_uuid"), text(arguments, "group_id"),
                                       text(arguments, "client_type"));
    request.payload = payload;
    request.priority = *priority;
    request.origin = from_uuid.empty() ? bus::server_origin(user) : from_uuid;
    request.job_id = std::move(job_id);
    const auto outcome = hub.send(user, request, !from_uuid.empty());
    if (outcome.refused) {
      reply_error(ctx, outcome.refused->error, outcome.refused->detail);
      return;
    }
    json::object result{
        {"status", "ok"}, {"message_id", outcome.message_id}, {"job_id", outcome.job_id}};
    add_delivery_lists(result, outcome);
    result["routing"] = outcome.routing;
    reply(ctx, std::move(result));
  };
  return {"blender_send_message",
          "Send a message on your bus: direct (target_uuid), to a group, to a client type, or "
          "broadcast. Each recipient gets one record as a notifications/message. With "
          "from_uuid, the job (payload.job_id, else the message id) is tracked and its "
          "blender_job_update reply comes back to you directly.",
          std::move(schema), std::nullopt, std::move(handler)};
}

// Domain checks of a job update beyond the schema's types; empty when it is acceptable.
std::string job_update_problem(const bus::JobUpdate& update) {
  if (update.job_id.empty())
    return "job_id must not be empty";
  if (update.status.empty())
    return "status must not be empty";
  if (update.progress && !(*update.progress >= 0.0 && *update.progress <= 1.0))
    return "progress must be between 0 and 1";
  if (update.progress_message && update.progress_message->size() > kMaxProgressMessage)
    return fmt::format("progress_message must be at most {} characters", kMaxProgressMessage);
  return {};
}

// The `images` argument, checked whole before anything is routed: each item's format, then
// the decoded bytes of all of them against the bound (never cut). The error is a word and the
// sentence that says what was wrong.
Result<bus::JobImages, std::pair<std::string, std::string>> parse_images(const json::array& items,
                                                                         std::size_t max_bytes) {
  auto images = bus::parse_job_images(items);
  if (!images)
    return Unexpected{std::pair<std::string, std::string>("invalid_images", images.error())};
  const auto bytes = bus::decoded_image_bytes(*images);
  if (bytes > max_bytes) {
    return Unexpected{std::pair<std::string, std::string>(
        "images_too_large",
        fmt::format("the images are {} bytes in all; the limit is {} bytes per reply "
                    "(max_image_bytes, BLENDER_MCP_MAX_IMAGE_BYTES); nothing was routed",
                    bytes, max_bytes))};
  }
  return std::move(images.value());
}

mcp::Tool job_update_tool(bus::BusService& hub) {
  auto schema =
      SchemaBuilder()
          .required("job_id", {"string"}, "The job being reported on")
          .required("status", {"string"},
                    "completed, failed or cancelled end the job; running (or any other word) "
                    "reports progress")
          .optional("result", {"string"}, "", "The job's result, e.g. captured stdout")
          .optional("error", {"string"}, "", "What went wrong, for failed jobs")
          .optional("progress", {"number", "null"}, nullptr, "Progress from 0 to 1")
          .optional("progress_message", {"string", "null"}, nullptr,
                    "A short progress note (at most 500 characters)")
          .optional("images", {"array", "null"}, nullptr,
                    "Pictures the job produced: [{\"mimeType\": \"image/png\" or "
                    "\"image/jpeg\", \"data\": base64, \"label\": what it shows}]. A "
                    "dispatch caller receives them as image content after the envelope; a bus "
                    "originator finds them in the reply's payload. At most max_image_bytes "
                    "decoded bytes in all (docs/images.md)")
          .items("images", "object")
          .build();
  auto handler = [&hub](const Context& ctx, const json::object& arguments) {
    bus::JobUpdate update;
    update.job_id = text(arguments, "job_id");
    update.status = text(arguments, "status");
    update.result = text(arguments, "result");
    update.error = text(arguments, "error");
    if (const auto* progress = arguments.if_contains("progress"))
      update.progress = progress->to_number<double>();
    if (const auto* message = find_string(arguments, "progress_message"))
      update.progress_message = std::string(*message);
    if (const auto problem = job_update_problem(update); !problem.empty()) {
      reply_error(ctx, problem);
      return;
    }
    if (const auto* images = arguments.if_contains("images"); images && images->is_array()) {
      auto parsed = parse_images(images->as_array(), hub.limits().max_image_bytes);
      if (!parsed) {
        reply_error(ctx, parsed.error().first, parsed.error().second);
        return;
      }
      if (!parsed->empty())
        update.images = std::make_shared<const bus::JobImages>(std::move(parsed.value()));
    }
    const auto outcome = hub.job_update(ctx->caller().user_id, ctx->session().id(), update);
    if (!outcome) {
      if (outcome.error() == bus::JobUpdateError::kUnavailable) {
        reply_error(ctx, bus::error_word(outcome.error()),
                    "the server cannot reach its shared bus store; nothing was routed");
        return;
      }
      if (outcome.error() == bus::JobUpdateError::kRecordTooLarge) {
        reply_error(ctx, bus::error_word(outcome.error()),
                    fmt::format("the job_update record is larger than the limit of {} bytes "
                                "(max_record_bytes); nothing was routed",
                                hub.limits().max_record_bytes));
        return;
      }
      reply_error(ctx, bus::error_word(outcome.error()));
      return;
    }
    json::object result{{"status", "ok"}, {"delivered", outcome->direct ? "direct" : "broadcast"}};
    add_delivery_lists(result, outcome->sent);
    reply(ctx, std::move(result));
  };
  return {"blender_job_update",
          "Report on a job you were sent: the reply {\"kind\":\"job_update\",...} goes "
          "directly to the job's originator at priority notice (or is broadcast on your bus "
          "when the job is unknown). Only a client the job was sent to may report on it.",
          std::move(schema), std::nullopt, std::move(handler)};
}

mcp::Tool list_tool(bus::BusService& hub) {
  auto handler = [&hub](const Context& ctx, const json::object&) {
    const auto& user = ctx->caller().user_id;
    auto lists = hub.list(user);
    if (!lists) {
      reply_error(ctx, bus::kBusUnavailable, lists.error().detail);
      return;
    }
    reply(ctx, {{"status", "ok"},
                {"user_id", user},
                {"persistent", std::move(lists->persistent)},
                {"ephemeral", std::move(lists->ephemeral)}});
  };
  return {"blender_list_available_clients",
          "List the clients on your bus, persistent and ephemeral, oldest first, with "
          "online and last_seen_seconds_ago.",
          SchemaBuilder().build(), std::nullopt, std::move(handler)};
}

}  // namespace

void add_bus_tools(mcp::Registry& registry, bus::BusService& hub, const Clock& clock) {
  registry.add_tool(register_tool(hub, clock));
  registry.add_tool(unregister_tool(hub));
  registry.add_tool(send_tool(hub));
  registry.add_tool(job_update_tool(hub));
  registry.add_tool(list_tool(hub));
}

}  // namespace bmcp::tools
