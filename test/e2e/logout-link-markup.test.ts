import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLOSE_CODE_LOGOUT, LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { expectNotSignedInCall } from './support/page-calls.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { openWatchedPage, signInThroughForm, withoutBeacon } from './support/store-page.js';

describeInChromium('a logout link whose clicked element clobbers its own methods', () => {
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  it('a click on a form named-control `closest` inside a new-tab logout link still signs out', async () => {
    const { demo, context } = store;
    // No page-load beacon: the new tab's landing page cannot tell this one.
    await withoutBeacon(context);
    const { page } = await openWatchedPage(context);
    await signInThroughForm(page, demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    const socket = demo.api.sockets.at(-1)!;
    // Markup a review or product description may carry: a form inside a logout link, with a
    // control named `closest` that shadows the form's own Element#closest.
    await page.evaluate(() => {
      document
        .querySelector('main')
        ?.insertAdjacentHTML(
          'afterbegin',
          '<a href="/login.php?action=logout" target="_blank"><form id="planted" style="padding:8px">' +
            '<input type="hidden" name="closest">Sign out</form></a>',
        );
    });
    const opened = context.waitForEvent('page');
    // A real mouse click at the form (page.click itself calls the clobbered `closest`).
    const box = (await page.locator('#planted').boundingBox())!;
    await page.mouse.click(box.x + 4, box.y + 4);
    const newTab = await opened;
    await newTab.waitForSelector('body[data-customer-id=""]');

    await expect.poll(() => socket.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expectNotSignedInCall(page, demo);
  });
});
