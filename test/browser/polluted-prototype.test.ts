// A prototype-pollution bug elsewhere in the page (a deep merge of request JSON) sets properties on
// Object.prototype. None of them may change a request the SDK makes, an option of a call, or the
// origins a token goes to.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OriginNotAllowedError } from '../../src/browser/index.js';
import { newClient, setPageUrl } from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';
import { makeJwt } from './helpers/tokens.js';
import { whilePolluted } from '../support/polluted-prototype.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
});
afterEach(() => server.close());

// (`mode`, `integrity` and `signal` break happy-dom's own Request before the SDK's code runs.)
const MEMBERS = ['method', 'body', 'headers', 'credentials'];
const pollution = {
  method: 'DELETE',
  body: '{"all":true}',
  headers: { Authorization: 'Bearer attacker.token.here' },
  credentials: 'include',
};

// happy-dom's own Request reads a string input's `.method` (so a polluted Object.prototype.method
// changes even `new Request(url)` there): these tests look at the inits the SDK hands to `fetch`,
// which a browser's Request and fetch read member by member, inherited members included (checked in
// Chromium by test/e2e/polluted-prototype.test.ts).
describe('the inits the SDK builds for fetch', () => {
  it('supply no RequestInit member from a polluted Object.prototype', async () => {
    const seen: Record<string, unknown>[] = [];
    const auth = newClient({
      allowedOrigins: [server.origin],
      fetch: (input, init) => {
        // Read as the browser reads a RequestInit: by [[Get]], through the prototype chain.
        const members = Object.fromEntries(
          MEMBERS.map((name) => [name, (init as Record<string, unknown>)[name]]),
        );
        seen.push({ kind: input instanceof Request ? 'api' : 'token', ...members });
        return fetch(input, { ...init, ...pollutedFree(init) });
      },
    });
    await whilePolluted(pollution, () => auth.fetch(server.origin + '/points'));

    const [token, api] = seen;
    expect(token).toEqual({
      kind: 'token',
      method: undefined,
      body: undefined,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    expect(api).toEqual({
      kind: 'api',
      method: undefined,
      body: undefined,
      headers: undefined,
      credentials: undefined,
    });
  });
});

/** The own members only, so happy-dom's fetch itself is not what the test exercises. */
function pollutedFree(init: RequestInit | undefined): RequestInit {
  return Object.fromEntries(Object.entries(init ?? {})) as RequestInit;
}

/** A transport stand-in: opens nothing, records its URL. */
class NullTransport {
  static made: string[] = [];
  readyState = 1;
  constructor(readonly href: string) {
    NullTransport.made.push(href);
  }
  close() {
    this.readyState = 3;
  }
}

describe('option bags of getToken, webSocket and eventSource under a polluted Object.prototype', () => {
  // A getToken provider: happy-dom's own fetch reads a polluted `signal` in its internals.
  const jwt = makeJwt(1);
  const getToken = () => Promise.resolve(jwt);

  it('getToken({ force: true }) takes no signal from Object.prototype', async () => {
    const auth = newClient({ allowedOrigins: [server.origin], getToken });
    const token = await whilePolluted({ signal: {} }, () =>
      auth.getToken({ force: true }).catch((e: unknown) => e),
    );
    expect(token).toBe(jwt);
  });

  it('webSocket(url, undefined, {}) and eventSource(url, {}) take no signal from Object.prototype', async () => {
    const auth = newClient({
      allowedOrigins: [server.origin],
      getToken,
      WebSocket: NullTransport as unknown as typeof WebSocket,
      EventSource: NullTransport as unknown as typeof EventSource,
    });
    const [socket, source] = await whilePolluted({ signal: { aborted: true } }, () =>
      Promise.all([
        auth.webSocket(server.origin + '/live', undefined, {}).catch((e: unknown) => e),
        auth
          .eventSource(server.origin + '/stream', { withCredentials: false })
          .catch((e: unknown) => e),
      ]),
    );
    expect(socket).toBeInstanceOf(NullTransport);
    expect(source).toBeInstanceOf(NullTransport);
  });

  it('eventSource(url, { signal }) hands EventSource no withCredentials from Object.prototype', async () => {
    const inits: (EventSourceInit | undefined)[] = [];
    const auth = newClient({
      allowedOrigins: [server.origin],
      getToken,
      EventSource: function (_href: string, init?: EventSourceInit) {
        // Read as the browser reads an EventSourceInit: through the prototype chain.
        inits.push(init && ({ withCredentials: init.withCredentials } as EventSourceInit));
        return new NullTransport(_href);
      } as unknown as typeof EventSource,
    });
    await whilePolluted({ withCredentials: true }, () =>
      auth.eventSource(server.origin + '/stream', { signal: null }),
    );
    expect(inits).toEqual([{ withCredentials: undefined }]);
  });

  it('getToken({ signal }) is not forced by Object.prototype.force: one request serves both calls', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    await whilePolluted({ force: true }, async () => {
      await auth.getToken({ signal: null });
      await auth.getToken({ signal: null });
    });
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('fetch(string) is not refused for the origin of a polluted Object.prototype.url', async () => {
    const auth = newClient({ allowedOrigins: [server.origin] });
    const outcome = await whilePolluted({ url: 'https://evil.test/' }, () =>
      auth.fetch(server.origin + '/points').then(
        (response) => response.status,
        (error: unknown) => error,
      ),
    );
    expect(outcome).not.toBeInstanceOf(OriginNotAllowedError);
    expect(outcome).toBe(200);
  });
});

describe('allowedOrigins with a hole (a typo such as [a,, b])', () => {
  it('does not let a polluted Object.prototype index add an origin', async () => {
    const evil = await startServer();
    // The attacker's server lets the page send it an Authorization header.
    evil.apiHandler = (_request, response) => {
      response.writeHead(200, {
        'access-control-allow-origin': server.origin,
        'access-control-allow-headers': 'authorization',
      });
      response.end('thanks');
    };
    try {
      // eslint-disable-next-line no-sparse-arrays -- the typo under test
      const allowedOrigins = [server.origin, , 'https://other.example'] as string[];
      const auth = newClient({ allowedOrigins });
      const outcome = await whilePolluted({ 1: evil.origin }, () =>
        auth.fetch(evil.origin + '/collect').then(
          (response) => response.status,
          (error: unknown) => error,
        ),
      );
      // Without a guard the shopper's token reaches the polluted origin.
      expect(evil.apiRequests.map((r) => [r.method, r.authorization])).toEqual([]);
      expect(outcome).toBeInstanceOf(OriginNotAllowedError);
    } finally {
      await evil.close();
    }
  });
});
