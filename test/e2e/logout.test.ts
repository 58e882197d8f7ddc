import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInChromium } from './support/chromium.js';
import { CLOSE_CODE_LOGOUT, LONG_TOKEN_AGE_MS, SHOPPER_1 } from './support/demo-servers.js';
import { callInPage, expectNotSignedInCall, jwtRequests } from './support/page-calls.js';
import { notices, recordNotices } from './support/sdk-copies.js';
import { useStoreInChromium } from './support/store-fixture.js';
import {
  afterPageTasks,
  loggedEvents,
  openWatchedPage,
  signedInPage,
  waitForStorePage,
  withoutBeacon,
  type StoreWindow,
} from './support/store-page.js';

type Store = ReturnType<typeof useStoreInChromium>;
type HeardMark = Awaited<ReturnType<typeof markHeard>>;

/**
 * A new tab signed in as shopper 1 through the login form, with the live socket its page opened.
 * It records the identity notices it hears (see {@link markHeard}).
 */
async function signedInTab(store: Store) {
  const { page } = await signedInPage(store, { prepare: recordNotices });
  return { page, socket: store.demo.api.sockets.at(-1)! };
}

/** A new tab on the store page, settled, as whoever the session is. */
async function storeTab({ demo, context }: Store): Promise<Page> {
  const { page } = await openWatchedPage(context);
  await page.goto(demo.storefront.url);
  await waitForStorePage(page);
  return page;
}

/**
 * A slow storefront: the logout is answered only once the page has logged `acted` (what the test
 * has it do while the logout loads), and not at all if the page stopped it meanwhile.
 */
async function holdLogoutUntilPageActs(page: Page): Promise<void> {
  const acted = page.waitForEvent('console', {
    predicate: (message) => message.text() === 'acted',
    timeout: 0,
  });
  await page.route(
    (url) => url.searchParams.get('action') === 'logout',
    async (route) => {
      await acted;
      await route.continue().catch(() => undefined);
    },
  );
}

/** Where a {@link signedInTab}'s event log and notice record stand, to check what comes after. */
async function markHeard(tab: Page): Promise<{ events: number; notices: number }> {
  return { events: (await loggedEvents(tab)).length, notices: (await notices(tab)).length };
}

/**
 * Reloads `tabB` (the reload button fires no `navigate`) and checks that tab A heard of no
 * logout since `since`: no notice but the new page's beacon, no event, its socket open, its calls
 * still answered. The beacon is the sentinel: tab B's new page posts it after anything the reloaded
 * page posted (a logout notice goes out at `pagehide`), and tab A's channels hear the notices in the
 * order they were posted, each notice one channel after another; so once tab A's recorder has the
 * beacon, a logout notice would be there before it, and tab A's SDK would have handled it.
 */
async function expectReloadSignsNobodyOut(
  { demo }: Store,
  tabB: Page,
  { tabA, socketA, since }: { tabA: Page; socketA: { closedAt?: unknown }; since: HeardMark },
): Promise<void> {
  const beacon = `c${SHOPPER_1.id}`;
  await tabB.reload();
  await waitForStorePage(tabB);
  await expect.poll(async () => (await notices(tabA)).slice(since.notices)).toContain(beacon);
  expect((await notices(tabA)).slice(since.notices)).toEqual([beacon]);
  expect((await loggedEvents(tabA)).slice(since.events)).toEqual([]);
  expect(socketA.closedAt).toBeUndefined();
  expect(await callInPage(tabA, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
}

describeInChromium('scenarios 4–5: logout in the same tab and in another tab', () => {
  const store = useStoreInChromium({ demo: { maxTokenAgeMs: LONG_TOKEN_AGE_MS } });

  it('4. the logout link closes the live socket, and the next call fails as not signed in', async () => {
    const { demo } = store;
    const { page, socket } = await signedInTab(store);
    expect(socket).toMatchObject({ customerId: 1, closedAt: undefined });

    await Promise.all([page.waitForURL(demo.storefront.url), page.click('#logout-link')]);
    await waitForStorePage(page);

    // Closed by the SDK with its logout code, not merely dropped by the navigation.
    await expect.poll(() => socket.closeCode).toBe(CLOSE_CODE_LOGOUT);
    expect(await page.getAttribute('body', 'data-customer-id')).toBe('');
    await expectNotSignedInCall(page, demo);
  });

  it("5. logout in tab B drops tab A's cached token at once and closes tab A's socket", async () => {
    const { demo } = store;
    const { page: tabA, socket: socketA } = await signedInTab(store);
    // Tab A holds a cached token: a second call makes no JWT request.
    await callInPage(tabA, `${demo.api.origin}/points`);
    const cachedCount = jwtRequests(demo).length;
    expect(await callInPage(tabA, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
    expect(jwtRequests(demo).length).toBe(cachedCount);

    const tabB = await storeTab(store);
    await Promise.all([tabB.waitForURL(demo.storefront.url), tabB.click('#logout-link')]);

    await expect.poll(() => socketA.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expect.poll(() => loggedEvents(tabA)).toContain('logout');
    // Tab B's next page (a guest's) sends its beacon as it loads; should it reach tab A during the
    // call, tab A asks once more.
    await tabB.waitForSelector('body[data-customer-id=""]');
    await waitForStorePage(tabB);
    await expectNotSignedInCall(tabA, demo, undefined, { askedTwice: true });
  });

  it('5. a logout typed into tab B (no click) still reaches tab A through the page-load beacon', async () => {
    const { demo } = store;
    const { page: tabA, socket: socketA } = await signedInTab(store);
    await callInPage(tabA, `${demo.api.origin}/points`);

    const tabB = (await openWatchedPage(store.context)).page;
    await tabB.goto(`${demo.storefront.origin}/login.php?action=logout`);

    await expect.poll(() => socketA.closedAt).toBeDefined();
    await expect.poll(() => loggedEvents(tabA)).toContain('logout');
    await expectNotSignedInCall(tabA, demo);
  });

  it('5. invalidate() while still signed in: each tab with a live socket asks once and keeps it, even when its token listeners invalidate in turn', async () => {
    const { demo } = store;
    const { page: tabA, socket: socketA } = await signedInTab(store);
    const { page: tabB, socket: socketB } = await signedInTab(store);
    // A listener that drops every token a task after it arrives, as one checking each shopper
    // with a backend of its own might.
    for (const tab of [tabA, tabB]) {
      await tab.evaluate(() => {
        const auth = (window as unknown as StoreWindow).BcCustomerAuth.getDefaultClient();
        auth?.on('token', () => setTimeout(() => auth.invalidate()));
      });
    }
    const asked = jwtRequests(demo).length;

    await tabB.evaluate(() => {
      (window as unknown as StoreWindow).BcCustomerAuth.getDefaultClient()?.invalidate();
    });

    await expect.poll(() => jwtRequests(demo).length).toBe(asked + 2);
    // Had a check raised a token event, the listeners would have asked again by now.
    await Promise.all([tabA, tabB].map((tab) => afterPageTasks(tab, 10)));
    const statuses = jwtRequests(demo)
      .slice(asked)
      .map((request) => request.status);
    expect(statuses).toEqual([200, 200]);
    expect([socketA.closedAt, socketB.closedAt]).toEqual([undefined, undefined]);
  });

  it('5. invalidate() after a sign-out no page saw (a fetch, like a GraphQL logout) closes the live socket in every tab', async () => {
    const { demo } = store;
    const { page: tabA, socket: socketA } = await signedInTab(store);
    const { page: tabB, socket: socketB } = await signedInTab(store);
    const asked = jwtRequests(demo).length;

    await tabB.evaluate(async () => {
      await fetch('/login.php?action=logout');
      (window as unknown as StoreWindow).BcCustomerAuth.getDefaultClient()?.invalidate();
    });

    // No call follows: each tab asks whose its socket is, and the 404 closes it.
    await expect.poll(() => socketB.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expect.poll(() => socketA.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expect.poll(() => loggedEvents(tabA)).toContain('logout');
    expect(await loggedEvents(tabB)).toContain('logout');
    // One request a tab, or two in tab A when tab B's sign-out notice overtakes its answer.
    const statuses = jwtRequests(demo)
      .slice(asked)
      .map((request) => request.status);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((status) => status !== 404)).toEqual([]);
  });

  it('4b. a logout click the page cancels (a "Sign out?" confirm answered no) signs nobody out', async () => {
    const { demo } = store;
    const { page, socket } = await signedInTab(store);
    await page.evaluate(() => {
      // A navigation the click started would fire `navigate` during the click.
      navigation.addEventListener('navigate', (event) => {
        document.documentElement.dataset['navigatedTo'] = event.destination.url;
      });
      document.getElementById('logout-link')?.addEventListener('click', (event) => {
        event.preventDefault();
      });
    });
    const eventsBefore = (await loggedEvents(page)).length;
    const jwtBefore = jwtRequests(demo).length;
    await page.click('#logout-link');
    // The SDK decides within two tasks of the click (a logout link opened elsewhere): after them.
    await afterPageTasks(page);
    expect(await page.getAttribute('html', 'data-navigated-to')).toBeNull();
    expect(page.url()).toBe(demo.storefront.url);
    expect((await loggedEvents(page)).slice(eventsBefore)).toEqual([]);
    expect(socket.closedAt).toBeUndefined();
    expect(await callInPage(page, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
    // Still cached: no identity event dropped the token.
    expect(jwtRequests(demo).length).toBe(jwtBefore);
  });

  it('4c. a logout click the shopper takes back at the “Leave site?” prompt signs nobody out', async () => {
    const { demo } = store;
    const { page: tabA, socket: socketA } = await signedInTab(store);
    const tabB = await storeTab(store);
    // Tab B has unsaved input (a cart note, a review form): the page asks before leaving.
    await tabB.evaluate(() => {
      window.addEventListener('beforeunload', (event) => event.preventDefault());
    });
    tabB.on('dialog', (dialog) => void dialog.dismiss()); // "Stay on page"
    await tabB.click('#redeem-points'); // the shopper has interacted with the page
    const since = await markHeard(tabA);
    const eventsB = (await loggedEvents(tabB)).length;
    await tabB.click('#logout-link');
    // After the tasks the SDK queued on the click and on the stopped navigation.
    await afterPageTasks(tabB);

    // The shopper stayed, and is still signed in on the storefront.
    expect(tabB.url()).toBe(demo.storefront.url);
    expect(await callInPage(tabB, `${demo.api.origin}/points`)).toMatchObject({ status: 200 });
    // The logout counts only once the page goes: nothing was emitted here, nothing told tab A (the
    // reload below checks that: its beacon comes after anything tab B has posted).
    expect((await loggedEvents(tabB)).slice(eventsB)).not.toContain('logout');

    // Taken back for good: a later exit that fires no `navigate` ("Leave" this time) neither.
    tabB.removeAllListeners('dialog');
    tabB.on('dialog', (dialog) => void dialog.accept());
    await expectReloadSignsNobodyOut(store, tabB, { tabA, socketA, since });
  });

  it('4f. a logout the shopper stops while it loads signs nobody out, then or at a later reload', async () => {
    const { demo } = store;
    const { page: tabA, socket: socketA } = await signedInTab(store);
    const tabB = await storeTab(store);
    await holdLogoutUntilPageActs(tabB);
    await tabB.evaluate(() => {
      document.getElementById('logout-link')?.addEventListener('click', () => {
        setTimeout(() => {
          window.stop(); // the Stop button, or Esc
          console.log('acted');
        }, 300);
      });
    });
    const since = await markHeard(tabA);
    const stopped = tabB.waitForEvent('requestfailed', (request) => request.isNavigationRequest());
    await tabB.click('#logout-link', { noWaitAfter: true });
    await stopped;

    expect(tabB.url()).toBe(demo.storefront.url);
    expect((await loggedEvents(tabA)).slice(since.events)).toEqual([]);
    await expectReloadSignsNobodyOut(store, tabB, { tabA, socketA, since });
  });

  it.each([
    ['a click on a menu toggle (href="#", cancelled)', 'toggle'],
    ["a page script's history.replaceState", 'replaceState'],
  ])(
    '4d. %s while the logout loads: the logout still counts, here and elsewhere',
    async (_what, act) => {
      const { demo, context } = store;
      // No page-load beacon: only the logout itself can tell tab A.
      await withoutBeacon(context);
      const { page: tabA, socket: socketA } = await signedInTab(store);
      const tabB = await storeTab(store);
      const socketB = demo.api.sockets.at(-1)!;
      await tabB.evaluate((act) => {
        const toggle = Object.assign(document.createElement('a'), { href: '#', id: 'toggle' });
        toggle.textContent = 'Menu';
        toggle.addEventListener('click', (event) => event.preventDefault());
        document.body.prepend(toggle);
        document.getElementById('logout-link')?.addEventListener('click', () => {
          setTimeout(() => {
            if (act == 'toggle') toggle.click();
            else history.replaceState(null, '', location.href);
            console.log('acted');
          }, 300);
        });
      }, act);
      // The logout is still loading when the toggle or the script acts.
      await holdLogoutUntilPageActs(tabB);
      await tabB.click('#logout-link', { noWaitAfter: true });
      await tabB.waitForSelector('body[data-customer-id=""]');

      await expect.poll(() => socketB.closeCode).toBe(CLOSE_CODE_LOGOUT);
      await expect.poll(() => loggedEvents(tabA)).toContain('logout');
      // The page logs the logout as it starts the close; the server hears the close frame later.
      await expect.poll(() => socketA.closeCode).toBe(CLOSE_CODE_LOGOUT);
      await expectNotSignedInCall(tabA, demo);
    },
  );

  it.each([
    ['a Ctrl+click', { modifiers: ['Control' as const] }, false],
    ['a target="_blank" link', {}, true],
  ])('4e. %s opens the logout in a new tab: this tab signs out too', async (_how, click, blank) => {
    const { demo, context } = store;
    // No page-load beacon: the new tab's landing page cannot tell this one.
    await withoutBeacon(context);
    const { page, socket } = await signedInTab(store);
    if (blank) {
      await page.evaluate(() => {
        document.getElementById('logout-link')?.setAttribute('target', '_blank');
      });
    }
    const opened = context.waitForEvent('page');
    await page.click('#logout-link', click);
    const newTab = await opened;
    await newTab.waitForSelector('body[data-customer-id=""]');

    await expect.poll(() => loggedEvents(page)).toContain('logout');
    // The page logs the logout as it starts the close; the server hears the close frame later.
    await expect.poll(() => socket.closeCode).toBe(CLOSE_CODE_LOGOUT);
    await expectNotSignedInCall(page, demo);
  });
});
