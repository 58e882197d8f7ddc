import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bcAuthEventSource,
  bcAuthFetch,
  bcAuthWebSocket,
  configure,
  getDefaultClient,
} from '../../src/browser/index.js';
import { setPageUrl } from './helpers/page.js';
import { startServer, type TestServer } from './helpers/storefront.js';
import { CLIENT_ID } from './helpers/tokens.js';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  setPageUrl(server.origin + '/');
});
afterEach(() => server.close());

describe('the default client', () => {
  it('rejects with NOT_CONFIGURED before configure()', async () => {
    // A fresh copy of the module: other tests here configure the shared one, in any order.
    vi.resetModules();
    const fresh = await import('../../src/browser/index.js');
    await expect(fresh.bcAuthFetch(server.origin + '/points')).rejects.toMatchObject({
      name: 'CustomerAuthError',
      code: 'NOT_CONFIGURED',
      message: 'bc-customer-auth: not configured: call configure() first',
    });
    await expect(fresh.bcAuthWebSocket('wss://api.example.com/x')).rejects.toMatchObject({
      code: 'NOT_CONFIGURED',
    });
    await expect(fresh.bcAuthEventSource('https://api.example.com/x')).rejects.toMatchObject({
      code: 'NOT_CONFIGURED',
    });
    expect(() => fresh.getDefaultClient()).toThrow(
      'bc-customer-auth: not configured: call configure() first',
    );
  });

  it('configure() sets it up for bcAuthFetch, and a second configure() replaces (and destroys) the first', async () => {
    const first = configure({ appClientId: CLIENT_ID, allowedOrigins: [server.origin] });
    expect(getDefaultClient()).toBe(first);
    const response = await bcAuthFetch(server.origin + '/points');
    expect(response.status).toBe(200);
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
    const second = configure({ appClientId: CLIENT_ID, allowedOrigins: [] });
    expect(getDefaultClient()).toBe(second);
    await expect(first.getToken()).rejects.toMatchObject({ code: 'DESTROYED' });
    await expect(bcAuthFetch(server.origin + '/points')).rejects.toMatchObject({
      code: 'ORIGIN_NOT_ALLOWED',
    });
    second.destroy();
  });

  it('bcAuthFetch, bcAuthWebSocket and bcAuthEventSource pass every argument on', async () => {
    const opened: unknown[] = [];
    // Records what it is constructed with, as a WebSocket or an EventSource.
    const Transport = function (_href: string, second: unknown) {
      opened.push(second);
      return { readyState: 0, close() {} };
    } as unknown as typeof WebSocket & typeof EventSource;
    const client = configure({
      appClientId: CLIENT_ID,
      allowedOrigins: [server.origin],
      WebSocket: Transport,
      EventSource: Transport,
    });
    await bcAuthFetch(server.origin + '/points/redeem', { method: 'POST', body: '{"points":5}' });
    expect(server.apiRequests[0]).toMatchObject({ method: 'POST', body: '{"points":5}' });
    await bcAuthWebSocket(server.origin + '/live', ['points.v1']);
    await bcAuthEventSource(server.origin + '/stream', { withCredentials: true });
    expect(opened).toEqual([['points.v1'], { withCredentials: true }]);
    const signal = AbortSignal.abort(new Error('gave up'));
    await expect(bcAuthWebSocket(server.origin + '/live', [], { signal })).rejects.toBe(
      signal.reason,
    );
    await expect(bcAuthEventSource(server.origin + '/stream', { signal })).rejects.toBe(
      signal.reason,
    );
    expect(opened).toHaveLength(2);
    client.destroy();
  });

  it('keeps the previous client when configure() is given bad options', () => {
    const good = configure({ appClientId: CLIENT_ID, allowedOrigins: [] });
    expect(() => configure({ appClientId: '', allowedOrigins: [] })).toThrow(TypeError);
    expect(getDefaultClient()).toBe(good);
    good.destroy();
  });

  it('leaves the previous client working (not destroyed) when configure() is given bad options', async () => {
    const good = configure({ appClientId: CLIENT_ID, allowedOrigins: [server.origin] });
    expect(() => configure({ appClientId: CLIENT_ID, allowedOrigins: ['*'] })).toThrow(TypeError);
    const jwt = await good.getToken();
    expect(jwt).toBe(server.issued[0]);
    const response = await bcAuthFetch(server.origin + '/points');
    expect(response.status).toBe(200);
    expect(server.apiRequests[0]?.authorization).toBe('Bearer ' + server.issued[0]);
    good.destroy();
  });
});
