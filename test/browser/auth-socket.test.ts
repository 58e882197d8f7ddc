import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODE_CUSTOMER_CHANGE,
  CLOSE_CODE_LOGOUT,
  OriginNotAllowedError,
  bcAuthWebSocket,
  configure,
  getDefaultClient,
} from '../../src/browser/index.js';
import { afterTasks, leavePage, newClient, otherTab, restorePage, until } from './helpers/page.js';
import { madeSockets, useStorefrontAndSockets } from './helpers/socket-server.js';
import { answeredFetch } from './helpers/storefront.js';
import { CLIENT_ID, makeJwt } from './helpers/tokens.js';
import { whilePolluted } from '../support/polluted-prototype.js';

const env = useStorefrontAndSockets();

const wsOrigin = () => env.sockets.origin.replace('http', 'ws');

const opened = (socket: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('socket error')));
  });

/** A WebSocket constructor that hands out the one stand-in socket it was given. */
const alwaysReturns = (socket: object) =>
  function () {
    return socket;
  } as unknown as typeof WebSocket;

/** A stand-in EventSource that records what it was opened with. */
class FakeEventSource {
  static created: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  url: string;
  constructor(
    readonly wireUrl: string,
    readonly init?: EventSourceInit,
  ) {
    this.url = wireUrl;
    FakeEventSource.created.push(this);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

describe('client.webSocket', () => {
  it('carries the token as the token query parameter on the wire; url reads back without it', async () => {
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    const socket = await auth.webSocket(wsOrigin() + '/points/live?room=a#frag');
    const { url } = await connection;
    const wire = new URL(url, 'ws://x');
    expect(wire.pathname).toBe('/points/live');
    expect(wire.searchParams.get('room')).toBe('a');
    expect(wire.searchParams.get('token')).toBe(env.server.issued[0]);
    expect(socket.url).toBe(wsOrigin() + '/points/live?room=a#frag');
    expect(socket.url).not.toContain(env.server.issued[0]);
  });

  it("adds the token without re-encoding the rest of the caller's query, as WebSocket would send it", async () => {
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    // Form serialization would send `room=a+b&flag=&sig=%EF%BF%BD&t=x%3By`: `%FF` lost for good.
    await auth.webSocket(wsOrigin() + '/live?room=a%20b&flag&sig=%FF&t=x;y');
    expect((await connection).url).toBe(
      `/live?room=a%20b&flag&sig=%FF&t=x;y&token=${env.server.issued[0] ?? ''}`,
    );
  });

  it('replaces a token parameter the URL already carries: the server gets one token', async () => {
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    await auth.webSocket(wsOrigin() + '/live?token=stale&room=a&token=other');
    expect((await connection).url).toBe(`/live?token=${env.server.issued[0] ?? ''}&room=a`);
  });

  it('accepts an http(s) URL, opening ws(s) and reading back so, and honours tokenQueryParam', async () => {
    const auth = newClient({
      allowedOrigins: [env.sockets.origin],
      tokenQueryParam: 'access_token',
    });
    const connection = env.sockets.nextConnection();
    const socket = await auth.webSocket(new URL(env.sockets.origin + '/live'));
    expect((await connection).url).toBe(`/live?access_token=${env.server.issued[0] ?? ''}`);
    // As `new WebSocket('http://…').url` does: the standard rewrites the scheme first.
    expect(socket.url).toBe(wsOrigin() + '/live');
  });

  it.each([
    ['wss for an allowed https origin', 'wss://api.example.com/live', true],
    ['ws for an allowed https origin', 'ws://api.example.com/live', false],
    ['a suffix domain', 'wss://api.example.com.evil.test/live', false],
    ['credentials that hide the host', 'wss://api.example.com@evil.test/live', false],
  ])('applies the allowlist to %s', async (_name, url, allowed) => {
    const created: string[] = [];
    const FakeSocket = function (this: unknown, href: string) {
      created.push(href);
      return { readyState: 0, close() {} };
    } as unknown as typeof WebSocket;
    const auth = newClient({ allowedOrigins: ['https://api.example.com'], WebSocket: FakeSocket });
    const result = await auth.webSocket(url).catch((e: unknown) => e);
    if (allowed) {
      expect(created).toHaveLength(1);
    } else {
      expect(result).toBeInstanceOf(OriginNotAllowedError);
      expect(result).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
      expect(created).toHaveLength(0);
      expect(env.server.tokenRequests).toHaveLength(0);
    }
  });

  it('hands back and tracks the socket under a polluted Object.prototype.get', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    await auth.getToken();
    const connection = env.sockets.nextConnection();
    // A descriptor inheriting `get` beside its own `value` would make hiding the URL throw, after
    // the socket was opened: it would then be neither returned nor closed on logout.
    const socket = await whilePolluted({ get: 'x' }, () => auth.webSocket(wsOrigin() + '/live'));
    expect(socket.url).toBe(wsOrigin() + '/live');
    await opened(socket);
    document.querySelector('a')?.click();
    leavePage();
    expect(await (await connection).closed).toEqual({ code: 4001, reason: 'logout' });
  });

  it('tracks a socket whose own url cannot be hidden: the call rejects, a logout still closes it', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    // A stand-in whose constructor fixes its own `url` (not configurable): hiding it fails.
    class FixedUrlSocket {
      static made: FixedUrlSocket[] = [];
      readyState = 1;
      closes: unknown[] = [];
      constructor(href: string) {
        Object.defineProperty(this, 'url', { value: href });
        FixedUrlSocket.made.push(this);
      }
      close(code?: number, reason?: string) {
        this.closes.push([code, reason]);
        this.readyState = 3;
      }
    }
    const auth = newClient({
      allowedOrigins: [env.sockets.origin],
      WebSocket: FixedUrlSocket as unknown as typeof WebSocket,
    });
    const error = await auth.webSocket(wsOrigin() + '/live').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain(env.server.issued[0]);
    document.querySelector('a')?.click();
    leavePage();
    expect(FixedUrlSocket.made.map((socket) => socket.closes)).toEqual([
      [[CLOSE_CODE_LOGOUT, 'logout']],
    ]);
  });

  it(`closes with ${CLOSE_CODE_LOGOUT} "logout" when the shopper signs out`, async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    document.querySelector('a')?.click();
    leavePage();
    expect(await (await connection).closed).toEqual({ code: 4001, reason: 'logout' });
  });

  it('a page restored from the back/forward cache with a socket open asks for a token, closing the socket when signed out', async () => {
    const { fetch, answered } = answeredFetch();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], fetch });
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    env.server.customerId = null;
    restorePage();
    expect(await (await connection).closed).toEqual({ code: 4001, reason: 'logout' });
    expect(env.server.tokenRequests).toHaveLength(2);
    // No socket open: a restore asks for nothing (it would ask at once, while the page shows).
    restorePage();
    await answered();
    expect(env.server.tokenRequests).toHaveLength(2);
  });

  it('a page restored from the back/forward cache shares one token request between its socket check and an invalidate listener', async () => {
    const { fetch, answered } = answeredFetch();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], fetch });
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    const asked: Promise<string>[] = [];
    auth.on('invalidate', () => {
      asked.push(auth.getToken());
    });
    restorePage();
    await Promise.all(asked);
    await answered();
    expect(env.server.tokenRequests).toHaveLength(2);
  });

  it('invalidate() with a socket open asks for a token: the same shopper keeps it, a sign-out closes it', async () => {
    const { fetch, answered } = answeredFetch();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], fetch });
    const connection = env.sockets.nextConnection();
    const socket = await auth.webSocket(wsOrigin() + '/live');
    await opened(socket);
    auth.invalidate();
    await answered();
    expect(env.server.tokenRequests).toHaveLength(2);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(auth.getCustomer()?.id).toBe(1);
    // Signed out elsewhere (the GraphQL API, say), then invalidate(): no later call is needed.
    env.server.customerId = null;
    auth.invalidate();
    expect(await (await connection).closed).toEqual({ code: 4001, reason: 'logout' });
    expect(env.server.tokenRequests).toHaveLength(3);
    expect(auth.getCustomer()).toBeNull();
  });

  it("another tab's invalidate notice with a socket and an event source open asks once, closing both for another shopper", async () => {
    FakeEventSource.created = [];
    const { fetch, answered } = answeredFetch();
    const auth = newClient({
      allowedOrigins: [env.sockets.origin],
      fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    await auth.eventSource(env.sockets.origin + '/stream');
    FakeEventSource.created[0]!.readyState = 1;
    const tab = otherTab();
    env.server.customerId = 2;
    const switched = new Promise((resolve) => auth.on('customerchange', resolve));
    tab.channel.postMessage('i');
    expect(await switched).toMatchObject({ previous: { id: 1 }, current: { id: 2 } });
    expect(await (await connection).closed).toEqual({ code: 4002, reason: 'customerchange' });
    expect(FakeEventSource.created[0]!.closed).toBe(true);
    await answered();
    expect(env.server.tokenRequests).toHaveLength(2);
    tab.channel.close();
  });

  it.each([
    ['at once', (drop: () => void) => drop()],
    ['a microtask later', (drop: () => void) => queueMicrotask(drop)],
    ['a task later', (drop: () => void) => setTimeout(drop)],
  ])(
    'a token listener that calls invalidate() %s: each tab checks its sockets once, and the check raises no token event',
    async (_when, later) => {
      // e.g. `auth.on('token', async ({ customer }) => { if (!(await isMember(customer))) auth.invalidate(); })`
      const tab = otherTab();
      const tokens: unknown[] = [];
      const clients = [1, 2].map(() => {
        const { fetch, answered } = answeredFetch();
        const socket = { readyState: WebSocket.OPEN as number, close() {} };
        const auth = newClient({
          allowedOrigins: ['https://api.example.com'],
          fetch,
          WebSocket: alwaysReturns(socket),
        });
        return { auth, answered };
      });
      for (const { auth } of clients) {
        await auth.webSocket('wss://api.example.com/live');
        auth.on('token', (detail) => {
          tokens.push(detail);
          later(() => {
            auth.invalidate();
          });
        });
      }
      expect(env.server.tokenRequests).toHaveLength(2);
      // Two tabs of one page: the second hears the first's notice and checks too.
      clients[0]!.auth.invalidate();
      for (let round = 0; round < 20; round++) {
        await Promise.all(clients.map(({ answered }) => answered()));
        await afterTasks(1);
      }
      expect(env.server.tokenRequests).toHaveLength(2 + 1 + 1);
      expect(tokens).toEqual([]);
      expect(await tab.heardSoFar()).toEqual(['i']);
      tab.channel.close();
    },
  );

  describe('the check of whose the open sockets are, answered late', () => {
    /** A client with a stand-in socket, whose token answers (a getToken option) the test gives. */
    async function checkedClient() {
      const answers: ((jwt: string | null) => void)[] = [];
      const closes: [number, string][] = [];
      const socket = {
        readyState: WebSocket.OPEN as number,
        close(code: number, reason: string) {
          closes.push([code, reason]);
          socket.readyState = WebSocket.CLOSED;
        },
      };
      const auth = newClient({
        allowedOrigins: ['https://api.example.com'],
        getToken: () => new Promise<string | null>((resolve) => answers.push(resolve)),
        WebSocket: alwaysReturns(socket),
      });
      const events: string[] = [];
      auth.on('logout', () => events.push('logout'));
      auth.on('customerchange', () => events.push('customerchange'));
      const opening = auth.webSocket('wss://api.example.com/live');
      answers[0]?.(makeJwt(1));
      await opening;
      /** No sign-out and no switch: no event, no socket closed, customer 1 still known. */
      const expectUnchanged = () => {
        expect(closes).toEqual([]);
        expect(events).toEqual([]);
        expect(auth.getCustomer()?.id).toBe(1);
      };
      return { auth, answers, closes, events, socket, expectUnchanged };
    }

    it.each([
      ['a 404', null],
      ["another shopper's token", makeJwt(2)],
    ])(
      'ignores %s that comes after a newer token: no false sign-out or switch, here or in other tabs',
      async (_what, stale) => {
        const tab = otherTab();
        const { auth, answers, expectUnchanged } = await checkedClient();
        // The check (request 2) goes out; the shopper signs in again, and a forced call asks after.
        auth.invalidate();
        const later = auth.getToken({ force: true });
        await afterTasks(2);
        expect(answers).toHaveLength(3);
        answers[2]?.(makeJwt(1));
        await later;
        answers[1]?.(stale);
        await afterTasks(2);
        expectUnchanged();
        expect(await tab.heardSoFar()).toEqual(['i']);
        tab.channel.close();
      },
    );

    it('uses only the latest check: a 404 for the check an invalidate listener started is ignored after the later one found the shopper', async () => {
      const { auth, answers, expectUnchanged } = await checkedClient();
      let nested = false;
      auth.on('invalidate', () => {
        if (!nested) {
          nested = true;
          auth.invalidate();
        }
      });
      auth.invalidate();
      expect(answers).toHaveLength(3);
      answers[2]?.(makeJwt(1));
      await afterTasks(2);
      answers[1]?.(null);
      await afterTasks(2);
      expectUnchanged();
    });

    it('a page rendered for the same shopper while a check is under way asks again, and that answer decides (a sign-out, then a sign-in)', async () => {
      const { auth, answers, expectUnchanged } = await checkedClient();
      const otherPage = new BroadcastChannel('bc-customer-auth:' + CLIENT_ID);
      // Signed out elsewhere; the check asks (and will hear 404).
      auth.invalidate();
      // The shopper signs in again: another tab's new page announces customer 1.
      otherPage.postMessage('c1');
      await until(() => answers.length == 3);
      answers[1]?.(null);
      answers[2]?.(makeJwt(1));
      await afterTasks(2);
      expectUnchanged();
      // With no check under way, such a page asks nothing.
      otherPage.postMessage('c1');
      await afterTasks(3);
      expect(answers).toHaveLength(3);
      otherPage.close();
    });

    it("a call's 404 from before a page rendered for the same shopper signs nobody out: the call asks again", async () => {
      const tab = otherTab();
      const { auth, answers, expectUnchanged } = await checkedClient();
      const otherPage = new BroadcastChannel('bc-customer-auth:' + CLIENT_ID);
      // Signed out elsewhere: the check (request 1) and a call (request 2) go out and will hear 404.
      auth.invalidate();
      const call = auth.getToken();
      // The shopper signs in again: another tab's new page announces customer 1; the check asks again.
      otherPage.postMessage('c1');
      await until(() => answers.length == 4);
      answers[1]?.(null);
      answers[3]?.(makeJwt(1));
      await afterTasks(2);
      // The call's answer, from before the sign-in, comes last; the call asks again.
      answers[2]?.(null);
      await until(() => answers.length == 5);
      const token = makeJwt(1);
      answers[4]?.(token);
      expect(await call).toBe(token);
      expectUnchanged();
      // Nor were the other tabs told that a page was rendered for a guest: they would sign out.
      expect(await tab.heardSoFar()).toEqual(['i', 'c1']);
      otherPage.close();
      tab.channel.close();
    });

    it("the check asked after a page rendered for the same shopper decides, though a call's token asked before the page arrives first", async () => {
      const { auth, answers, closes, events } = await checkedClient();
      const otherPage = new BroadcastChannel('bc-customer-auth:' + CLIENT_ID);
      // The check (request 1) and a call (request 2) go out; then a page for customer 1 loads
      // elsewhere, and the check asks again (request 3).
      auth.invalidate();
      const call = auth.getToken();
      await afterTasks(2);
      otherPage.postMessage('c1');
      await until(() => answers.length == 4);
      answers[1]?.(null);
      // The call's answer, asked before the page: this shopper's token, used.
      const token = makeJwt(1);
      answers[2]?.(token);
      expect(await call).toBe(token);
      // The check asked after the page: the shopper has signed out since.
      answers[3]?.(null);
      await afterTasks(3);
      expect(events).toEqual(['logout']);
      expect(closes).toEqual([[4001, 'logout']]);
      expect(auth.getCustomer()).toBeNull();
      otherPage.close();
    });

    it('a page rendered for the same shopper after the sockets closed ends the check under way: its 404 signs nobody out', async () => {
      const tab = otherTab();
      const { auth, answers, socket, expectUnchanged } = await checkedClient();
      const otherPage = new BroadcastChannel('bc-customer-auth:' + CLIENT_ID);
      // Signed out elsewhere: the check (request 1) will hear 404.
      auth.invalidate();
      // The server ends the connection meanwhile, then the shopper signs in again in another tab.
      socket.readyState = WebSocket.CLOSED;
      otherPage.postMessage('c1');
      await afterTasks(3);
      answers[1]?.(null);
      await afterTasks(2);
      expectUnchanged();
      expect(await tab.heardSoFar()).toEqual(['i', 'c1']);
      // Nothing left open: nothing asked again.
      expect(answers).toHaveLength(2);
      otherPage.close();
      tab.channel.close();
    });

    it('a logout listener that throws, reached from the check, leaves no unhandled rejection', async () => {
      const rejections: unknown[] = [];
      const record = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', record);
      try {
        const { auth, answers, closes } = await checkedClient();
        auth.on('logout', () => {
          throw new Error('a listener failed');
        });
        auth.invalidate();
        answers[1]?.(null);
        await afterTasks(3);
        expect(closes).toEqual([[4001, 'logout']]);
        expect(rejections).toEqual([]);
      } finally {
        process.off('unhandledRejection', record);
      }
    });

    it('invalidate() while destroy() closes the sockets asks nothing and throws nothing', async () => {
      let asked = 0;
      const thrown: unknown[] = [];
      const auth = newClient({
        allowedOrigins: ['https://api.example.com'],
        getToken: () => {
          asked++;
          return Promise.resolve(makeJwt(1));
        },
        // A socket whose close() (which destroy() calls) calls invalidate(), as a handler might.
        WebSocket: function () {
          return {
            readyState: WebSocket.OPEN,
            close() {
              try {
                auth.invalidate();
              } catch (error) {
                thrown.push(error);
              }
            },
          };
        } as unknown as typeof WebSocket,
      });
      await auth.webSocket('wss://api.example.com/live');
      auth.destroy();
      await afterTasks(1);
      expect(thrown).toEqual([]);
      expect(asked).toBe(1);
    });
  });

  it('a check answered from memory (a getToken option) by a token listener that invalidates ends too, leaving the page its tasks', async () => {
    const jwt = makeJwt(1);
    let asked = 0;
    const socket = { readyState: WebSocket.OPEN as number, close() {} };
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      getToken: async () => (++asked > 50 ? null : jwt),
      WebSocket: alwaysReturns(socket),
    });
    await auth.webSocket('wss://api.example.com/live');
    auth.on('token', () => {
      queueMicrotask(() => {
        auth.invalidate();
      });
    });
    auth.invalidate();
    // A task runs: the check did not keep the page busy with microtasks.
    await afterTasks(2);
    expect(asked).toBe(2);
    expect(auth.getCustomer()?.id).toBe(1);
  });

  it('lets go of a socket once it has closed: a later destroy() closes only the open ones', async () => {
    // Sockets whose state the test sets; each records the close() calls it gets.
    const sockets: { readyState: number; closes: number[] }[] = [];
    const FakeSocket = function () {
      const socket = {
        readyState: WebSocket.OPEN as number,
        closes: [] as number[],
        close(code: number) {
          socket.closes.push(code);
        },
      };
      sockets.push(socket);
      return socket;
    } as unknown as typeof WebSocket;
    const auth = newClient({ allowedOrigins: ['https://api.example.com'], WebSocket: FakeSocket });
    await auth.webSocket('wss://api.example.com/live');
    // The server ends the first connection; the page reconnects.
    sockets[0]!.readyState = WebSocket.CLOSED;
    await auth.webSocket('wss://api.example.com/live');
    auth.destroy();
    expect(sockets.map(({ closes }) => closes)).toEqual([[], [1000]]);
  });

  it('a page restored from the back/forward cache asks for no token when its sockets are closing or closed', async () => {
    // A socket whose state the test sets: a real one passes through CLOSING too fast to catch.
    const socket = { readyState: WebSocket.OPEN as number, close() {} };
    const FakeSocket = alwaysReturns(socket);
    const { fetch, answered } = answeredFetch();
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      WebSocket: FakeSocket,
      fetch,
    });
    await auth.webSocket('wss://api.example.com/live');
    for (const readyState of [WebSocket.CLOSING, WebSocket.CLOSED]) {
      socket.readyState = readyState;
      restorePage();
      await answered();
      expect(env.server.tokenRequests).toHaveLength(1);
    }
    // Open: a restore asks whose it is.
    socket.readyState = WebSocket.OPEN;
    restorePage();
    await answered();
    expect(env.server.tokenRequests).toHaveLength(2);
  });

  it(`closes with ${CLOSE_CODE_CUSTOMER_CHANGE} "customerchange" when another shopper signs in`, async () => {
    const auth = newClient({ allowedOrigins: [env.sockets.origin], maxTokenAgeMs: 0 });
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    env.server.customerId = 2;
    await auth.getToken();
    expect(await (await connection).closed).toEqual({ code: 4002, reason: 'customerchange' });
  });

  it('closes when another tab announces a page rendered for another customer', async () => {
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    newClient({ allowedOrigins: [], customerId: 2 });
    expect(await (await connection).closed).toEqual({ code: 4002, reason: 'customerchange' });
  });

  it('closes with 1000 "destroy" when its client is destroyed: nothing would close it on a logout', async () => {
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    auth.destroy();
    expect(await (await connection).closed).toEqual({ code: 1000, reason: 'destroy' });
  });

  it('closes the sockets of the default client that configure() replaces', async () => {
    const first = configure({ appClientId: CLIENT_ID, allowedOrigins: [env.sockets.origin] });
    const connection = env.sockets.nextConnection();
    await opened(await bcAuthWebSocket(wsOrigin() + '/live'));
    const second = configure({ appClientId: CLIENT_ID, allowedOrigins: [env.sockets.origin] });
    expect(await (await connection).closed).toEqual({ code: 1000, reason: 'destroy' });
    expect(getDefaultClient()).toBe(second);
    expect(second).not.toBe(first);
    second.destroy();
  });

  it('opens nothing when destroy() comes while the token is on its way (same task)', async () => {
    const { WebSocket, made } = madeSockets();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], WebSocket });
    await auth.getToken();
    const pending = auth.webSocket(wsOrigin() + '/live');
    auth.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'DESTROYED' });
    expect(made).toEqual([]);
    expect(env.sockets.connections).toHaveLength(0);
  });

  it('rejects with the reason when its signal aborts while the token is on its way, opening nothing', async () => {
    const { WebSocket, made } = madeSockets();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], WebSocket });
    const received = new Promise((resolve) => auth.on('token', resolve));
    const controller = new AbortController();
    const pending = auth.webSocket(wsOrigin() + '/live', undefined, { signal: controller.signal });
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(made).toEqual([]);
    // The token request is not aborted with the call: its token is cached for the next one.
    await received;
    expect(await auth.getToken()).toBe(env.server.issued[0]);
    expect(env.server.issued).toHaveLength(1);
  });

  it('asks again when a logout comes while the token is on its way: nothing opens for a guest', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const { WebSocket, made } = madeSockets();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], WebSocket });
    await auth.getToken();
    const pending = auth.webSocket(wsOrigin() + '/live');
    env.server.customerId = null;
    document.querySelector('a')?.click();
    leavePage();
    await expect(pending).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(made).toEqual([]);
    expect(env.sockets.connections).toHaveLength(0);
    expect(env.server.tokenRequests).toHaveLength(2);
  });

  it('closes every socket it opened on logout, including ones already open when another was opened', async () => {
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = newClient({ allowedOrigins: [env.sockets.origin] });
    const firstConnection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live?n=1'));
    const secondConnection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live?n=2'));
    document.querySelector('a')?.click();
    leavePage();
    const closes = await Promise.all([
      (await firstConnection).closed,
      (await secondConnection).closed,
    ]);
    expect(closes).toEqual([
      { code: 4001, reason: 'logout' },
      { code: 4001, reason: 'logout' },
    ]);
  });

  it('has closed the sockets by the time logout and customerchange listeners run', async () => {
    const auth = newClient({
      allowedOrigins: [env.sockets.origin],
      EventSource: FakeEventSource as unknown as typeof EventSource,
      maxTokenAgeMs: 0,
    });
    const heard: [string, boolean][] = [];
    const mine = () => FakeEventSource.created.at(-1)!;
    // A listener may send a last message or call destroy(): the previous shopper's stream is shut.
    auth.on('customerchange', () => heard.push(['customerchange', mine().closed]));
    auth.on('logout', () => heard.push(['logout', mine().closed]));
    await auth.eventSource(env.sockets.origin + '/stream');
    env.server.customerId = 2;
    await auth.getToken();
    await auth.eventSource(env.sockets.origin + '/stream');
    env.server.customerId = null;
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(heard).toEqual([
      ['customerchange', true],
      ['logout', true],
    ]);
  });

  it("closes the other sockets and still emits logout when a custom transport's close() throws", async () => {
    class ThrowingEventSource extends FakeEventSource {
      override close() {
        super.close();
        throw new Error('a polyfill bug');
      }
    }
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = newClient({
      allowedOrigins: [env.sockets.origin],
      EventSource: ThrowingEventSource as unknown as typeof EventSource,
    });
    const logouts: unknown[] = [];
    auth.on('logout', (detail) => logouts.push(detail));
    await auth.eventSource(env.sockets.origin + '/stream');
    const connection = env.sockets.nextConnection();
    await opened(await auth.webSocket(wsOrigin() + '/live'));
    document.querySelector('a')?.click();
    leavePage();
    expect(await (await connection).closed).toEqual({ code: 4001, reason: 'logout' });
    expect(logouts).toHaveLength(1);
  });

  it('never hands the constructor a URL with a fragment: the token is never next to one', async () => {
    const created: string[] = [];
    // Constructors that refuse fragments (as the WebSocket standard long did) may quote the URL.
    const StrictSocket = function (this: unknown, href: string) {
      created.push(href);
      if (new URL(href).hash) throw new SyntaxError('fragment in ' + href);
      return { readyState: 0, close() {} };
    } as unknown as typeof WebSocket;
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      WebSocket: StrictSocket,
    });
    const socket = await auth.webSocket('wss://api.example.com/live?room=a#frag');
    expect(created).toHaveLength(1);
    const wire = new URL(created[0] ?? '');
    expect(wire.hash).toBe('');
    expect(wire.searchParams.get('token')).toBe(env.server.issued[0]);
    expect(socket.url).toBe('wss://api.example.com/live?room=a#frag');
  });

  it('keeps sockets open on invalidate() and page lifecycle events while the shopper stays', async () => {
    const { fetch, answered } = answeredFetch();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], fetch });
    const socket = await auth.webSocket(wsOrigin() + '/live');
    await opened(socket);
    leavePage();
    // After the pagehide task, which drops the token.
    await afterTasks(1);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    // Asks whose the socket is, and keeps it for the same shopper.
    auth.invalidate();
    await answered();
    expect(env.server.tokenRequests).toHaveLength(2);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('rejects with NOT_SIGNED_IN for a guest and opens nothing', async () => {
    env.server.customerId = null;
    const { WebSocket, made } = madeSockets();
    const auth = newClient({ allowedOrigins: [env.sockets.origin], WebSocket });
    await expect(auth.webSocket(wsOrigin() + '/live')).rejects.toMatchObject({
      code: 'NOT_SIGNED_IN',
    });
    expect(made).toEqual([]);
    expect(env.sockets.connections).toHaveLength(0);
  });
});

describe('client.eventSource', () => {
  it('carries the token in the URL, passes init through, and closes on logout', async () => {
    FakeEventSource.created = [];
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const source = await auth.eventSource('https://api.example.com/points/stream', {
      withCredentials: true,
    });
    const [fake] = FakeEventSource.created;
    expect(new URL(fake?.wireUrl ?? '').searchParams.get('token')).toBe(env.server.issued[0]);
    expect(fake?.init).toMatchObject({ withCredentials: true });
    expect(source.url).toBe('https://api.example.com/points/stream');
    document.querySelector('a')?.click();
    leavePage();
    expect(fake?.closed).toBe(true);
  });

  it('rejects with the reason when init.signal aborts while the token is on its way, opening nothing', async () => {
    FakeEventSource.created = [];
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const received = new Promise((resolve) => auth.on('token', resolve));
    const controller = new AbortController();
    const pending = auth.eventSource('https://api.example.com/points/stream', {
      signal: controller.signal,
    });
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(FakeEventSource.created).toEqual([]);
    await received;
    expect(await auth.getToken()).toBe(env.server.issued[0]);
    expect(env.server.issued).toHaveLength(1);
  });

  it('refuses ws: URLs and origins that are not allowed', async () => {
    const auth = newClient({
      allowedOrigins: ['https://api.example.com'],
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    await expect(auth.eventSource('wss://api.example.com/x')).rejects.toBeInstanceOf(
      OriginNotAllowedError,
    );
    await expect(auth.eventSource('https://evil.test/x')).rejects.toBeInstanceOf(
      OriginNotAllowedError,
    );
  });
});
