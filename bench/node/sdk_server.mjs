// The TypeScript SDK contender: a minimal Streamable HTTP MCP server on @modelcontextprotocol/sdk
// with one tool, test_simple_text, answering the same text as blender-mcp's conformance fixture.
// Stateful, like blender-mcp: each initialize creates a session (one McpServer + transport per
// session, the SDK's documented pattern); later requests are routed by Mcp-Session-Id.
// No authentication (the SDK has none built in). Plain node:http, no web framework.
//
//   node sdk_server.mjs [--port N]     prints "listening on http://127.0.0.1:PORT" on stderr
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`sdk_server: bad --port value: ${process.argv[portArg + 1]}`);
  process.exit(2);
}

const transports = new Map();

function newSession() {
  const server = new McpServer({ name: 'sdk-bench', version: '1.0.0' });
  server.registerTool('test_simple_text', { description: 'Returns a fixed text.' }, async () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => transports.set(id, transport),
  });
  transport.onclose = () => {
    if (transport.sessionId) transports.delete(transport.sessionId);
  };
  return { server, transport };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
}

const httpServer = http.createServer(async (req, res) => {
  try {
    if (!req.url.startsWith('/mcp')) return sendError(res, 404, 'Not found');
    const sessionId = req.headers['mcp-session-id'];
    let body;
    if (req.method === 'POST') {
      const text = await readBody(req);
      try {
        body = JSON.parse(text);
      } catch {
        return sendError(res, 400, 'Parse error');
      }
    }
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId) return sendError(res, 404, 'Session not found');
      if (req.method !== 'POST' || !isInitializeRequest(body)) return sendError(res, 400, 'No valid session');
      const fresh = newSession();
      await fresh.server.connect(fresh.transport);
      transport = fresh.transport;
    }
    await transport.handleRequest(req, res, body);
  } catch (error) {
    console.error('sdk_server: request failed:', error);
    if (!res.headersSent) sendError(res, 500, 'Internal error');
  }
});
httpServer.keepAliveTimeout = 60_000;
httpServer.listen(port, '127.0.0.1', () => {
  console.error(`listening on http://127.0.0.1:${httpServer.address().port}`);
});
