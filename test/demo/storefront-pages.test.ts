import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../demo/start-demo.js';
import { CLIENT_ID, SHOPPER_1, signIn, startTestDemo } from './support/demo-harness.js';

let demo: Demo;

beforeAll(async () => {
  demo = await startTestDemo({ maxTokenAgeMs: 1234 });
});
afterAll(() => demo.close());

async function storePage(cookie?: string) {
  const response = await fetch(demo.storefront.url, cookie ? { headers: { cookie } } : {});
  return { response, html: await response.text() };
}

function sdkTag(html: string): string {
  const tag = /<script [^>]*src="\/assets\/bc-customer-auth\.iife\.js"[^>]*>/.exec(html)?.[0];
  if (tag === undefined) throw new Error('no script tag for the IIFE build');
  return tag;
}

describe('storefront pages', () => {
  it('loads the script-tag build configured by data-* attributes', async () => {
    const tag = sdkTag((await storePage()).html);
    expect(tag).toContain(`data-app-client-id="${CLIENT_ID}"`);
    expect(tag).toContain(`data-allowed-origins="${demo.api.origin}"`);
    expect(tag).toContain('data-max-token-age-ms="1234"');
  });

  it('renders data-customer-id empty for a guest and as the id for a shopper', async () => {
    expect(sdkTag((await storePage()).html)).toContain('data-customer-id=""');
    const { cookie } = await signIn(demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password);
    const { html } = await storePage(cookie);
    expect(sdkTag(html)).toContain('data-customer-id="1"');
    expect(html).toContain('shopper1@example.com');
  });

  it('sends a strict nonce-based CSP that every script carries, without unsafe-eval', async () => {
    const { response, html } = await storePage();
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`connect-src 'self' ${demo.api.origin}`);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBe(2);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  });

  it('uses a fresh nonce for every response', async () => {
    const first = (await storePage()).response.headers.get('content-security-policy');
    const second = (await storePage()).response.headers.get('content-security-policy');
    expect(first).not.toBe(second);
  });

  it('marks pages private so shared caches never keep a shopper page', async () => {
    expect((await storePage()).response.headers.get('cache-control')).toBe('private, no-cache');
  });

  it("sends the pages' Cache-Control it is given, the sign-in form's too", async () => {
    const other = await startTestDemo({ pageCacheControl: 'private, no-store' });
    try {
      for (const path of ['/', '/login.php']) {
        const response = await fetch(other.storefront.origin + path);
        expect(response.headers.get('cache-control')).toBe('private, no-store');
      }
    } finally {
      await other.close();
    }
  });

  it('serves the built IIFE from dist/ as JavaScript', async () => {
    const response = await fetch(`${demo.storefront.origin}/assets/bc-customer-auth.iife.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${demo.storefront.origin}/nope`)).status).toBe(404);
  });
});

describe('storefront pages: methods', () => {
  it('answers 405 with Allow: GET to a POST of the store page', async () => {
    const response = await fetch(demo.storefront.url, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});
