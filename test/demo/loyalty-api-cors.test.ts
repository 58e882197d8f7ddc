import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../demo/start-demo.js';
import { SHOPPER_1, bearer, shopperToken, startTestDemo } from './support/demo-harness.js';

let demo: Demo;
let api: string;
let token1: string;

beforeAll(async () => {
  demo = await startTestDemo();
  api = demo.api.origin;
  token1 = await shopperToken(demo.storefront.origin, SHOPPER_1);
});
afterAll(() => demo.close());

describe('CORS', () => {
  const storefront = () => demo.storefront.origin;

  it('answers a preflight from the storefront with methods, headers and Vary: Origin', async () => {
    const response = await fetch(`${api}/points/redeem`, {
      method: 'OPTIONS',
      headers: {
        origin: storefront(),
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(storefront());
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type',
    );
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses a preflight from another origin without any CORS header', async () => {
    const response = await fetch(`${api}/points`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.localhost:3000', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('takes an OPTIONS without Access-Control-Request-Method as a plain request, not a preflight', async () => {
    const response = await fetch(`${api}/points`, {
      method: 'OPTIONS',
      headers: { origin: storefront() },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('allows the storefront origin on actual responses, 401s included', async () => {
    const ok = await fetch(`${api}/points`, {
      headers: { ...bearer(token1), origin: storefront() },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe(storefront());
    expect(ok.headers.get('vary')).toBe('Origin');
    const refused = await fetch(`${api}/points`, { headers: { origin: storefront() } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(storefront());
    expect(refused.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });

  it.each([
    ['another origin', () => 'http://127.0.0.1:1'],
    ['one that starts with the storefront’s', () => `${storefront()}.evil.test`],
    ['one that starts with the storefront’s, with a port', () => `${storefront()}1`],
    ['the storefront’s with a trailing slash', () => `${storefront()}/`],
    ['the opaque origin "null"', () => 'null'],
  ])('gives no CORS header to %s, nor a preflight', async (_kind, origin) => {
    const response = await fetch(`${api}/points`, {
      headers: { ...bearer(token1), origin: origin() },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${api}/points`, {
      method: 'OPTIONS',
      headers: { origin: origin(), 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
