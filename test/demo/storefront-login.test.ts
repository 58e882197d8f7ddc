import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../demo/start-demo.js';
import { readCookie } from '../../demo/storefront/sessions.js';
import { CLIENT_ID, SHOPPER_1, SHOPPER_2, signIn, startTestDemo } from './support/demo-harness.js';

let demo: Demo;
let origin: string;
const jwtUrl = () => `${origin}/customer/current.jwt?app_client_id=${CLIENT_ID}`;

beforeAll(async () => {
  demo = await startTestDemo();
  origin = demo.storefront.origin;
});
afterAll(() => demo.close());

describe('storefront login', () => {
  it('serves the Stencil login form with login_email and login_pass', async () => {
    const response = await fetch(`${origin}/login.php`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('action="/login.php?action=check_login"');
    expect(html).toContain('name="login_email"');
    expect(html).toContain('name="login_pass"');
  });

  it('signs in with 303 to / and an HttpOnly, SameSite=Lax session cookie', async () => {
    const { response } = await signIn(origin, SHOPPER_1.email, SHOPPER_1.password);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^SHOP_SESSION_TOKEN=[\w-]{20,}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
  });

  it('matches the email case-insensitively', async () => {
    const { response } = await signIn(origin, 'Shopper2@Example.COM', SHOPPER_2.password);
    expect(response.status).toBe(303);
  });

  it('refuses a bad password with 401, the form again and no cookie', async () => {
    const { response, cookie } = await signIn(origin, SHOPPER_1.email, 'Password2!');
    expect(response.status).toBe(401);
    expect(cookie).toBeUndefined();
    const html = await response.text();
    expect(html).toContain('email address or password is incorrect');
    expect(html).toContain(`value="${SHOPPER_1.email}"`);
  });

  it.each([
    ['without login_pass', { login_email: 'shopper1@example.com' }],
    ['with an empty login_pass', { login_email: 'shopper1@example.com', login_pass: '' }],
  ])('refuses a sign-in %s with 401 and no cookie', async (_kind, fields) => {
    const response = await fetch(`${origin}/login.php?action=check_login`, {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses an unknown email', async () => {
    const { response, cookie } = await signIn(origin, 'nobody@example.com', SHOPPER_1.password);
    expect(response.status).toBe(401);
    expect(cookie).toBeUndefined();
  });

  it('refuses a sign-in form over 4 KiB with 413 and no cookie', async () => {
    const { response, cookie } = await signIn(origin, SHOPPER_1.email, 'x'.repeat(5000));
    expect(response.status).toBe(413);
    expect(cookie).toBeUndefined();
    expect(await response.text()).toContain('The sign-in form was too large.');
  });

  it('answers 405 to a GET of check_login', async () => {
    const response = await fetch(`${origin}/login.php?action=check_login`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('logout ends the session server-side and clears the cookie', async () => {
    const { cookie } = await signIn(origin, SHOPPER_1.email, SHOPPER_1.password);
    expect((await fetch(jwtUrl(), { headers: { cookie: cookie! } })).status).toBe(200);

    const logout = await fetch(`${origin}/login.php?action=logout`, {
      headers: { cookie: cookie! },
      redirect: 'manual',
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/');
    expect(logout.headers.getSetCookie()[0]).toMatch(/^SHOP_SESSION_TOKEN=; .*Max-Age=0/);
    // The old cookie, replayed, no longer names a shopper.
    expect((await fetch(jwtUrl(), { headers: { cookie: cookie! } })).status).toBe(404);
  });

  it('a new sign-in replaces the previous session instead of reusing it', async () => {
    const first = await signIn(origin, SHOPPER_1.email, SHOPPER_1.password);
    const response = await fetch(`${origin}/login.php?action=check_login`, {
      method: 'POST',
      headers: { cookie: first.cookie! },
      body: new URLSearchParams({ login_email: SHOPPER_2.email, login_pass: SHOPPER_2.password }),
      redirect: 'manual',
    });
    const second = response.headers.getSetCookie()[0]?.split(';')[0];
    expect(second).not.toBe(first.cookie);
    expect((await fetch(jwtUrl(), { headers: { cookie: first.cookie! } })).status).toBe(404);
  });

  it('records what it received, cookie included', async () => {
    const { cookie } = await signIn(origin, SHOPPER_1.email, SHOPPER_1.password);
    const before = demo.storefront.requests.length;
    await fetch(`${jwtUrl()}&extra=1`, { headers: { cookie: cookie! } });
    const [entry] = demo.storefront.requests.slice(before);
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/customer/current.jwt',
      url: `/customer/current.jwt?app_client_id=${CLIENT_ID}&extra=1`,
      cookie,
      status: 200,
      upgrade: false,
    });
    expect(entry?.query.get('app_client_id')).toBe(CLIENT_ID);
  });
});

describe('storefront login: redirects, methods and the session cookie', () => {
  it('marks the sign-in and logout redirects no-store', async () => {
    const { response, cookie } = await signIn(origin, SHOPPER_1.email, SHOPPER_1.password);
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const logout = await fetch(`${origin}/login.php?action=logout`, {
      headers: { cookie: cookie! },
      redirect: 'manual',
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 405 to a POST of logout and keeps the session', async () => {
    const { cookie } = await signIn(origin, SHOPPER_1.email, SHOPPER_1.password);
    const response = await fetch(`${origin}/login.php?action=logout`, {
      method: 'POST',
      headers: { cookie: cookie! },
      redirect: 'manual',
    });
    expect(response.status).toBe(405);
    const jwt = await fetch(jwtUrl(), { headers: { cookie: cookie!, accept: 'application/json' } });
    expect(jwt.status).toBe(200);
  });

  it('reads the session cookie by its exact name, not one that merely ends with it', () => {
    expect(
      readCookie('XSHOP_SESSION_TOKEN=evil; SHOP_SESSION_TOKEN=good', 'SHOP_SESSION_TOKEN'),
    ).toBe('good');
    expect(readCookie('XSHOP_SESSION_TOKEN=evil', 'SHOP_SESSION_TOKEN')).toBeUndefined();
  });
});
