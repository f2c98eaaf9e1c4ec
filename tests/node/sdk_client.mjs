// One MCP session against blender-mcp with the official TypeScript SDK client.
//
// Usage: BMCP_TOKEN=<access token> node sdk_client.mjs http://127.0.0.1:PORT/mcp
// Prints one JSON object (the report) on stdout; exits 1 with {"error": ...} on failure.
//
// Steps: connect (initialize) with `Authorization: Bearer` through requestInit.headers, list
// the tools, call test_simple_text, logging/setLevel debug, call test_tool_with_logging while
// collecting notifications/message, then end the MCP session with DELETE (terminateSession)
// and close the client.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { printReport } from "./report.mjs";

const url = process.argv[2];
const token = process.env.BMCP_TOKEN;
const REQUEST_TIMEOUT_MS = 30000;

async function run() {
  const report = { log_messages: [] };
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "blender-mcp-interop", version: "0.0.1" });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    report.log_messages.push(n.params);
  });
  const options = { timeout: REQUEST_TIMEOUT_MS };

  await client.connect(transport, options);
  report.session_id = transport.sessionId;
  report.protocol_version = transport.protocolVersion;
  report.server = client.getServerVersion();
  report.capabilities = client.getServerCapabilities();

  const { tools } = await client.listTools(undefined, options);
  report.tools = tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));

  const simple = await client.callTool({ name: "test_simple_text", arguments: {} }, undefined, options);
  report.simple_text = simple.content.filter((c) => c.type === "text").map((c) => c.text);

  report.set_level_result = await client.setLoggingLevel("debug", options);
  const logged = await client.callTool({ name: "test_tool_with_logging", arguments: {} }, undefined, options);
  report.logging_tool_text = logged.content.filter((c) => c.type === "text").map((c) => c.text);

  await transport.terminateSession(); // DELETE /mcp with Mcp-Session-Id
  report.session_id_after_terminate = transport.sessionId ?? null;
  await client.close();
  return report;
}

await printReport(run, 60);
