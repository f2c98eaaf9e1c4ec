// `blender-mcp stdio` under the official TypeScript SDK's stdio client.
//
// Usage: node sdk_stdio_client.mjs <blender-mcp binary> [stdio flags...]
//   alone:  node sdk_stdio_client.mjs build/bin/blender-mcp
//   bridge: BMCP_PASSWORD=demo node sdk_stdio_client.mjs build/bin/blender-mcp \
//             --server http://127.0.0.1:PORT --username demo --password-env BMCP_PASSWORD
// The environment is passed on to the binary. Prints one JSON report on stdout; exits 1 with
// {"error": ...} on failure.
//
// Both modes: connect (spawns the binary), list tools and prompts, get the dispatch recipe
// prompt, call blender_find_blender, and try resources/list (refused when alone).
// Bridge mode also: read blender://bus/stats, set the level to debug, register on the bus,
// send a record to itself and wait for it as a notification, and call blender_execute_code
// with a progress callback (a peer answers it when the test runs one).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { printReport } from "./report.mjs";

const [binary, ...flags] = process.argv.slice(2);
const bridged = flags.includes("--server");
const options = { timeout: 30000 };

function texts(result) {
  return result.content.filter((c) => c.type === "text").map((c) => c.text);
}

async function run() {
  const report = { bus_records: [], progress: [] };
  const transport = new StdioClientTransport({
    command: binary,
    args: ["stdio", ...flags],
    env: process.env,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += chunk.toString()));
  const client = new Client({ name: "blender-mcp-stdio-interop", version: "0.0.1" });
  let recordSeen;
  const recordArrived = new Promise((resolve) => (recordSeen = resolve));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    if (n.params.logger === "_message_bus") {
      report.bus_records.push(n.params);
      recordSeen();
    }
  });

  await client.connect(transport, options);
  report.server = client.getServerVersion();
  report.capabilities = client.getServerCapabilities();
  report.tools = (await client.listTools(undefined, options)).tools.map((t) => t.name);
  report.prompts = (await client.listPrompts(undefined, options)).prompts.map((p) => p.name);
  const recipe = await client.getPrompt(
    { name: "blender_dispatch_recipe", arguments: { command: "get_scene_info" } }, options);
  report.recipe_text = recipe.messages[0].content.text;
  report.find_blender = JSON.parse(
    texts(await client.callTool({ name: "blender_find_blender", arguments: {} }, undefined, options))[0]);
  try {
    report.resources = (await client.listResources(undefined, options)).resources.map((r) => r.uri);
  } catch (err) {
    report.resources_error = { code: err.code ?? null, message: String(err.message) };
  }

  if (bridged) {
    const stats = await client.readResource({ uri: "blender://bus/stats" }, options);
    report.bus_stats = JSON.parse(stats.contents[0].text);
    await client.setLoggingLevel("debug", options);
    report.register = JSON.parse(texts(await client.callTool({
      name: "blender_register_client",
      arguments: { client_uuid: "stdio-bridge-client", client_type: "llm" },
    }, undefined, options))[0]);
    report.send = JSON.parse(texts(await client.callTool({
      name: "blender_send_message",
      arguments: { target_uuid: "stdio-bridge-client", payload: { hello: "over stdio" } },
    }, undefined, options))[0]);
    await Promise.race([recordArrived, new Promise((r) => setTimeout(r, 10000))]);
    const executed = await client.callTool(
      { name: "blender_execute_code", arguments: { code: "print(1 + 2)", _timeout: 20 } },
      undefined,
      { ...options, onprogress: (p) => report.progress.push(p) });
    report.execute_code = executed.structuredContent ?? JSON.parse(texts(executed)[0]);
  }
  await client.close();
  report.stderr_first_line = stderr.split("\n")[0];
  return report;
}

await printReport(run, 90);
