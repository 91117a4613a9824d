#!/usr/bin/env node
// The "system browser" of the end-to-end tests, given to latchkey as
//   --browser-command "node browser.js %u"
// It opens the sign-in URL in Debian's Chromium (headless, via playwright-core),
// does what LATCHKEY_E2E_BROWSER says, and follows the redirect back to the app:
//   persona:<provider>:<persona>   click "Continue with <provider>", then the persona
//   cancel:<provider>              cancel on the provider's page (access_denied)
//   standard:<login>               sign in on node-oidc-provider's development pages
//   follow:<provider name>         only follow the redirects back to the app
//   broker-cancel:<provider name>  cancel on node-oidc-provider's login page, behind a broker
//   broker:<provider name>:<login> at latchkey-server brokering node-oidc-provider: pick
//                                  the provider if its page shows, then sign in there
//                                  (the app's provider=<id> skips that page: then any
//                                  upstream, whichever the broker sent the browser to)
//   device:<provider>:<persona>    a device sign-in (PROTOCOL.md 10) from its
//                                  verification_uri_complete: Continue with the code
//                                  filled in, tick "I started this
//                                  sign-in on my device", Continue, the provider, the
//                                  persona; ends at "Return to your device"
//   device-deny                    the same page, but Deny on the confirmation
//   standard-device:<login>        node-oidc-provider's device pages: confirm the code,
//                                  sign in as <login>, consent; ends at "Sign-in Success"
// It writes the moment the redirect leaves for the app (ms since the epoch)
// to $LATCHKEY_E2E_DIR/redirect-at, and a screenshot of each page it saw; each
// run ends with a "done: ..." line in browser.log (for a sign-in at
// node-oidc-provider: "as <login> at <the login page's origin>").
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const url = process.argv[2];
const action = (process.env.LATCHKEY_E2E_BROWSER || 'persona:github:returning').split(':');
const outDir = process.env.LATCHKEY_E2E_DIR || '.';
const providerNames = { google: 'Google', github: 'GitHub', microsoft: 'Microsoft' };
const log = (line) => fs.appendFileSync(path.join(outDir, 'browser.log'), `${new Date().toISOString()} ${line}\n`);

async function main() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext();
    // Nothing but this machine: the sign-in never needs anything else.
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return ['127.0.0.1', '[::1]', '::1'].includes(host) ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.on('request', (request) => {
      if (/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/callback\?/.test(request.url()))
        fs.writeFileSync(path.join(outDir, 'redirect-at'), String(Date.now()));
    });
    await page.goto(url);
    const [kind, provider, persona] = action;
    // Behind a broker the app names the provider (provider=<id>) and the chooser is
    // skipped; an app that does not gets the chooser, and this clicks through it.
    const chooseProvider = async () => {
      const choose = page.getByRole('link', { name: `Continue with ${provider}` });
      if (await choose.count() > 0)
        await choose.click();
    };
    // node-oidc-provider's login page; a sign-in that comes back to the app before
    // it (the broker or the upstream refused it) fails here saying why, at once.
    const loginPage = async () => {
      const appCallback = /^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/callback\?/;
      const login = page.waitForSelector('input[name="login"]', { timeout: 15000 }).then(() => 'login', () => null);
      const back = page.waitForURL(appCallback, { timeout: 15000 }).then(() => 'back', () => null);
      const reached = await Promise.race([login, back]) || await login;
      if (reached === 'login')
        return;
      if (!appCallback.test(page.url()))
        throw new Error(`no login page within 15 s at ${page.url()}`);
      const query = new URL(page.url()).searchParams;
      throw new Error(`no login page: back at the app with error=${query.get('error')} ` +
                      `(${query.get('error_description')})`);
    };
    if (kind === 'follow' || kind === 'broker-cancel') {
      await chooseProvider();
      if (kind === 'broker-cancel') {
        await loginPage();
        await page.getByRole('link', { name: '[ Cancel ]' }).click();
      }
      await page.waitForURL(/\/callback\?/, { timeout: 15000 });
      await page.screenshot({ path: path.join(outDir, `browser-${kind}.png`) });
      log(`done: ${kind}, landed on ${new URL(page.url()).pathname}`);
      return;
    }
    if (kind === 'device' || kind === 'device-deny') {
      // verification_uri_complete fills the code in; the person still sends it.
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      if (kind === 'device-deny') {
        await page.getByRole('button', { name: 'Deny', exact: true }).click();
        await page.getByText('Sign-in denied').waitFor({ timeout: 15000 });
        log('done: device sign-in denied');
        return;
      }
      await page.getByLabel('I started this sign-in on my device').check();
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.getByRole('link', { name: `Continue with ${providerNames[provider]}` }).click();
      await page.waitForSelector('form.personas');
      await page.click(`button[name="persona"][value="${persona}"]`);
      await page.getByText('Return to your device').waitFor({ timeout: 15000 });
      await page.screenshot({ path: path.join(outDir, `browser-device-${provider}-${persona}.png`) });
      log(`done: device sign-in at ${provider} as ${persona}`);
      return;
    }
    if (kind === 'standard-device') {
      // verification_uri_complete fills the code in; node-oidc-provider asks to confirm it.
      await page.locator('button[type="submit"]').first().click();
      await page.fill('input[name="login"]', provider);
      await page.fill('input[name="password"]', 'any');
      await page.click('button[type="submit"]');
      await page.getByText('Authorize').first().waitFor({ timeout: 15000 });
      await page.click('button[type="submit"]');
      await page.getByText('Sign-in Success').waitFor({ timeout: 15000 });
      log(`done: standard device sign-in as ${provider}`);
      return;
    }
    if (kind === 'broker') {
      await chooseProvider();
      await loginPage();
      await page.screenshot({ path: path.join(outDir, 'browser-upstream-login.png') });
    }
    if (kind === 'standard' || kind === 'broker') {
      const login = kind === 'broker' ? persona : provider;
      // Where the person signed in: e2e.py checks a link's sign-in went to the right upstream.
      const at = new URL(page.url()).origin;
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'any');
      await page.click('button[type="submit"]');
      // The consent page comes for a first authorization; then the redirect.
      await page.waitForURL(/\/(callback\?|interaction\/)/, { timeout: 15000 });
      if (!/\/callback\?/.test(page.url()))
        await page.click('button[type="submit"]');
      await page.waitForURL(/\/callback\?/, { timeout: 15000 });
      log(`done: ${kind} sign-in as ${login} at ${at}`);
      return;
    }
    // The app names the provider (provider=<id>), so the server skips its chooser.
    const choose = page.getByRole('link', { name: `Continue with ${providerNames[provider]}` });
    if (await choose.count() > 0)
      await choose.click();
    await page.waitForSelector('form.personas');
    if (kind === 'persona')
      await page.click(`button[name="persona"][value="${persona}"]`);
    else
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    // Through the broker's /upstream/<id>/callback (as a real provider's answer) to the app's.
    await page.waitForURL(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/callback\?/, { timeout: 15000 });
    await page.screenshot({ path: path.join(outDir, `browser-${kind}-${provider}.png`) });
    log(`done: ${kind} at ${provider}, landed on ${new URL(page.url()).pathname}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  log(`failed: ${error.stack || error}`);
  process.exit(1);
});
