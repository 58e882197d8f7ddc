import { afterEach, beforeEach, vi } from 'vitest';
import {
  createCustomerAuth,
  type CustomerAuthClient,
  type CustomerAuthOptions,
} from '../../../src/browser/index.js';
import { CLIENT_ID } from './tokens.js';

/** Moves the happy-dom page to `url` (the storefront origin, so the token request is same-origin). */
export function setPageUrl(url: string): void {
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

export interface FakeClock {
  wallMs: number;
  monotonicMs: number;
  readonly now: () => number;
  readonly monotonicNow: () => number;
  /** Advances both clocks. */
  advance(ms: number): void;
}

export function fakeClock(): FakeClock {
  const clock: FakeClock = {
    wallMs: Date.UTC(2025, 0, 1),
    monotonicMs: 1000,
    now: () => clock.wallMs,
    monotonicNow: () => clock.monotonicMs,
    advance(ms) {
      clock.wallMs += ms;
      clock.monotonicMs += ms;
    },
  };
  return clock;
}

const clients: CustomerAuthClient[] = [];

/** Creates a client for tests (destroyed after each test) with the test client ID. */
export function newClient(
  options: Partial<CustomerAuthOptions> & Pick<CustomerAuthOptions, 'allowedOrigins'>,
): CustomerAuthClient {
  const client = createCustomerAuth({ appClientId: CLIENT_ID, ...options });
  clients.push(client);
  return client;
}

afterEach(() => {
  clients.splice(0).forEach((client) => {
    client.destroy();
  });
});

interface HappyDomNavigationSettings {
  disableMainFrameNavigation: boolean;
}

const navigationSettings = () =>
  (globalThis as unknown as { happyDOM: { settings: { navigation: HappyDomNavigationSettings } } })
    .happyDOM.settings.navigation;

/**
 * Keeps link clicks in the calling file's tests from navigating the page (without cancelling
 * them: a cancelled logout click signs nobody out); empties the body after each.
 */
export function keepClicksOnPage(): void {
  beforeEach(() => {
    navigationSettings().disableMainFrameNavigation = true;
  });
  afterEach(() => {
    navigationSettings().disableMainFrameNavigation = false;
    document.body.innerHTML = '';
  });
}

/**
 * The page goes (`pagehide`): the moment a logout click or navigation that was not cancelled signs
 * the shopper out. Every client in this one document sees it, and closes its tab channel.
 */
export function leavePage(): void {
  window.dispatchEvent(new Event('pagehide'));
}

/** Not a string, so every client ignores it: a point in what a channel has heard. */
const MARK = 0;

/**
 * A stand-in for another tab: records the notices this page's clients post. Close it after.
 * `heardSoFar()` posts a mark from a channel of its own and resolves with `notices` once the mark
 * is here: a channel gets its messages in the order they were posted, so by then it has every
 * notice this page posted before. An order, not a time, for checks that no notice went out.
 */
export function otherTab(appClientId = CLIENT_ID): {
  notices: unknown[];
  channel: BroadcastChannel;
  heardSoFar: () => Promise<unknown[]>;
} {
  const name = 'bc-customer-auth:' + appClientId;
  const notices: unknown[] = [];
  let [posted, heard] = [0, 0];
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent) => {
    if (event.data === MARK) heard++;
    else notices.push(event.data);
  };
  const heardSoFar = async () => {
    const mark = ++posted;
    const sender = new BroadcastChannel(name);
    sender.postMessage(MARK);
    sender.close();
    await until(() => heard >= mark);
    return notices;
  };
  return { notices, channel, heardSoFar };
}

/**
 * Stubs `navigation` (undo with `vi.unstubAllGlobals()`); returns a function firing `navigate`,
 * whose `fail()` fires `navigateerror`.
 */
export function fakeNavigation(): ((
  url: string,
  init?: { cancelled?: boolean; sameDocument?: boolean },
) => void) & { fail: () => void } {
  const navigation = new EventTarget();
  vi.stubGlobal('navigation', navigation);
  const navigate = (url: string, { cancelled = false, sameDocument = false } = {}) => {
    const event = Object.assign(new Event('navigate', { cancelable: true }), {
      destination: { url, sameDocument },
    });
    // A router that intercepts it, or a page that cancels it.
    if (cancelled) event.preventDefault();
    navigation.dispatchEvent(event);
  };
  // The last navigation failed or was stopped ("Stay" at a "Leave site?" prompt, Stop).
  return Object.assign(navigate, {
    fail: () => navigation.dispatchEvent(new Event('navigateerror')),
  });
}

/** The page comes back from the back/forward cache (`pageshow`, persisted). */
export function restorePage(): void {
  window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
}

/** Resolves on the next turn of the event loop, once every promise job queued before has run. */
export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Resolves after `count` tasks queued one from the other, so after whatever was queued as many
 * tasks deep before the call: an order, not a time, that holds however late the timers fire.
 */
export async function afterTasks(count: number): Promise<void> {
  for (let task = 0; task < count; task++) await new Promise((resolve) => setTimeout(resolve));
}

/** Resolves once `condition()` holds (polling), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
