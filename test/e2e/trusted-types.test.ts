import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './support/chromium.js';
import { CLIENT_ID } from './support/demo-servers.js';
import { startStorefront } from './support/nonce-storefront.js';
import { callInPage } from './support/page-calls.js';

// The strictest script policy a theme can set: only nonce'd scripts (and what they load) run, and
// no string reaches a DOM sink such as innerHTML without a Trusted Types policy, of which none may
// be created.
const CSP =
  "script-src 'nonce-n' 'strict-dynamic'; require-trusted-types-for 'script'; trusted-types 'none'";

describeInChromium('the script tag under Trusted Types and strict-dynamic', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('runs, calls, invalidates and is destroyed without a single policy violation', async () => {
    const store = await startStorefront(
      (origin) => `<!doctype html><title>Product</title>
<script nonce="n">
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (event) =>
    window.violations.push(event.violatedDirective + ' ' + event.blockedURI),
  );
</script>
<script nonce="n" src="/sdk.js" data-app-client-id="${CLIENT_ID}" data-allowed-origins="${origin}" data-customer-id="1"></script>`,
      CSP,
    );
    try {
      const tab = await browser.newPage();
      const pageErrors: string[] = [];
      tab.on('pageerror', (error) => pageErrors.push(error.message));
      await tab.goto(store.origin);
      await tab.waitForFunction(() => 'bcAuthFetch' in window);

      const outcome = await callInPage(tab, '/points');
      const refused = await callInPage(tab, 'https://api.example.test/points');
      const customer = await tab.evaluate(() => {
        const { BcCustomerAuth } = window as unknown as {
          BcCustomerAuth: {
            getDefaultClient(): { getCustomer(): unknown; invalidate(): void; destroy(): void };
          };
        };
        const client = BcCustomerAuth.getDefaultClient();
        const seen = client.getCustomer();
        client.invalidate();
        client.destroy();
        return seen;
      });

      expect(outcome).toMatchObject({ status: 200, body: expect.stringMatching(/^Bearer ey/) });
      expect(refused).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
      expect(customer).toMatchObject({ id: 1 });
      expect(
        await tab.evaluate(() => (window as unknown as { violations: string[] }).violations),
      ).toEqual([]);
      expect(pageErrors).toEqual([]);
      // The policy is in force: the page itself cannot write a string to a sink.
      const write = await tab.evaluate(() => {
        try {
          document.body.innerHTML = '<b>x</b>';
          return 'written';
        } catch (error) {
          return (error as Error).name;
        }
      });
      expect(write).toBe('TypeError');
    } finally {
      await store.close();
    }
  });
});
