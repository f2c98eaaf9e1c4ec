#!/usr/bin/env node
// Test-side reverse proxy that adds `Authorization: Bearer <token>` to every request.
//
// The official conformance runner cannot send an Authorization header, so it talks to this
// proxy instead of the server. Everything else passes through unchanged: method, path, query,
// body and every request header (Host and Origin included, so the dns-rebinding scenario
// reaches the server exactly as the runner sent it). Responses are streamed chunk by chunk
// (SSE works), and a client that disconnects makes the proxy drop its upstream request too.
//
// Usage: BMCP_PROXY_TOKEN=<jwt> node auth_proxy.mjs --target http://127.0.0.1:PORT [--port 0]
// Prints `auth-proxy listening on http://127.0.0.1:<port>` on stdout once it accepts.
// No dependencies beyond Node's standard library.

import http from "node:http";
import process from "node:process";

function parseArgs(argv) {
  const out = { target: null, port: 0, host: "127.0.0.1", token: process.env.BMCP_PROXY_TOKEN ?? "" };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      i += 1;
      return argv[i];
    };
    if (arg === "--target") out.target = next();
    else if (arg === "--port") out.port = Number(next());
    else if (arg === "--host") out.host = next();
    else if (arg === "--token") out.token = next();
    else throw new Error(`unknown argument: ${arg}`);
  }
  if (!out.target) throw new Error("--target is required");
  if (!out.token) throw new Error("a token is required (BMCP_PROXY_TOKEN or --token)");
  return out;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded. Node
// re-frames the bodies itself (Content-Length when known, chunked otherwise).
const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
  "te", "trailer", "transfer-encoding", "upgrade",
]);

function forwardableRawHeaders(raw, drop = new Set()) {
  const connectionTokens = new Set();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === "connection") {
      for (const t of raw[i + 1].split(",")) connectionTokens.add(t.trim().toLowerCase());
    }
  }
  const out = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || connectionTokens.has(name) || drop.has(name)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`auth-proxy: ${err.message}\n`);
    process.exit(2);
  }
  const target = new URL(opts.target);
  const verbose = process.env.BMCP_PROXY_VERBOSE === "1";

  const server = http.createServer((req, res) => {
    const headers = forwardableRawHeaders(req.rawHeaders, new Set(["authorization"]));
    headers.push("Authorization", `Bearer ${opts.token}`);
    if (verbose) process.stderr.write(`auth-proxy: ${req.method} ${req.url}\n`);

    const upstream = http.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers, // an array keeps the original names, order and duplicates (Host included)
      agent: false, // one upstream connection per request: simple, and nothing is shared
      setHost: false, // the client's Host header is forwarded as it is
    });

    let done = false;
    const finish = () => { done = true; };

    upstream.on("response", (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, forwardableRawHeaders(up.rawHeaders));
      res.flushHeaders(); // SSE: the client sees the status line and headers at once
      up.on("data", (chunk) => { res.write(chunk); }); // no buffering: every chunk goes out as it arrives
      up.on("end", () => { finish(); res.end(); });
      up.on("error", () => { finish(); res.destroy(); });
      up.on("aborted", () => { finish(); res.destroy(); });
    });
    upstream.on("error", (err) => {
      finish();
      if (!res.headersSent) {
        res.writeHead(502, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ detail: `auth-proxy: upstream error: ${err.message}` }));
      } else {
        res.destroy();
      }
    });

    // The client went away before the response ended: drop the upstream request, so that the
    // server sees the disconnect as well (an abandoned SSE stream gets closed upstream).
    res.on("close", () => { if (!done) upstream.destroy(); });
    req.on("aborted", () => { if (!done) upstream.destroy(); });

    req.pipe(upstream);
  });

  server.keepAliveTimeout = 5000;
  server.requestTimeout = 0; // long SSE streams
  server.headersTimeout = 60000;
  server.on("clientError", (err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });

  server.listen(opts.port, opts.host, () => {
    const { port } = server.address();
    process.stdout.write(`auth-proxy listening on http://${opts.host}:${port}\n`);
  });

  const stop = () => { server.close(); server.closeAllConnections?.(); process.exit(0); };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
