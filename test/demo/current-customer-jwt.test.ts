import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../demo/start-demo.js';
import { acceptsJson } from '../../demo/storefront/current-customer-route.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  SHOPPER_1,
  SHOPPER_2,
  STORE_HASH,
  signIn,
  startTestDemo,
} from './support/demo-harness.js';
import { decodeJwtPayload } from '../support/jwt-payload.js';

/** The injected storefront clock: 2026-01-02T03:04:05.678Z. */
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const NOW_SECONDS = Math.floor(NOW_MS / 1000);

let demo: Demo;
let cookie: string;
const jwtUrl = (clientId: string | null = CLIENT_ID) =>
  `${demo.storefront.origin}/customer/current.jwt` +
  (clientId === null ? '' : `?app_client_id=${encodeURIComponent(clientId)}`);

beforeAll(async () => {
  demo = await startTestDemo({ now: () => NOW_MS });
  cookie = (await signIn(demo.storefront.origin, SHOPPER_1.email, SHOPPER_1.password)).cookie!;
});
afterAll(() => demo.close());

async function jwtAsText(): Promise<string> {
  const response = await fetch(jwtUrl(), { headers: { cookie, accept: 'text/plain' } });
  return (await response.text()).trim();
}

describe('GET /customer/current.jwt', () => {
  it('answers a guest with 404, a JSON errors body and no-store', async () => {
    const response = await fetch(jwtUrl());
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors).toEqual([
      { status: 404, title: 'Not Found', detail: 'No customer is signed in.' },
    ]);
  });

  it('answers {"token"} JSON when Accept asks for JSON', async () => {
    const response = await fetch(jwtUrl(), { headers: { cookie, accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['token']);
    expect(body['token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it.each(['text/plain', '*/*', 'text/html,application/xhtml+xml;q=0.9'])(
    'answers the raw JWT with a trailing newline for Accept %s',
    async (accept) => {
      const response = await fetch(jwtUrl(), { headers: { cookie, accept } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    },
  );

  it('negotiates JSON only for a JSON media range with q above 0', () => {
    expect(acceptsJson('application/json')).toBe(true);
    expect(acceptsJson('text/plain, application/json;q=0.5')).toBe(true);
    expect(acceptsJson('application/vnd.api+json')).toBe(true);
    expect(acceptsJson('application/json;q=0')).toBe(false);
    expect(acceptsJson('*/*')).toBe(false);
    expect(acceptsJson(undefined)).toBe(false);
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['unknown', 'someone-elses-app'],
    ['look-alike (the app’s id and more)', `${CLIENT_ID}x`],
    ['look-alike (part of the app’s id)', CLIENT_ID.slice(0, -1)],
    ['padded', ` ${CLIENT_ID}`],
  ])(
    'answers 400 with an errors body for a %s app_client_id, even when signed in',
    async (_, id) => {
      const response = await fetch(jwtUrl(id), { headers: { cookie } });
      expect(response.status).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as { errors: Array<{ status: number; detail: string }> };
      expect(body.errors[0]?.status).toBe(400);
      expect(body.errors[0]?.detail).toMatch(/app_client_id/);
    },
  );

  it('answers 405 to a POST', async () => {
    const response = await fetch(jwtUrl(), { method: 'POST', headers: { cookie } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers HEAD like GET, without a body: 404 for a guest, 200 and no-store when signed in', async () => {
    const guest = await fetch(jwtUrl(), { method: 'HEAD' });
    expect(guest.status).toBe(404);
    expect(guest.headers.get('cache-control')).toBe('no-store');
    const signedIn = await fetch(jwtUrl(), { method: 'HEAD', headers: { cookie } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    expect(await signedIn.text()).toBe('');
  });

  const issued = () => cookie.split('=')[1]!;
  it.each([
    ['malformed percent-encoding', () => '%E0%A4%A'],
    ['a lone %', () => '%'],
    [
      'the issued one, percent-encoded',
      () => issued().replace(/./g, (c) => `%${c.charCodeAt(0).toString(16)}`),
    ],
    ['the issued one and more', () => `${issued()}x`],
  ])(
    'answers a session cookie it never issued (%s) like a guest, with 404',
    async (_kind, value) => {
      const response = await fetch(jwtUrl(), {
        headers: { cookie: `SHOP_SESSION_TOKEN=${value()}` },
      });
      expect(response.status).toBe(404);
      const body = (await response.json()) as { errors: Array<{ status: number }> };
      expect(body.errors[0]?.status).toBe(404);
    },
  );

  it('signs with HS512 and the client secret, verifiable with jose', async () => {
    const token = await jwtAsText();
    expect(decodeProtectedHeader(token)).toEqual({ typ: 'JWT', alg: 'HS512' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET), {
      algorithms: ['HS512'],
      issuer: 'bc/apps',
      audience: CLIENT_ID,
      subject: STORE_HASH,
      currentDate: new Date(NOW_MS),
    });
    expect(payload['customer']).toEqual({ id: 1, email: SHOPPER_1.email, group_id: '0' });
  });

  it('fails verification with another secret', async () => {
    const token = await jwtAsText();
    await expect(
      jwtVerify(token, new TextEncoder().encode('another-secret'), {
        currentDate: new Date(NOW_MS),
      }),
    ).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('carries exactly the real claim set, with the real types and a 900-second lifetime', async () => {
    expect(decodeJwtPayload(await jwtAsText())).toStrictEqual({
      customer: { id: 1, email: 'shopper1@example.com', group_id: '0' },
      iss: 'bc/apps',
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 900,
      version: 1,
      aud: CLIENT_ID,
      application_id: CLIENT_ID,
      store_hash: STORE_HASH,
      sub: STORE_HASH,
      operation: 'current_customer',
    });
  });

  it('names the shopper of the session it is asked with', async () => {
    const other = (await signIn(demo.storefront.origin, SHOPPER_2.email, SHOPPER_2.password))
      .cookie!;
    const response = await fetch(jwtUrl(), {
      headers: { cookie: other, accept: 'application/json' },
    });
    const { token } = (await response.json()) as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET), {
      currentDate: new Date(NOW_MS),
    });
    expect(payload['customer']).toEqual({ id: 2, email: SHOPPER_2.email, group_id: '0' });
  });
});

describe('GET /customer/current.jwt for the other apps a storefront is given', () => {
  const REVIEWS = { clientId: 'reviews-app-0123456789', clientSecret: 'reviews-secret-1a2b3c' };
  let withApps: Demo;
  beforeAll(async () => {
    withApps = await startTestDemo({ now: () => NOW_MS, otherApps: [REVIEWS] });
  });
  afterAll(() => withApps.close());

  it('signs each app’s token for that app with its own secret; an unknown app is still 400', async () => {
    const { origin } = withApps.storefront;
    const session = (await signIn(origin, SHOPPER_1.email, SHOPPER_1.password)).cookie!;
    const ask = (clientId: string) =>
      fetch(`${origin}/customer/current.jwt?app_client_id=${clientId}`, {
        headers: { cookie: session, accept: 'text/plain' },
      });
    const verified = async (app: { clientId: string; clientSecret: string }) => {
      const token = (await (await ask(app.clientId)).text()).trim();
      const { payload } = await jwtVerify(token, new TextEncoder().encode(app.clientSecret), {
        audience: app.clientId,
        currentDate: new Date(NOW_MS),
      });
      return [payload['application_id'], payload['customer']];
    };
    const customer = { id: 1, email: SHOPPER_1.email, group_id: '0' };
    expect(await verified(REVIEWS)).toEqual([REVIEWS.clientId, customer]);
    expect(await verified({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })).toEqual([
      CLIENT_ID,
      customer,
    ]);
    expect((await ask('unknown-app')).status).toBe(400);
  });
});

describe('GET /customer/current.jwt: caching and the client id', () => {
  it('varies its answer on Accept and Cookie', async () => {
    const response = await fetch(jwtUrl(), { headers: { cookie, accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('vary')).toBe('Accept, Cookie');
  });

  it('matches app_client_id exactly, never case-insensitively', async () => {
    const response = await fetch(jwtUrl(CLIENT_ID.toUpperCase()), {
      headers: { cookie, accept: 'application/json' },
    });
    expect(response.status).toBe(400);
  });
});
