// A standard OpenID Provider for the end-to-end tests: node-oidc-provider with
// its development login pages and none of Latchkey's extensions, to show the
// app signs in against any compliant provider, not only its own server.
//   node standard-provider.mjs PORT [BROKER_CALLBACK]
// With BROKER_CALLBACK it is also the upstream of a latchkey-server broker: a
// confidential client "latchkey-broker" whose secret is $UPSTREAM_CLIENT_SECRET.
// The accounts are made up on the spot; the login page takes any name.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const brokerCallback = process.argv[3];
const clients = [];
if (brokerCallback) {
  clients.push({
    client_id: 'latchkey-broker',
    client_secret: process.env.UPSTREAM_CLIENT_SECRET,
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [brokerCallback],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  });
}
const provider = new Provider(issuer, {
  clients: [...clients, {
    client_id: 'latchkey-desktop',
    application_type: 'native', // RFC 8252: loopback redirects on any port
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, name: 'Stan Dard', preferred_username: id, email: `${id}@example.org`, email_verified: true }),
  }),
  // deviceFlow: RFC 8628 as a provider nobody here wrote does it (`latchkey login --device`).
  features: { devInteractions: { enabled: true }, revocation: { enabled: true }, deviceFlow: { enabled: true } },
  cookies: { keys: ['end-to-end tests only'] },
});
provider.listen(port, '127.0.0.1', () => console.log(`issuer: ${issuer}`));
