// A real OpenID provider (the certified `oidc-provider` package) on loopback over https, for
// the external identity provider tests (tests/blackbox/test_oidc_provider.py).
//
// node oidc_provider.mjs <config.json>
// config: { port, cert, key (PEM file paths), keys (a file of private JWKs: RS256 and ES256) }
// Clients (secret "secret"), all authorization_code + client_credentials:
//   "rs-app" signs access tokens with RS256, "es-app" with ES256.
// Access tokens are JWTs for the requested resource (RFC 8707) with aud = that resource;
// a claim "roles" is ["admin"] for the account "oidc-root", ["user"] for any other.
// Prints "listening <issuer>" once it serves.
import fs from 'node:fs';
import https from 'node:https';

import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `https://127.0.0.1:${config.port}`;
const keys = JSON.parse(fs.readFileSync(config.keys, 'utf8'));
const redirect = 'http://127.0.0.1:9/callback';

const client = (id) => ({
  client_id: id,
  client_secret: 'secret',
  redirect_uris: [redirect],
  grant_types: ['authorization_code', 'client_credentials'],
  response_types: ['code'],
  scope: 'openid blender',
});

const provider = new Provider(issuer, {
  clients: [client('rs-app'), client('es-app')],
  scopes: ['openid', 'blender'],
  jwks: { keys },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, c, oneOf) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resource, c) => ({
        scope: 'blender',
        audience: resource,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: c.clientId === 'es-app' ? 'ES256' : 'RS256' } },
      }),
    },
  },
  extraTokenClaims: async (ctx, token) => (
    token.accountId ? { roles: token.accountId === 'oidc-root' ? ['admin'] : ['user'] } : undefined),
  pkce: { required: () => false },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

const server = https.createServer(
  { cert: fs.readFileSync(config.cert), key: fs.readFileSync(config.key) },
  provider.callback(),
);
server.listen(config.port, '127.0.0.1', () => console.log(`listening ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
