import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomerAuthClient, CustomerAuthEventMap } from '../../src/browser/index.js';
import {
  afterTasks,
  fakeNavigation,
  keepClicksOnPage,
  leavePage,
  newClient,
  otherTab,
  restorePage,
  setPageUrl,
  until,
} from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';
import { CLIENT_ID, makeJwt } from './helpers/tokens.js';

let server: TestServer;

keepClicksOnPage();

beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
});
afterEach(async () => {
  // Undoes a test's `fakeNavigation()` or stubbed `navigation`.
  vi.unstubAllGlobals();
  await server.close();
});

/** Records every event a client emits, in order. */
function record(client: CustomerAuthClient) {
  const seen: [string, unknown][] = [];
  for (const name of ['token', 'logout', 'customerchange', 'invalidate'] as const) {
    client.on(name, (detail: CustomerAuthEventMap[typeof name]) => seen.push([name, detail]));
  }
  return seen;
}

/**
 * Drops the tokens in the other tabs from a new client in this page, and resolves once the tab whose
 * events are `seen` has that notice: a channel gets its messages in the order they were posted, so
 * by then the tab has handled every notice posted to it before.
 */
async function afterDropNotice(seen: [string, unknown][]): Promise<void> {
  tab().invalidate();
  await until(() => seen.some(([, detail]) => (detail as { reason?: string }).reason == 'tab'));
}

/** A `BroadcastChannel` option that records every channel a client opens and which it closed. */
function recordingChannels() {
  const channels: BroadcastChannel[] = [];
  const closed = new Set<BroadcastChannel>();
  class RecordingChannel extends BroadcastChannel {
    constructor(name: string) {
      super(name);
      channels.push(this);
    }
    override close() {
      closed.add(this);
      super.close();
    }
  }
  return { RecordingChannel, channels, closed };
}

const tab = (options: Parameters<typeof newClient>[0] = { allowedOrigins: [] }) =>
  newClient(options);

/** A tab holding the shopper's token, its events recorded from then on. */
async function signedInTab(options?: Parameters<typeof newClient>[0]) {
  const auth = tab(options);
  await auth.getToken();
  return { auth, seen: record(auth) };
}

describe('logout links and navigations', () => {
  it('a click on the logout link (or inside it) signs out as the page goes', async () => {
    document.body.innerHTML =
      '<a id="other" href="/account.php">Account</a><a href="/login.php?action=logout#top"><span>Sign out</span></a>';
    const { auth, seen } = await signedInTab();
    document.querySelector('span')?.click();
    // Not yet: a "Leave site?" prompt may still keep the page, and the shopper.
    expect(seen).toEqual([]);
    leavePage();
    expect(seen).toEqual([
      ['invalidate', { reason: 'logout' }],
      ['logout', { previous: expect.objectContaining({ id: 1 }) }],
    ]);
    expect(auth.getCustomer()).toBeNull();
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('ignores a link that only looks similar, and honours logoutPath', async () => {
    document.body.innerHTML =
      '<a id="near" href="/account/sign-out2">x</a><a id="custom" href="/account/sign-out">y</a>';
    const { seen } = await signedInTab({
      allowedOrigins: [],
      logoutPath: '/account/sign-out',
    });
    document.getElementById('near')?.click();
    leavePage();
    // After the pagehide task: a logout would have counted at pagehide itself.
    await afterTasks(1);
    expect(seen).toEqual([['invalidate', { reason: 'pagehide' }]]);
    document.getElementById('custom')?.click();
    leavePage();
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'invalidate', 'logout']);
  });

  it('without the Navigation API, leaves an SVG <a>, an <area> and a longer query to the beacon', async () => {
    document.body.innerHTML =
      '<svg><a href="/login.php?action=logout"><text>Sign out</text></a></svg>' +
      '<map name="m"><area href="/login.php?action=logout" alt="Sign out"></map>' +
      '<a id="longer" href="/login.php?action=logout&amp;return=%2F">Sign out</a>';
    const { seen } = await signedInTab();
    for (const target of [
      document.querySelector('text'),
      document.querySelector('area'),
      document.getElementById('longer'),
    ]) {
      target?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      leavePage();
      await afterTasks(1);
    }
    expect(seen.map(([, detail]) => detail)).toEqual([
      { reason: 'pagehide' },
      { reason: 'pagehide' },
      { reason: 'pagehide' },
    ]);
  });

  it('with a storefrontUrl (headless), a click on the storefront’s logout URL signs out as the page goes', async () => {
    const storefrontUrl = 'https://store-abc123.mybigcommerce.com';
    document.body.innerHTML = `<a href="${storefrontUrl}/login.php?action=logout">Sign out</a>`;
    const { seen } = await signedInTab({
      allowedOrigins: [],
      storefrontUrl,
      fetch: async () => new Response(makeJwt(1)),
    });
    document.querySelector('a')?.click();
    leavePage();
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });

  it.each([
    ['an element with that id', () => document.getElementById('navigation')],
    [
      'an element with that id, an EventTarget as in a browser',
      () => {
        // happy-dom's global EventTarget is a subclass its elements do not extend; a browser's
        // elements are EventTargets, so only the Node check can tell them from the API.
        vi.stubGlobal('EventTarget', Object.getPrototypeOf(Node));
        const element = document.getElementById('navigation');
        expect(element).toBeInstanceOf(EventTarget);
        return element;
      },
    ],
    [
      'a collection, when two elements have that name',
      () => document.getElementsByName('navigation'),
    ],
  ])(
    'without the Navigation API, what window.navigation names instead (%s) is not mistaken for it: a logout click counts as the page goes',
    async (_what, namedAccess) => {
      document.body.innerHTML =
        '<nav id="navigation" name="navigation"><a id="out" href="/login.php?action=logout">Sign out</a></nav><form name="navigation"></form>';
      // What named access on `window` gives such a page in such a browser.
      vi.stubGlobal('navigation', namedAccess());
      const { seen } = await signedInTab();
      document.getElementById('out')?.click();
      // Not "opened in a new tab" two tasks later: "Stay" at a Leave site? prompt can still take it back.
      await afterTasks(2);
      expect(seen).toEqual([]);
      leavePage();
      expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
    },
  );

  it('a logout click answered "Stay" at a Leave site? prompt, then another link, signs nobody out', async () => {
    document.body.innerHTML =
      '<a id="out" href="/login.php?action=logout">Sign out</a><a id="cart" href="/cart.php">Cart</a>';
    const { auth, seen } = await signedInTab();
    document.getElementById('out')?.click();
    // The page stayed (no pagehide); the shopper then goes to the cart.
    document.getElementById('cart')?.click();
    leavePage();
    await afterTasks(1);
    expect(seen).toEqual([['invalidate', { reason: 'pagehide' }]]);
    expect(auth.getCustomer()?.id).toBe(1);
  });

  it('a logout click the page cancels (a "Sign out?" confirm) signs nobody out, here or elsewhere', async () => {
    document.body.innerHTML = '<a id="out" href="/login.php?action=logout">Sign out</a>';
    document.getElementById('out')?.addEventListener('click', (event) => {
      event.preventDefault();
    });
    const { heardSoFar, channel: elsewhere } = otherTab();
    try {
      const { auth: here, seen } = await signedInTab();
      document.getElementById('out')?.click();
      leavePage();
      await afterTasks(1);
      expect(seen).toEqual([['invalidate', { reason: 'pagehide' }]]);
      expect(await heardSoFar()).toEqual([]);
      expect(here.getCustomer()?.id).toBe(1);
    } finally {
      elsewhere.close();
    }
  });

  it.each([
    [
      'whose propagation a page handler stopped',
      '<a id="out" href="/login.php?action=logout">Sign out</a>',
      (event: Event) => {
        event.stopPropagation();
      },
    ],
    [
      'with a nested click inside it (a dropdown closing itself)',
      '<nav id="menu"><a id="out" href="/login.php?action=logout">Sign out</a></nav><div id="backdrop"></div>',
      () => {
        document.getElementById('backdrop')?.click();
      },
    ],
  ])('a logout click %s still signs out as the page goes', async (_what, html, onClick) => {
    document.body.innerHTML = html;
    document.getElementById('out')?.addEventListener('click', onClick);
    const { seen } = await signedInTab();
    document.getElementById('out')?.click();
    leavePage();
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });

  it("a logout click a page's own capture listener on window stops still signs out as the page goes", async () => {
    document.body.innerHTML = '<a id="out" href="/login.php?action=logout">Sign out</a>';
    // Added before the SDK's, as by a script earlier in the page.
    const stop = (event: Event) => {
      event.stopPropagation();
    };
    window.addEventListener('click', stop, true);
    try {
      const { seen } = await signedInTab();
      document.getElementById('out')?.click();
      leavePage();
      expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
    } finally {
      window.removeEventListener('click', stop, true);
    }
  });

  it('a logout counted as the page went is not counted again after a restore from the cache', async () => {
    document.body.innerHTML = '<a id="out" href="/login.php?action=logout">Sign out</a>';
    const auth = tab();
    await auth.getToken();
    document.getElementById('out')?.click();
    leavePage();
    restorePage();
    const { heardSoFar, channel } = otherTab();
    try {
      const seen = record(auth);
      leavePage();
      await afterTasks(1);
      expect(seen).toEqual([['invalidate', { reason: 'pagehide' }]]);
      expect(await heardSoFar()).toEqual([]);
    } finally {
      channel.close();
    }
  });

  it('nothing acts on a logout click after destroy()', async () => {
    document.body.innerHTML = '<a id="out" href="/login.php?action=logout">Sign out</a>';
    const auth = tab();
    await auth.getToken();
    document.getElementById('out')?.click();
    auth.destroy();
    leavePage();
    await afterTasks(1);
    expect(auth.getCustomer()?.id).toBe(1);
  });

  it('where the Navigation API exists, a logout click that navigates nothing here (a new tab) signs out two tasks later', async () => {
    document.body.innerHTML = '<a id="out" href="/login.php?action=logout">Sign out</a>';
    const navigate = fakeNavigation();
    const { seen } = await signedInTab();
    // Cancelled: nothing, now or later.
    const cancel = (event: Event) => {
      event.preventDefault();
    };
    document.addEventListener('click', cancel);
    document.getElementById('out')?.click();
    document.removeEventListener('click', cancel);
    await afterTasks(2);
    expect(seen).toEqual([]);
    // Followed by this page's navigate event: counted when the page goes, not a task later.
    const navigateHere = () => {
      navigate(server.origin + '/login.php?action=logout');
    };
    document.addEventListener('click', navigateHere);
    document.getElementById('out')?.click();
    document.removeEventListener('click', navigateHere);
    await afterTasks(2);
    expect(seen).toEqual([]);
    // Firefox fires it in a task the click's default action queues, after the SDK's listener ran.
    const navigateNextTask = () => {
      setTimeout(navigateHere);
    };
    document.addEventListener('click', navigateNextTask);
    document.getElementById('out')?.click();
    document.removeEventListener('click', navigateNextTask);
    await afterTasks(2);
    expect(seen).toEqual([]);
    // Opened elsewhere (this page sees no navigate): signed out two tasks later.
    document.getElementById('out')?.click();
    expect(seen).toEqual([]);
    await afterTasks(2);
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });

  it('where the Navigation API exists, counts a logout link whose clicked element shadows its own methods', async () => {
    // Markup inside the link: a form whose control named `closest` shadows the form's own method
    // (browsers resolve a form's named controls before its prototype's members; set by hand here).
    document.body.innerHTML =
      '<a href="/login.php?action=logout"><form id="in"><input name="closest"></form></a>';
    const form = document.getElementById('in')!;
    Object.defineProperty(form, 'closest', { value: form.firstElementChild });
    fakeNavigation();
    const { seen } = await signedInTab();
    form.click();
    await afterTasks(2);
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });

  it('where the Navigation API exists, another link opened in a new tab signs nobody out', async () => {
    document.body.innerHTML = '<a id="account" href="/account.php">Account</a>';
    fakeNavigation();
    const { auth, seen } = await signedInTab();
    // No navigate event here: the link opened elsewhere (Ctrl+click, target="_blank").
    document.getElementById('account')?.click();
    await afterTasks(2);
    expect(seen).toEqual([]);
    expect(auth.getCustomer()?.id).toBe(1);
  });

  it('where the Navigation API exists, a logout opened in a new tab does not act after destroy()', async () => {
    document.body.innerHTML = '<a id="out" href="/login.php?action=logout">Sign out</a>';
    fakeNavigation();
    const auth = tab();
    await auth.getToken();
    document.getElementById('out')?.click();
    auth.destroy();
    await afterTasks(2);
    expect(auth.getCustomer()?.id).toBe(1);
  });

  it('a Navigation API navigate event to the logout URL signs out as the page goes, unless cancelled or replaced', async () => {
    const navigate = fakeNavigation();
    const { seen } = await signedInTab();
    navigate(server.origin + '/login.php?action=logout', { cancelled: true });
    leavePage();
    navigate(server.origin + '/login.php?action=logout');
    navigate(server.origin + '/cart.php');
    leavePage();
    expect(seen).toEqual([]);
    navigate(server.origin + '/login.php?action=logout');
    // A page script's replaceState while the logout loads leaves that navigation going.
    navigate(server.origin + '/?tab=2', { sameDocument: true });
    leavePage();
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });
  it('a logout navigation stopped with no navigation after it ("Stay", Stop) no longer counts when the page goes', async () => {
    const navigate = fakeNavigation();
    const { seen } = await signedInTab();
    const logoutUrl = server.origin + '/login.php?action=logout';
    navigate(logoutUrl);
    navigate.fail();
    await afterTasks(1);
    // Later, by the reload button: no navigate event.
    leavePage();
    await afterTasks(1);
    expect(seen).toEqual([['invalidate', { reason: 'pagehide' }]]);
    // Chromium fails the logout as a same-document navigation starts, and lets it go on.
    navigate(logoutUrl);
    navigate.fail();
    navigate(server.origin + '/?tab=2', { sameDocument: true });
    await afterTasks(1);
    leavePage();
    expect(seen.slice(1).map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });
});

describe('page lifecycle', () => {
  it('pagehide drops the token a task later; pageshow drops it only when restored from the cache', async () => {
    const { auth, seen } = await signedInTab();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    expect(seen).toEqual([]);
    leavePage();
    // The page's own pagehide handlers still get the cached token (a keepalive save).
    expect(seen).toEqual([]);
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(1);
    await afterTasks(1);
    expect(seen).toEqual([['invalidate', { reason: 'pagehide' }]]);
    restorePage();
    expect(seen.at(-1)).toEqual(['invalidate', { reason: 'pageshow' }]);
    await auth.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('a restore before the pagehide task ran drops the token once, for pageshow', async () => {
    const { seen } = await signedInTab();
    leavePage();
    restorePage();
    await afterTasks(1);
    expect(seen).toEqual([['invalidate', { reason: 'pageshow' }]]);
  });

  it('closes the tab channel while the page is hidden, so a cached page hears nothing', async () => {
    const { RecordingChannel, channels, closed } = recordingChannels();
    const { seen } = await signedInTab({ allowedOrigins: [], BroadcastChannel: RecordingChannel });
    leavePage();
    await afterTasks(1);
    seen.length = 0;
    // Another tab, whose channel this page's pagehide did not close.
    const { channel: anotherTab } = otherTab();
    try {
      // Posted while the page is hidden: every channel of the page is closed, so none hears it.
      anotherTab.postMessage('i');
      expect(channels.every((channel) => closed.has(channel))).toBe(true);
      restorePage();
      seen.length = 0;
      anotherTab.postMessage('i');
      await until(() => seen.length == 1);
      expect(seen).toEqual([['invalidate', { reason: 'tab' }]]);
    } finally {
      anotherTab.close();
    }
  });

  it('a pageshow that is not a restore (the first show after load) keeps one tab channel: a notice is heard once', async () => {
    const { RecordingChannel, channels } = recordingChannels();
    const { seen } = await signedInTab({ allowedOrigins: [], BroadcastChannel: RecordingChannel });
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    // One channel: its listeners all hear a notice in the one task that delivers it.
    expect(channels).toHaveLength(1);
    const { channel: anotherTab } = otherTab();
    try {
      anotherTab.postMessage('i');
      await until(() => seen.length > 0);
      expect(seen).toEqual([['invalidate', { reason: 'tab' }]]);
    } finally {
      anotherTab.close();
    }
  });

  it('invalidate() from a pagehide handler reaches the other tabs through a channel closed at once', async () => {
    const { notices, channel: spy } = otherTab();
    const { RecordingChannel, channels, closed } = recordingChannels();
    const auth = tab({ allowedOrigins: [], BroadcastChannel: RecordingChannel });
    // A page handler, added after the client's: it runs once the client has closed its channel.
    const onHide = () => auth.invalidate();
    window.addEventListener('pagehide', onHide);
    try {
      leavePage();
      // A later notice from another client in this page: everything posted before it has arrived.
      tab({ allowedOrigins: [], customerId: 7 });
      await until(() => notices.includes('c7'));
      expect(notices).toEqual(['i', 'c7']);
      // The channel that sent it was closed at once, so the hidden page still hears nothing.
      expect(channels).toHaveLength(2);
      expect(channels.every((channel) => closed.has(channel))).toBe(true);
    } finally {
      window.removeEventListener('pagehide', onHide);
      spy.close();
    }
  });

  it("invalidate() from a capture pageshow listener that runs before the client's reaches the other tabs", async () => {
    const { notices, channel: spy } = otherTab();
    let auth: CustomerAuthClient | undefined;
    const onShow = () => auth?.invalidate();
    window.addEventListener('pageshow', onShow, true);
    try {
      auth = tab();
      leavePage();
      restorePage();
      tab({ allowedOrigins: [], customerId: 7 });
      await until(() => notices.includes('c7'));
      expect(notices).toEqual(['i', 'c7']);
    } finally {
      window.removeEventListener('pageshow', onShow, true);
      spy.close();
    }
  });

  it('destroy() closes the tab channel, also the one reopened after a restore from the cache', () => {
    const { RecordingChannel, channels, closed } = recordingChannels();
    const auth = tab({ allowedOrigins: [], BroadcastChannel: RecordingChannel });
    leavePage();
    restorePage();
    expect(channels).toHaveLength(2);
    // The first closed as the page went; the second is open.
    expect(channels.map((channel) => closed.has(channel))).toEqual([true, false]);
    auth.destroy();
    expect(channels.map((channel) => closed.has(channel))).toEqual([true, true]);
  });

  it('a client destroyed while the page is hidden posts nothing and reopens no channel on a restore', async () => {
    const { notices, channel: spy } = otherTab();
    const { RecordingChannel, channels } = recordingChannels();
    const auth = tab({ allowedOrigins: [], BroadcastChannel: RecordingChannel });
    try {
      leavePage();
      auth.destroy();
      // A page handler that runs after the destroy: no channel of its own is opened for it.
      auth.invalidate();
      restorePage();
      tab({ allowedOrigins: [], customerId: 7 });
      await until(() => notices.includes('c7'));
      expect(notices).toEqual(['c7']);
      expect(channels).toHaveLength(1);
    } finally {
      spy.close();
    }
  });
});

describe('other tabs over BroadcastChannel', () => {
  it('a logout seen in one tab signs the other out; the notice carries no token', async () => {
    const { notices, heardSoFar, channel: spy } = otherTab();
    try {
      document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
      const first = tab();
      const second = tab();
      await first.getToken();
      await second.getToken();
      const seen = record(second);
      document.querySelector('a')?.click();
      leavePage();
      // Both clients watch this one document, so both saw the click and both tell the other tabs.
      expect(await heardSoFar()).toEqual(['c', 'c']);
      expect(seen.filter(([name]) => name == 'logout')).toHaveLength(1);
      for (const jwt of server.issued) expect(JSON.stringify(notices)).not.toContain(jwt);
    } finally {
      spy.close();
    }
  });

  it('a logout reaches the other tabs also when a logout listener destroys the client', async () => {
    const { notices, channel: spy } = otherTab();
    try {
      const { auth } = await signedInTab({ allowedOrigins: [], maxTokenAgeMs: 0 });
      auth.on('logout', () => auth.destroy());
      server.customerId = null;
      await expect(auth.getToken()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
      // A later notice from another client in this page: everything posted before it has arrived.
      tab().invalidate();
      await until(() => notices.includes('i'));
      expect(notices).toEqual(['c', 'i']);
    } finally {
      spy.close();
    }
  });

  it('invalidate() reaches the other tabs also when an invalidate listener destroys the client', async () => {
    const { notices, channel: spy } = otherTab();
    try {
      const { auth } = await signedInTab();
      auth.on('invalidate', () => auth.destroy());
      auth.invalidate();
      tab({ allowedOrigins: [], customerId: 1 });
      await until(() => notices.includes('c1'));
      expect(notices).toEqual(['i', 'c1']);
    } finally {
      spy.close();
    }
  });

  it('invalidate() in one tab drops the token in the other, without a logout', async () => {
    const first = tab();
    const { auth: second, seen } = await signedInTab();
    first.invalidate();
    await until(() => seen.length == 1);
    expect(seen).toEqual([['invalidate', { reason: 'tab' }]]);
    expect(second.getCustomer()?.id).toBe(1);
    await second.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('invalidate() called from an invalidate listener drops the token without echoing between tabs', async () => {
    const { heardSoFar, channel: spy } = otherTab();
    try {
      const [first, second] = [tab(), tab()];
      const reasons: string[] = [];
      for (const auth of [first, second]) {
        auth.on('invalidate', ({ reason }) => {
          reasons.push(reason);
          auth.invalidate();
        });
      }
      await second.getToken();
      first.invalidate();
      // The notice reaches the second tab as a task of its own; an echo would go out from there,
      // before a mark posted once the second tab has heard it.
      await until(() => reasons.length >= 2);
      expect(await heardSoFar()).toEqual(['i']);
      expect(reasons).toEqual(['invalidate', 'tab']);
      await second.getToken();
      expect(server.tokenRequests).toHaveLength(2);
    } finally {
      spy.close();
    }
  });

  it('a switch seen in one tab (a token for another customer) reaches the other tab', async () => {
    const first = tab({ allowedOrigins: [], maxTokenAgeMs: 0 });
    const second = tab();
    await first.getToken();
    await second.getToken();
    const seenFirst = record(first);
    const seenSecond = record(second);
    server.customerId = 2;
    await first.getToken();
    await until(() => seenSecond.length == 2);
    expect(seenFirst).toEqual([
      ['invalidate', { reason: 'customerchange' }],
      [
        'customerchange',
        {
          previous: expect.objectContaining({ id: 1 }),
          current: expect.objectContaining({ id: 2 }),
        },
      ],
      ['token', { customer: expect.objectContaining({ id: 2 }) }],
    ]);
    expect(seenSecond).toEqual([
      ['invalidate', { reason: 'customerchange' }],
      ['customerchange', { previous: expect.objectContaining({ id: 1 }), current: null }],
    ]);
    expect(second.getCustomer()).toBeNull();
    await second.getToken();
    expect(seenSecond.map(([name]) => name)).toEqual(['invalidate', 'customerchange', 'token']);
  });

  it('a logout followed by a sign-in as another shopper is a customer switch', async () => {
    const { auth, seen } = await signedInTab({ allowedOrigins: [], maxTokenAgeMs: 0 });
    server.customerId = null;
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    server.customerId = 2;
    await auth.getToken();
    expect(seen).toEqual([
      ['invalidate', { reason: 'logout' }],
      ['logout', { previous: expect.objectContaining({ id: 1 }) }],
      ['invalidate', { reason: 'customerchange' }],
      [
        'customerchange',
        {
          previous: expect.objectContaining({ id: 1 }),
          current: expect.objectContaining({ id: 2 }),
        },
      ],
      ['token', { customer: expect.objectContaining({ id: 2 }) }],
    ]);
  });

  it('the same customer ID from another store is a customer switch (IDs are store-scoped)', async () => {
    const { auth, seen } = await signedInTab({ allowedOrigins: [], maxTokenAgeMs: 0 });
    server.tokenHandler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token: makeJwt(1, { store_hash: 'def456', sub: 'def456' }) }));
    };
    await auth.getToken();
    expect(seen).toEqual([
      ['invalidate', { reason: 'customerchange' }],
      [
        'customerchange',
        {
          previous: expect.objectContaining({ id: 1, storeHash: 'abc123' }),
          current: expect.objectContaining({ id: 1, storeHash: 'def456' }),
        },
      ],
      ['token', { customer: expect.objectContaining({ id: 1, storeHash: 'def456' }) }],
    ]);
  });

  it('the same shopper signing in again after a logout is not a switch', async () => {
    const { auth, seen } = await signedInTab({ allowedOrigins: [], maxTokenAgeMs: 0 });
    server.customerId = null;
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    server.customerId = 1;
    await auth.getToken();
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout', 'token']);
  });
});

describe('the page-load beacon', () => {
  it('compares customer ids as numbers: a page rendered for "01" is customer 1’s', async () => {
    const { auth: open, seen } = await signedInTab();
    tab({ allowedOrigins: [], customerId: '01' });
    await afterDropNotice(seen);
    expect(seen).toEqual([['invalidate', { reason: 'tab' }]]);
    expect(open.getCustomer()?.id).toBe(1);
  });

  it('a page rendered for another customer makes a tab drop its token and emit customerchange', async () => {
    const { auth: open, seen } = await signedInTab();
    tab({ allowedOrigins: [], customerId: 1 });
    await afterDropNotice(seen);
    expect(seen).toEqual([['invalidate', { reason: 'tab' }]]);
    seen.length = 0;
    tab({ allowedOrigins: [], customerId: '2' });
    await until(() => seen.length == 2);
    expect(seen).toEqual([
      ['invalidate', { reason: 'customerchange' }],
      ['customerchange', { previous: expect.objectContaining({ id: 1 }), current: null }],
    ]);
    await open.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it.each([[''], [null]])(
    'a page rendered for a guest (customerId %j) signs the other tabs out',
    async (guest) => {
      const { seen } = await signedInTab();
      tab({ allowedOrigins: [], customerId: guest });
      await until(() => seen.length == 2);
      expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
    },
  );

  it('a page rendered for a guest signs out a tab whose shopper has id 0', async () => {
    server.customerId = 0;
    const { auth: open, seen } = await signedInTab();
    expect(open.getCustomer()?.id).toBe(0);
    tab({ allowedOrigins: [], customerId: '' });
    await until(() => seen.length == 2);
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });

  it('disowns a request in flight in a tab that does not know its shopper yet', async () => {
    // The first request reached the server while shopper 1 was signed in; then they signed out.
    const jwt = makeJwt(1);
    server.tokenHandler = (_request, response) => {
      if (server.tokenRequests.length > 1) response.writeHead(404);
      response.end(server.tokenRequests.length > 1 ? '' : jwt);
    };
    const open = tab();
    const seen = record(open);
    const release = server.holdTokens();
    const pending = open.getToken();
    await until(() => server.tokenRequests.length == 1);
    tab({ allowedOrigins: [], customerId: '' });
    await until(() => seen.length == 1);
    release();
    await expect(pending).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(server.tokenRequests).toHaveLength(2);
    expect(open.getCustomer()).toBeNull();
  });

  it('tells at once from a page loaded afresh whose tag runs while it is parsed (no wait for DOMContentLoaded)', async () => {
    const { notices, channel: spy } = otherTab();
    // A <script> in <head> of an ordinary navigation: the document is still loading.
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    try {
      tab({ allowedOrigins: [], customerId: '' });
    } finally {
      delete (document as { readyState?: unknown }).readyState;
    }
    try {
      // A later beacon from this page: anything the first client posted has arrived before it.
      tab({ allowedOrigins: [], customerId: 42 });
      await until(() => notices.includes('c42'));
      expect(notices).toEqual(['c', 'c42']);
    } finally {
      spy.close();
    }
  });

  it('sends nothing when the page did not say whom it was rendered for', async () => {
    const { notices, channel: spy } = otherTab();
    try {
      tab();
      // A later beacon from this page: anything the first client posted has arrived before it.
      tab({ allowedOrigins: [], customerId: 42 });
      await until(() => notices.includes('c42'));
      expect(notices).toEqual(['c42']);
    } finally {
      spy.close();
    }
  });
  it.each([
    ['sends nothing from a page Back or Forward took from the HTTP cache', 2, 0, undefined, []],
    ['sends nothing from such a page whose tag runs as it is parsed', 2, 0, 0, []],
    [
      'tells from a page Back or Forward loaded from the network (no-store)',
      2,
      300,
      undefined,
      ['c'],
    ],
    [
      'tells from such a page whose tag runs as it arrives (Firefox, WebKit: 0 until then)',
      2,
      0,
      300,
      ['c'],
    ],
    [
      'tells from a page loaded afresh, still arriving (Firefox reports 0 then)',
      0,
      0,
      undefined,
      ['c'],
    ],
    [
      'tells from a reloaded page, even one whose entry says nothing was transferred',
      1,
      0,
      undefined,
      ['c'],
    ],
  ])('%s', async (_, type, transferSize, sizeOnceParsed, told) => {
    const { notices, channel: spy } = otherTab();
    // Navigation Timing: TYPE_BACK_FORWARD is 2, TYPE_NAVIGATE 0.
    Object.defineProperty(performance, 'navigation', { value: { type }, configurable: true });
    const entry = { transferSize };
    const entries = vi
      .spyOn(performance, 'getEntriesByType')
      .mockReturnValue([entry as unknown as PerformanceEntry]);
    // With a size once parsed, the script tag runs while the document is still loading.
    if (sizeOnceParsed !== undefined) {
      Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    }
    try {
      // A sign-in form rendered for a guest, say.
      tab({ allowedOrigins: [], customerId: '' });
      if (sizeOnceParsed !== undefined) {
        // The response has ended by the time the document is parsed: its size is known.
        entry.transferSize = sizeOnceParsed;
        document.dispatchEvent(new Event('DOMContentLoaded', { bubbles: true }));
      }
    } finally {
      delete (performance as { navigation?: unknown }).navigation;
      delete (document as { readyState?: unknown }).readyState;
      entries.mockRestore();
    }
    try {
      // A later beacon from this page: anything the first client posted has arrived before it.
      tab({ allowedOrigins: [], customerId: 42 });
      await until(() => notices.includes('c42'));
      expect(notices).toEqual([...told, 'c42']);
    } finally {
      spy.close();
    }
  });
});

describe('the page-load beacon of a page Back brings while it is still loading', () => {
  it('is sent at DOMContentLoaded although markup shadows document.addEventListener', async () => {
    const { notices, channel: spy } = otherTab();
    Object.defineProperty(performance, 'navigation', { value: { type: 2 }, configurable: true });
    const entry = { transferSize: 0 };
    const entries = vi
      .spyOn(performance, 'getEntriesByType')
      .mockReturnValue([entry as unknown as PerformanceEntry]);
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    // What `<img name="addEventListener">` in a product description does to `document`.
    Object.defineProperty(document, 'addEventListener', {
      value: document.createElement('img'),
      configurable: true,
    });
    try {
      tab({ allowedOrigins: [], customerId: 5 });
      // Fetched again from the network: it tells once parsed.
      entry.transferSize = 900;
      window.dispatchEvent(new Event('DOMContentLoaded'));
      await until(() => notices.includes('c5'));
      expect(notices).toEqual(['c5']);
    } finally {
      delete (performance as { navigation?: unknown }).navigation;
      delete (document as { readyState?: unknown }).readyState;
      delete (document as { addEventListener?: unknown }).addEventListener;
      entries.mockRestore();
      spy.close();
    }
  });
});

describe('the storage-event fallback', () => {
  it('writes a nonce and the notice, removes it at once, and never a token', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const removeItem = vi.spyOn(Storage.prototype, 'removeItem');
    try {
      document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
      const auth = tab({ allowedOrigins: [], BroadcastChannel: null });
      await auth.getToken();
      document.querySelector('a')?.click();
      leavePage();
      auth.invalidate();
      expect(setItem.mock.calls).toEqual([
        ['bc-customer-auth:' + CLIENT_ID, expect.stringMatching(/^c 0\.\d+$/)],
        ['bc-customer-auth:' + CLIENT_ID, expect.stringMatching(/^i 0\.\d+$/)],
      ]);
      expect(removeItem).toHaveBeenCalledTimes(2);
      expect(localStorage.length).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("uses localStorage as it starts, so that WebKit delivers the other tabs' storage events", () => {
    // WebKit fires `storage` events only in a page that has used its `localStorage`.
    const getItem = vi.fn();
    const getter = vi
      .spyOn(window, 'localStorage', 'get')
      .mockReturnValue({ getItem } as unknown as Storage);
    try {
      tab({ allowedOrigins: [], BroadcastChannel: null });
      expect(getItem).toHaveBeenCalledWith('bc-customer-auth:' + CLIENT_ID);
    } finally {
      getter.mockRestore();
    }
  });

  it('starts where storage is disabled (localStorage throws)', () => {
    const getter = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    try {
      expect(() => tab({ allowedOrigins: [], BroadcastChannel: null })).not.toThrow();
    } finally {
      getter.mockRestore();
    }
  });

  it('a storage event from another tab signs this tab out', async () => {
    const { seen } = await signedInTab({ allowedOrigins: [], BroadcastChannel: null });
    const key = 'bc-customer-auth:' + CLIENT_ID;
    window.dispatchEvent(new StorageEvent('storage', { key: 'unrelated', newValue: 'c 0.5' }));
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: null }));
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: 'c1 0.25' }));
    expect(seen).toEqual([]);
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: 'c 0.75' }));
    expect(seen.map(([name]) => name)).toEqual(['invalidate', 'logout']);
  });
});

describe('destroy', () => {
  it('removes every listener and the channel, and is idempotent', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const { RecordingChannel, channels, closed } = recordingChannels();
    const auth = tab({ allowedOrigins: [], BroadcastChannel: RecordingChannel });
    const other = tab();
    await auth.getToken();
    const seen = record(auth);
    auth.destroy();
    auth.destroy();
    // Closed, so it hears nothing the other client posts.
    expect(channels.every((channel) => closed.has(channel))).toBe(true);
    document.querySelector('a')?.click();
    other.invalidate();
    leavePage();
    await afterTasks(1);
    expect(seen).toEqual([]);
    expect(() => {
      auth.invalidate();
    }).not.toThrow();
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'DESTROYED' });
    // Also for a caller whose own signal has aborted: the client's state comes first.
    await expect(auth.getToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'DESTROYED',
    });
  });

  it.each([
    ['a BroadcastChannel', undefined],
    ['the storage event', null],
  ])('a destroyed client tells the other tabs nothing over %s', async (_name, Channel) => {
    const { heardSoFar, channel: spy } = otherTab();
    // On the prototype, as elsewhere: after a spy on localStorage itself is restored, happy-dom's
    // localStorage no longer calls through Storage.prototype, and later tests' spies see nothing.
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    try {
      const auth = tab({ allowedOrigins: [], BroadcastChannel: Channel });
      auth.destroy();
      auth.invalidate();
      expect(await heardSoFar()).toEqual([]);
      expect(setItem).not.toHaveBeenCalled();
    } finally {
      spy.close();
      vi.restoreAllMocks();
    }
  });
});
