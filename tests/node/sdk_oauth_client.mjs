// The official TypeScript SDK client connects to blender-mcp with its OAuth support, given only
// the URL (docs/authorization.md).
//
// Usage: BMCP_USERNAME=demo BMCP_PASSWORD=... node sdk_oauth_client.mjs http://127.0.0.1:PORT/mcp
// With BMCP_CLIENT_METADATA_URL set, the client uses that URL as its client_id (a client metadata
// document the caller serves) instead of registering.
// Prints one JSON object (the report) on stdout; exits 1 with {"error": ...} on failure.
//
// Steps: connect without tokens (401, discovery, Dynamic Client Registration, then the SDK asks
// to send the person to /authorize); the "person" (this script, over HTTP with a cookie jar)
// signs in and allows on the server's pages; finishAuth exchanges the code; connect again and
// call test_simple_text. Then the access token is made unusable: the SDK refreshes on the 401
// and the call goes through with the new token. Last, revocation (RFC 7009): the refresh token
// goes to the revocation endpoint the authorization server's metadata names; refreshing with it
// afterwards (raw, and with the SDK's refreshAuthorization) must fail with invalid_grant, and the
// access token of the grant, which the server does not revoke (docs/authorization.md: access
// tokens live out their short lifetime), is tried once more on /mcp.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  UnauthorizedError,
  discoverOAuthServerInfo,
  refreshAuthorization,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { printReport } from "./report.mjs";

const url = process.argv[2];
const CALLBACK = "http://127.0.0.1:47124/callback";
const REQUEST_TIMEOUT_MS = 30000;
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

function hiddenFields(page) {
  const fields = {};
  const decode = (s) =>
    s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  for (const m of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[decode(m[1])] = decode(m[2]);
  }
  return fields;
}

// A browser reduced to what the pages need: a cookie jar and form posts.
class Browser {
  constructor() {
    this.cookies = new Map();
  }
  keep(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async get(target) {
    return this.keep(await fetch(target, { redirect: "manual", headers: { Cookie: this.header() } }));
  }
  async post(target, fields) {
    return this.keep(
      await fetch(target, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: this.header(), "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
    );
  }
}

class Provider {
  constructor(report) {
    this.report = report;
    this.saved = {};
  }
  get redirectUrl() {
    return CALLBACK;
  }
  get clientMetadataUrl() {
    return process.env.BMCP_CLIENT_METADATA_URL || undefined;
  }
  get clientMetadata() {
    return {
      client_name: "TS SDK test host",
      redirect_uris: [CALLBACK],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: "blender",
    };
  }
  clientInformation() {
    return this.saved.client;
  }
  saveClientInformation(info) {
    this.saved.client = info;
  }
  tokens() {
    return this.saved.tokens;
  }
  saveTokens(tokens) {
    this.report.token_saves += 1;
    this.saved.tokens = tokens;
  }
  saveCodeVerifier(verifier) {
    this.saved.verifier = verifier;
  }
  codeVerifier() {
    return this.saved.verifier;
  }
  async redirectToAuthorization(authorizationUrl) {
    this.report.authorizations += 1;
    const browser = new Browser();
    const base = `${authorizationUrl.origin}${authorizationUrl.pathname}`;
    const login = await browser.get(authorizationUrl.toString());
    if (login.status !== 200) throw new Error(`login page: ${login.status}: ${await login.text()}`);
    const fields = hiddenFields(await login.text());
    fields.username = process.env.BMCP_USERNAME;
    fields.password = process.env.BMCP_PASSWORD;
    const consent = await browser.post(base, fields);
    if (consent.status !== 200) throw new Error(`consent page: ${consent.status}`);
    const allow = hiddenFields(await consent.text());
    allow.action = "allow";
    const done = await browser.post(base, allow);
    if (done.status !== 303) throw new Error(`allow: ${done.status}`);
    const location = new URL(done.headers.get("location"));
    this.report.iss = location.searchParams.get("iss");
    this.code = location.searchParams.get("code");
  }
}

async function callSimpleText(transport) {
  const client = new Client({ name: "blender-mcp-oauth-interop", version: "0.0.1" });
  await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  const result = await client.callTool({ name: "test_simple_text", arguments: {} }, undefined, {
    timeout: REQUEST_TIMEOUT_MS,
  });
  await transport.terminateSession();
  await client.close();
  return result.content.filter((c) => c.type === "text").map((c) => c.text);
}

async function run() {
  const report = { authorizations: 0, token_saves: 0 };
  const provider = new Provider(report);
  const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  try {
    await callSimpleText(first);
    throw new Error("connected without authorization");
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  await first.finishAuth(provider.code);
  report.client_id = provider.saved.client?.client_id ?? null;
  report.scope = provider.saved.tokens?.scope ?? null;
  report.first_call = await callSimpleText(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));

  const before = provider.saved.tokens;
  provider.saved.tokens = { ...before, access_token: "expired-or-revoked" };
  report.second_call = await callSimpleText(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  report.refreshed = provider.saved.tokens.refresh_token !== before.refresh_token;

  const current = provider.saved.tokens;
  const info = await discoverOAuthServerInfo(new URL(url));
  const metadata = info.authorizationServerMetadata;
  report.revocation_endpoint = metadata.revocation_endpoint ?? null;
  if (!metadata.revocation_endpoint) throw new Error("the metadata names no revocation_endpoint");
  const revoked = await fetch(metadata.revocation_endpoint, {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams({
      token: current.refresh_token,
      token_type_hint: "refresh_token",
      client_id: report.client_id,
    }).toString(),
  });
  report.revoke_status = revoked.status;
  const raw = await fetch(metadata.token_endpoint, {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: current.refresh_token,
      client_id: report.client_id,
    }).toString(),
  });
  report.refresh_after_revoke = { status: raw.status, error: (await raw.json()).error ?? null };
  try {
    await refreshAuthorization(info.authorizationServerUrl, {
      metadata,
      clientInformation: provider.saved.client,
      refreshToken: current.refresh_token,
      resource: new URL(url),
    });
    report.sdk_refresh_after_revoke = "refreshed";
  } catch (error) {
    report.sdk_refresh_after_revoke = error.errorCode ?? String(error);
  }
  // The grant's access token is still the one saved: not revocable, it works until it expires
  // (a 401 would have sent the SDK to refresh, which fails, and then to the pages again).
  const saves = report.token_saves;
  report.call_after_revoke = await callSimpleText(
    new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }),
  );
  report.tokens_saved_after_revoke = report.token_saves - saves;
  return report;
}

printReport(run, 60);
