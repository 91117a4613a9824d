// A real upstream OpenID Provider for TestUpstreamBroker: node-oidc-provider
// (installed by tests/e2e's package.json) with two confidential clients, one
// authenticating with client_secret_basic and one with client_secret_post.
//   node upstream-provider.mjs E2E_DIR
// It listens on a free 127.0.0.1 port and prints "port N"; the broker's
// callback URIs are only known once the broker runs, so it then reads one
// JSON line {"redirect_uris": [...], "secrets": {"basic": ..., "post": ...}}
// from stdin, and prints "ready ISSUER" when it answers requests.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const e2eDir = process.argv[2];
const modulePath = createRequire(join(e2eDir, 'package.json')).resolve('oidc-provider');
const { default: Provider } = await import(pathToFileURL(modulePath).href);

let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = createServer((req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));

const lines = createInterface({ input: process.stdin });
lines.once('line', (line) => {
  const { redirect_uris: redirectUris, secrets } = JSON.parse(line);
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const client = (id, secret, method) => ({
    client_id: id,
    client_secret: secret,
    token_endpoint_auth_method: method,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  });
  const provider = new Provider(issuer, {
    clients: [client('broker-basic', secrets.basic, 'client_secret_basic'),
              client('broker-post', secrets.post, 'client_secret_post')],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    // The login name is the account; its profile is derived from it.
    findAccount: (ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id, name: `Person ${id}`, preferred_username: id, email: `${id}@example.org`, email_verified: true,
      }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['TestUpstreamBroker only'] },
  });
  handler = provider.callback();
  console.log(`ready ${issuer}`);
});
// The test ends this process; stdin closing (the test crashed) ends it too.
lines.on('close', () => process.exit(0));
