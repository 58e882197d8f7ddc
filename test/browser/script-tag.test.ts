import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepClicksOnPage, leavePage, otherTab, setPageUrl } from './helpers/page.js';
import { startServer, type RecordedRequest, type TestServer } from './helpers/storefront.js';
import { CLIENT_ID, makeJwt } from './helpers/tokens.js';
import { decodeJwtPayload } from '../support/jwt-payload.js';
import { whilePolluted } from '../support/polluted-prototype.js';

type Namespace = typeof import('../../src/browser/index.js');
interface ScriptTagGlobals {
  BcCustomerAuth?: Namespace;
  bcAuthFetch?: typeof fetch;
  bcAuthWebSocket?: unknown;
  bcAuthEventSource?: unknown;
}

let server: TestServer;
const globals = window as unknown as ScriptTagGlobals;
const ownCurrentScript = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript');

/** Makes `script` the running script, as the browser's own `currentScript` getter reports it. */
function runFrom(script: HTMLScriptElement): void {
  Object.defineProperty(Document.prototype, 'currentScript', {
    get: () => script,
    configurable: true,
  });
}

keepClicksOnPage();
beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
  vi.resetModules();
});
afterEach(async () => {
  try {
    globals.BcCustomerAuth?.getDefaultClient().destroy();
  } catch {
    // Not configured.
  }
  delete globals.BcCustomerAuth;
  delete globals.bcAuthFetch;
  document.head.innerHTML = '';
  Reflect.deleteProperty(document, 'currentScript');
  if (ownCurrentScript)
    Object.defineProperty(Document.prototype, 'currentScript', ownCurrentScript);
  else Reflect.deleteProperty(Document.prototype, 'currentScript');
  await server.close();
});

/**
 * Loads the script-tag entry and checks that its allowlist is the test server's alone: `evil` is
 * refused and receives nothing, the test server gets the token. Closes `evil`.
 */
async function expectOnlyTestServerAllowed(evil: TestServer): Promise<void> {
  try {
    const namespace = (await import('../../src/browser/script-tag.js')).default;
    const refused = await namespace.bcAuthFetch(evil.origin + '/collect').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(namespace.OriginNotAllowedError);
    expect(refused).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    expect(evil.apiRequests).toEqual([]);
    await namespace.bcAuthFetch(server.origin + '/points');
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
  } finally {
    await evil.close();
  }
}

/** Adds a script tag with data-* attributes, as a Stencil template would render it. */
function addScript(attributes: Record<string, string>): HTMLScriptElement {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  document.head.append(script);
  return script;
}

/** Adds a script tag with data-* attributes and runs the entry from it, as the browser would. */
function addRunningScript(attributes: Record<string, string>): HTMLScriptElement {
  const script = addScript(attributes);
  runFrom(script);
  return script;
}

/**
 * Loads the entry with a bad attribute: the TypeError naming `option` is reported through
 * reportError, and the namespace is still defined, with no default client.
 */
async function expectReportedOption(option: string, attributes: Record<string, string>) {
  const reportError = vi.fn();
  vi.stubGlobal('reportError', reportError);
  addRunningScript({ 'data-app-client-id': CLIENT_ID, ...attributes });
  const namespace = (await import('../../src/browser/script-tag.js')).default;
  vi.unstubAllGlobals();
  expect(reportError).toHaveBeenCalledTimes(1);
  const [error] = reportError.mock.calls[0] as [unknown];
  expect(error).toBeInstanceOf(TypeError);
  expect(error).toMatchObject({ message: 'bc-customer-auth: invalid option ' + option });
  expect(() => namespace.getDefaultClient()).toThrow(
    expect.objectContaining({ code: 'NOT_CONFIGURED' }),
  );
  return namespace;
}

describe('the script-tag entry', () => {
  it('configures the default client from the running tag’s data-* attributes and defines the globals', async () => {
    addRunningScript({
      'data-app-client-id': CLIENT_ID,
      'data-allowed-origins': `https://api.example.com, ${server.origin}`,
      'data-max-token-age-ms': '0',
      'data-auth-header-name': 'X-Customer-Jwt',
      'data-auth-scheme': '',
    });
    // The entry's default export is what the IIFE publishes as window.BcCustomerAuth.
    const namespace = (await import('../../src/browser/script-tag.js')).default;
    expect(globals.bcAuthFetch).toBe(namespace.bcAuthFetch);
    expect(globals.bcAuthWebSocket).toBe(namespace.bcAuthWebSocket);
    expect(globals.bcAuthEventSource).toBe(namespace.bcAuthEventSource);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    await globals.bcAuthFetch?.(server.origin + '/points');
    const [sent] = fetchSpy.mock.calls.at(-1) ?? [];
    expect((sent as Request).headers.get('X-Customer-Jwt')).toBe(server.issued[0]);
    await namespace.getDefaultClient().getToken();
    expect(server.tokenRequests).toHaveLength(2);
    namespace.getDefaultClient().destroy();
    fetchSpy.mockRestore();
  });

  it('reads space-separated data-allowed-origins as well as comma-separated ones', async () => {
    addRunningScript({
      'data-app-client-id': CLIENT_ID,
      'data-allowed-origins': `https://api.example.com ${server.origin}`,
    });
    const namespace = (await import('../../src/browser/script-tag.js')).default;
    const response = await namespace.getDefaultClient().fetch(server.origin + '/points');
    expect(response.status).toBe(200);
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
  });

  it('prefers document.currentScript, and leaves configuration to the page without data-app-client-id', async () => {
    addScript({ 'data-app-client-id': 'other-app', 'data-allowed-origins': '' });
    const current = addScript({});
    runFrom(current);
    const namespace = (await import('../../src/browser/script-tag.js')).default;
    expect(() => namespace.getDefaultClient()).toThrow('not configured');
  });

  it('ignores a document.currentScript that page markup clobbered: only a script element is read', async () => {
    addRunningScript({ 'data-app-client-id': CLIENT_ID, 'data-allowed-origins': server.origin });
    const evil = await startServer();
    // Scriptless markup such as `<img name="currentScript" data-…>` shadows document.currentScript.
    const clobber = document.createElement('img');
    clobber.dataset['appClientId'] = CLIENT_ID;
    clobber.dataset['allowedOrigins'] = evil.origin;
    Object.defineProperty(document, 'currentScript', { value: clobber, configurable: true });
    await expectOnlyTestServerAllowed(evil);
  });

  it('reads the running tag through a clobbered currentScript, not a script element placed before it', async () => {
    const evil = await startServer();
    // Markup before the tag: a script element a nonce-based CSP never runs, and an image that
    // shadows document.currentScript so that a lookup by selector would find that element.
    const planted = addScript({
      'data-app-client-id': CLIENT_ID,
      'data-allowed-origins': evil.origin,
    });
    const clobber = document.createElement('img');
    clobber.setAttribute('name', 'currentScript');
    Object.defineProperty(document, 'currentScript', { value: clobber, configurable: true });
    runFrom(addScript({ 'data-app-client-id': CLIENT_ID, 'data-allowed-origins': server.origin }));
    expect(document.querySelector('script[data-app-client-id]')).toBe(planted);
    await expectOnlyTestServerAllowed(evil);
  });

  it('reads no other tag when none is running (a type="module" tag): markup’s script element configures nothing', async () => {
    const evil = await startServer();
    try {
      // Markup before the tag: a script element a nonce-based CSP never runs. The SDK's own tag
      // loaded with type="module" (or from a shadow root) leaves document.currentScript null.
      addScript({ 'data-app-client-id': CLIENT_ID, 'data-allowed-origins': evil.origin });
      addScript({ 'data-app-client-id': CLIENT_ID, 'data-allowed-origins': server.origin });
      expect(Reflect.get(Document.prototype, 'currentScript', document)).toBeNull();
      const namespace = (await import('../../src/browser/script-tag.js')).default;
      const refused = await namespace
        .bcAuthFetch(evil.origin + '/collect')
        .catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(namespace.CustomerAuthError);
      expect(refused).toMatchObject({ code: 'NOT_CONFIGURED' });
      expect(evil.apiRequests).toEqual([]);
      expect(evil.tokenRequests).toEqual([]);
      expect(server.tokenRequests).toEqual([]);
    } finally {
      await evil.close();
    }
  });

  it('takes no setting from a polluted Object.prototype for an attribute the tag lacks', async () => {
    addRunningScript({ 'data-app-client-id': CLIENT_ID, 'data-allowed-origins': server.origin });
    const evil = await startServer();
    const polluted = { storefrontUrl: evil.origin, authHeaderName: 'X-Evil', polluted: 'x' };
    try {
      // Polluted while the tag configures the default client, as it does on import.
      const namespace = await whilePolluted(
        polluted,
        async () => (await import('../../src/browser/script-tag.js')).default,
      );
      const response = await namespace.bcAuthFetch(server.origin + '/points');

      expect(response.status).toBe(200);
      expect(evil.tokenRequests).toEqual([]);
      expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
    } finally {
      await evil.close();
    }
  });

  it('takes no allowlist from a polluted Object.prototype when the tag has no data-allowed-origins', async () => {
    addRunningScript({ 'data-app-client-id': CLIENT_ID });
    const evil = await startServer();
    try {
      const namespace = await whilePolluted(
        { allowedOrigins: evil.origin },
        async () => (await import('../../src/browser/script-tag.js')).default,
      );
      const refused = await namespace
        .bcAuthFetch(evil.origin + '/collect')
        .catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(namespace.OriginNotAllowedError);
      expect(refused).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED', origin: evil.origin });
      expect(evil.apiRequests).toEqual([]);
      expect(server.tokenRequests).toEqual([]);
    } finally {
      await evil.close();
    }
  });

  it.each([
    ['without data-customer-id, announces nothing', {}, []],
    ['with an empty data-customer-id, announces a guest', { 'data-customer-id': '' }, ['c']],
    ['with data-customer-id="7", announces customer 7', { 'data-customer-id': '7' }, ['c7']],
  ])('%s to the other tabs', async (_name, customerAttribute, notices) => {
    const tab = otherTab();
    try {
      addRunningScript({
        'data-app-client-id': CLIENT_ID,
        'data-allowed-origins': '',
        ...customerAttribute,
      });
      await import('../../src/browser/script-tag.js');
      expect(await tab.heardSoFar()).toEqual(notices);
    } finally {
      tab.channel.close();
    }
  });

  it('reports bad attributes with the option name, and still defines the namespace', async () => {
    const namespace = await expectReportedOption('allowedOrigins', {
      'data-allowed-origins': 'http://api.example.com',
    });
    expect(globals.bcAuthFetch).toBe(namespace.bcAuthFetch);
  });

  it.each([
    [
      'an empty data-max-token-age-ms, instead of reading it as 0',
      'maxTokenAgeMs',
      'max-token-age-ms',
      '',
    ],
    [
      'a blank data-max-token-age-ms, instead of reading it as 0',
      'maxTokenAgeMs',
      'max-token-age-ms',
      ' ',
    ],
    [
      'data-max-token-age-ms="5s", instead of reading it as 5',
      'maxTokenAgeMs',
      'max-token-age-ms',
      '5s',
    ],
    [
      'an empty data-app-client-id, instead of configuring nothing',
      'appClientId',
      'app-client-id',
      '',
    ],
    ['data-customer-id=" 7": values are read as written', 'customerId', 'customer-id', ' 7'],
    [
      'a padded data-app-client-id: read as written',
      'appClientId',
      'app-client-id',
      ` ${CLIENT_ID} `,
    ],
    ['any data-get-token: no attribute gives a function', 'getToken', 'get-token', 'fetch'],
    ['any data--web-socket: no attribute gives a constructor', 'WebSocket', '-web-socket', 'x'],
    ['any data-fetch, an empty one too', 'fetch', 'fetch', ''],
    ['any data-now', 'now', 'now', 'Date.now'],
    ['any data-monotonic-now', 'monotonicNow', 'monotonic-now', '0'],
    ['any data--event-source', 'EventSource', '-event-source', 'EventSource'],
    ['any data--broadcast-channel', 'BroadcastChannel', '-broadcast-channel', ''],
  ])('reports %s', async (_name, option, attribute, value) => {
    await expectReportedOption(option, {
      'data-allowed-origins': server.origin,
      ['data-' + attribute]: value,
    });
  });

  it('reads data-allowed-origins separated by a comma alone', async () => {
    addRunningScript({
      'data-app-client-id': CLIENT_ID,
      'data-allowed-origins': `${server.origin},https://api.example.com`,
    });
    const namespace = (await import('../../src/browser/script-tag.js')).default;
    const response = await namespace.bcAuthFetch(server.origin + '/points');
    expect(response.status).toBe(200);
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
  });

  it('reads data-storefront-url, data-logout-path and data-token-query-param as well', async () => {
    const storefront = 'https://store-abc123.mybigcommerce.com';
    document.body.innerHTML = `<a href="${storefront}/account/sign-out">Sign out</a>`;
    addRunningScript({
      'data-app-client-id': CLIENT_ID,
      'data-allowed-origins': 'https://api.example.com',
      'data-storefront-url': storefront,
      'data-logout-path': '/account/sign-out',
      'data-token-query-param': 'jwt',
    });
    const jwt = makeJwt(1);
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(jwt));
    const wireUrls: string[] = [];
    vi.stubGlobal('EventSource', function (href: string) {
      wireUrls.push(href);
      return { readyState: 0, close() {} };
    });
    try {
      const namespace = (await import('../../src/browser/script-tag.js')).default;
      const seen: string[] = [];
      namespace.getDefaultClient().on('logout', () => seen.push('logout'));
      await namespace.bcAuthEventSource('https://api.example.com/stream');
      expect(String(fetchSpy.mock.calls[0]?.[0])).toMatch(
        `${storefront}/customer/current.jwt?app_client_id=${CLIENT_ID}&_=`,
      );
      expect(wireUrls).toEqual(['https://api.example.com/stream?jwt=' + jwt]);
      document.querySelector('a')?.click();
      leavePage();
      expect(seen).toEqual(['logout']);
    } finally {
      fetchSpy.mockRestore();
      vi.unstubAllGlobals();
    }
  });
});

describe('two apps on one page', () => {
  const LOYALTY = CLIENT_ID + '-loyalty';
  const REVIEWS = CLIENT_ID + '-reviews';
  let reviewsApi: TestServer;
  const destroyed: Namespace[] = [];
  beforeEach(async () => {
    reviewsApi = await startServer();
    // Another origin than the storefront's: it answers the page's preflight and its calls.
    reviewsApi.apiHandler = (_request, response) => {
      response.writeHead(200, {
        'access-control-allow-origin': server.origin,
        'access-control-allow-headers': 'authorization',
      });
      response.end();
    };
  });
  afterEach(async () => {
    for (const namespace of destroyed.splice(0)) namespace.getDefaultClient().destroy();
    await reviewsApi.close();
  });

  /** Runs one copy of the script-tag entry from its own tag, as a second app's tag would. */
  async function loadTag(attributes: Record<string, string>): Promise<Namespace> {
    addRunningScript(attributes);
    vi.resetModules();
    const namespace = (await import('../../src/browser/script-tag.js')).default;
    destroyed.push(namespace);
    return namespace;
  }

  /** The app a request's bearer token was issued for (its `aud`). */
  const audienceOf = (request: RecordedRequest | undefined) =>
    decodeJwtPayload(request?.authorization?.replace(/^Bearer /, '') ?? '')['aud'];

  it('the last app’s tag takes the globals; each app’s client asks for and sends its own token', async () => {
    const loyalty = await loadTag({
      'data-app-client-id': LOYALTY,
      'data-allowed-origins': server.origin,
    });
    const reviews = await loadTag({
      'data-app-client-id': REVIEWS,
      'data-allowed-origins': reviewsApi.origin,
    });

    // window.bcAuthFetch is now the reviews app's: the loyalty API is not among its origins.
    const refused = await globals.bcAuthFetch?.(server.origin + '/points').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(reviews.OriginNotAllowedError);
    expect(refused).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED', origin: server.origin });
    expect(server.apiRequests).toEqual([]);
    expect(server.tokenRequests).toEqual([]);

    await globals.bcAuthFetch?.(reviewsApi.origin + '/reviews');
    await loyalty.getDefaultClient().fetch(server.origin + '/points');
    expect(audienceOf(reviewsApi.apiRequests.find(({ method }) => method === 'GET'))).toBe(REVIEWS);
    expect(audienceOf(server.apiRequests[0])).toBe(LOYALTY);
    expect(
      server.tokenRequests.map(({ path }) =>
        new URL(path, server.origin).searchParams.get('app_client_id'),
      ),
    ).toEqual([REVIEWS, LOYALTY]);
  });

  it('one tag and createCustomerAuth for the other app: a logout click signs both out', async () => {
    const loyalty = await loadTag({
      'data-app-client-id': LOYALTY,
      'data-allowed-origins': server.origin,
    });
    const reviews = loyalty.createCustomerAuth({
      appClientId: REVIEWS,
      allowedOrigins: [reviewsApi.origin],
    });
    try {
      const logouts: string[] = [];
      loyalty.getDefaultClient().on('logout', () => logouts.push('loyalty'));
      reviews.on('logout', () => logouts.push('reviews'));
      await loyalty.bcAuthFetch(server.origin + '/points');
      await reviews.fetch(reviewsApi.origin + '/reviews');
      expect(audienceOf(server.apiRequests[0])).toBe(LOYALTY);
      expect(audienceOf(reviewsApi.apiRequests.find(({ method }) => method === 'GET'))).toBe(
        REVIEWS,
      );

      document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
      document.querySelector('a')?.click();
      leavePage();
      expect(logouts.sort()).toEqual(['loyalty', 'reviews']);
      expect([loyalty.getDefaultClient().getCustomer(), reviews.getCustomer()]).toEqual([
        null,
        null,
      ]);
      // Neither reuses its token: each asks the storefront again, and gets the 404 of a guest.
      server.customerId = null;
      for (const client of [reviews, loyalty.getDefaultClient()]) {
        const refused = await client.getToken().catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(loyalty.NotSignedInError);
        expect(refused).toMatchObject({ code: 'NOT_SIGNED_IN' });
      }
      expect(server.tokenRequests).toHaveLength(4);
    } finally {
      reviews.destroy();
    }
  });
});

describe('the built IIFE', () => {
  it('runs as a classic script: window.BcCustomerAuth, the bcAuth* globals, and a real call', async () => {
    const current = addScript({
      'data-app-client-id': CLIENT_ID,
      'data-allowed-origins': server.origin,
      'data-customer-id': '1',
    });
    runFrom(current);
    const code = readFileSync('dist/bc-customer-auth.iife.js', 'utf8');
    // Indirect eval runs the file at global scope, as a <script> element would.
    (0, eval)(code);
    const namespace = globals.BcCustomerAuth;
    expect(Object.keys(namespace ?? {}).sort()).toEqual([
      'CLOSE_CODE_CUSTOMER_CHANGE',
      'CLOSE_CODE_LOGOUT',
      'CustomerAuthError',
      'InvalidTokenError',
      'NotSignedInError',
      'OriginNotAllowedError',
      'TokenRequestError',
      'UnauthorizedError',
      'bcAuthEventSource',
      'bcAuthFetch',
      'bcAuthWebSocket',
      'configure',
      'createCustomerAuth',
      'getDefaultClient',
      'isCustomerAuthError',
    ]);
    const response = await globals.bcAuthFetch?.(server.origin + '/points');
    expect(response?.status).toBe(200);
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
    expect(namespace?.getDefaultClient().getCustomer()?.id).toBe(1);
    const refused = await globals.bcAuthFetch?.('https://evil.test/').catch((e: unknown) => e);
    expect(namespace?.isCustomerAuthError(refused, 'ORIGIN_NOT_ALLOWED')).toBe(true);
    // Minified, the base class keeps its literal name too (DESTROYED has no subclass).
    namespace?.getDefaultClient().destroy();
    await expect(globals.bcAuthFetch?.(server.origin + '/points')).rejects.toMatchObject({
      name: 'CustomerAuthError',
      code: 'DESTROYED',
    });
  });
});
