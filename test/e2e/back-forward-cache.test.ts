import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { SHOPPER_1 } from './support/demo-servers.js';
import { callInPage, expectNotSignedInCall, markRequests } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { loggedEvents, openWatchedPage, signInThroughForm } from './support/store-page.js';

const MAX_TOKEN_AGE_MS = 60_000;

describeInChromium('scenario 7: back/forward cache', () => {
  const store = useStoreInChromium({
    demo: { maxTokenAgeMs: MAX_TOKEN_AGE_MS },
    backForwardCache: true,
  });

  it('7. navigate away, log out elsewhere, go back: the restored page uses no stale token', async () => {
    const { demo, context } = store;
    const { page } = await openWatchedPage(context);
    await page.addInitScript(() => {
      window.addEventListener('pageshow', (event) => {
        document.documentElement.dataset['restored'] = String(event.persisted);
      });
    });
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });

    // Away to a page without the SDK, then a logout the page cannot see: the session ends on the
    // server (as after a logout on another device), with no message to any tab.
    await page.goto('about:blank');
    const session = (await context.cookies()).find(
      (cookie) => cookie.name === 'SHOP_SESSION_TOKEN',
    );
    const logout = await fetch(`${demo.storefront.origin}/login.php?action=logout`, {
      headers: { cookie: `SHOP_SESSION_TOKEN=${session?.value}` },
      redirect: 'manual',
    });
    expect(logout.status).toBe(303);

    // Counted from before the restore: the restored page itself must not send a stale token.
    const mark = markRequests(demo);
    await page.goBack({ waitUntil: 'commit' });
    // Restored from the back/forward cache, not reloaded: the page still shows shopper 1.
    await page.waitForSelector('html[data-restored="true"]');
    expect(await page.getAttribute('body', 'data-customer-id')).toBe('1');
    await expect.poll(() => loggedEvents(page)).toContain('invalidate');

    await expectNotSignedInCall(page, demo, mark);
  });
});
