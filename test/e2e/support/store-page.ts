import type { BrowserContext, Page } from 'playwright-core';
import type * as Sdk from '../../../src/browser/index.js';
import { SHOPPER_1 } from './demo-servers.js';
import type { StoreFixture } from './store-fixture.js';

/** What the store page's window holds, for typing `page.evaluate` callbacks. */
export interface StoreWindow {
  bcAuthFetch: typeof fetch;
  bcAuthWebSocket: typeof Sdk.bcAuthWebSocket;
  bcAuthEventSource: typeof Sdk.bcAuthEventSource;
  BcCustomerAuth: typeof Sdk;
  __cspViolations: string[];
}

/** A page with everything it reported: console errors, uncaught errors and CSP violations. */
export interface WatchedPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations(): Promise<string[]>;
}

/** Opens a new tab in `context` that records console errors, page errors and CSP violations. */
export async function openWatchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(() => {
    const store = window as unknown as StoreWindow;
    store.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      store.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const cspViolations = () =>
    page.evaluate(() => (window as unknown as StoreWindow).__cspViolations);
  return { page, consoleErrors, pageErrors, cspViolations };
}

/**
 * Waits until the store page's own script is done: balance loaded (or refused) and, for a
 * signed-in shopper, the live socket open. Counting requests starts after this.
 */
export async function waitForStorePage(page: Page): Promise<void> {
  await page.waitForSelector('#points:not([data-state="loading"])');
  const signedIn = await page.evaluate(() => document.body.dataset['customerId'] !== '');
  if (signedIn) await page.waitForSelector('#live-status[data-state="open"]');
}

/**
 * Signs in through the storefront's real login form and, unless `settle` is false, waits for the
 * store page to settle.
 */
export async function signInThroughForm(
  page: Page,
  origin: string,
  email: string,
  password: string,
  { settle = true } = {},
): Promise<void> {
  await page.goto(`${origin}/login.php`);
  await page.fill('#login_email', email);
  await page.fill('#login_pass', password);
  await Promise.all([page.waitForURL(`${origin}/`), page.click('#login-submit')]);
  if (settle) await waitForStorePage(page);
}

/**
 * A new watched tab in the test's context, signed in as `shopper` (shopper 1 unless named)
 * through the login form, its store page settled. `prepare` runs on the blank tab first: init
 * scripts and recorders that must be in place before the storefront loads.
 */
export async function signedInPage(
  { demo, context }: StoreFixture,
  {
    shopper = SHOPPER_1,
    prepare,
  }: { shopper?: typeof SHOPPER_1; prepare?: (page: Page) => Promise<unknown> } = {},
): Promise<WatchedPage> {
  const watched = await openWatchedPage(context);
  await prepare?.(watched.page);
  await signInThroughForm(watched.page, demo.storefront.origin, shopper.email, shopper.password);
  return watched;
}

/**
 * Resolves once the page has run the tasks queued so far and those they queue in turn, `depth`
 * deep: after whatever the SDK decides a task or two after an event (a logout link it takes as
 * opened in another tab counts two tasks after the click). Timers of equal delay run in the order
 * they were set, so this is an order, not a time: it holds however late they fire on a busy machine.
 */
export async function afterPageTasks(page: Page, depth = 3): Promise<void> {
  await page.evaluate(async (depth) => {
    for (let task = 0; task < depth; task++) await new Promise((resolve) => setTimeout(resolve));
  }, depth);
}

/** The auth events the store page logged, oldest first (`token`, `logout`, …). */
export async function loggedEvents(page: Page): Promise<string[]> {
  const names = await page.$$eval('#event-log li', (items) =>
    items.map((item) => item.getAttribute('data-event') ?? ''),
  );
  return names.reverse();
}

/**
 * Pages in `context` render without the page-load beacon, as a theme that leaves
 * `data-customer-id` out (or an ESM integration without `customerId`) does: the attribute is
 * removed before the parser runs the script tag.
 */
export async function withoutBeacon(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLScriptElement) node.removeAttribute('data-customer-id');
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
}
