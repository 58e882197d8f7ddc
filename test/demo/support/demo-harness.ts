import { SignJWT } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import { startDemo, type Demo, type StartDemoOptions } from '../../../demo/start-demo.js';

export const CLIENT_ID = 'test-client-0123456789';
export const CLIENT_SECRET = 'test-secret-9f8e7d6c5b4a';
export const STORE_HASH = 'abc123';
export const SHOPPER_1 = { id: 1, email: 'shopper1@example.com', password: 'Password1!' };
export const SHOPPER_2 = { id: 2, email: 'shopper2@example.com', password: 'Password2!' };

/** Starts both demo servers on free ports with the test app's credentials. */
export function startTestDemo(options: Partial<StartDemoOptions> = {}): Promise<Demo> {
  return startDemo({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    storeHash: STORE_HASH,
    ...options,
  });
}

/** A demo with seeded balances (shoppers 1, 2 and 3) and both seeded shoppers' tokens. */
export interface SignedInDemo {
  readonly demo: Demo;
  /** The loyalty API's origin. */
  readonly api: string;
  readonly token1: string;
  readonly token2: string;
}

/**
 * Starts a demo with balances 1000, 250 and 40 before the calling file's tests, signs both seeded
 * shoppers in, and stops it after them. The fields are set once `beforeAll` has run.
 */
export function useSignedInDemo(): SignedInDemo {
  const context = {} as { -readonly [K in keyof SignedInDemo]: SignedInDemo[K] };
  beforeAll(async () => {
    context.demo = await startTestDemo({ seedPoints: { 1: 1000, 2: 250, 3: 40 } });
    context.api = context.demo.api.origin;
    context.token1 = await shopperToken(context.demo.storefront.origin, SHOPPER_1);
    context.token2 = await shopperToken(context.demo.storefront.origin, SHOPPER_2);
  });
  afterAll(() => context.demo.close());
  return context;
}

/** Posts the real login form; resolves to the response and the `name=value` session cookie, if set. */
export async function signIn(
  storefrontOrigin: string,
  email: string,
  password: string,
): Promise<{ response: Response; cookie: string | undefined }> {
  const response = await fetch(`${storefrontOrigin}/login.php?action=check_login`, {
    method: 'POST',
    body: new URLSearchParams({ login_email: email, login_pass: password }),
    redirect: 'manual',
  });
  const setCookie = response.headers.getSetCookie()[0];
  return { response, cookie: setCookie?.split(';')[0] };
}

/** Fetches a Current Customer JWT for the signed-in session `cookie`. */
export async function fetchJwt(storefrontOrigin: string, cookie: string): Promise<string> {
  const response = await fetch(
    `${storefrontOrigin}/customer/current.jwt?app_client_id=${CLIENT_ID}`,
    {
      headers: { cookie, accept: 'application/json' },
    },
  );
  if (response.status !== 200) throw new Error(`JWT request answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** Signs `shopper` in through the storefront and fetches their JWT. */
export async function shopperToken(
  storefrontOrigin: string,
  shopper: { email: string; password: string },
): Promise<string> {
  const { cookie } = await signIn(storefrontOrigin, shopper.email, shopper.password);
  if (cookie === undefined) throw new Error(`${shopper.email} could not sign in`);
  return fetchJwt(storefrontOrigin, cookie);
}

/** The `Authorization` header for a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** The caller's balance, as `GET /points` answers it. */
export async function readBalance(apiOrigin: string, token: string): Promise<number> {
  const response = await fetch(`${apiOrigin}/points`, { headers: bearer(token) });
  return ((await response.json()) as { points: number }).points;
}

/** Signs a token with jose, independently of the demo's own signer. */
export function signToken(
  options: {
    customerId?: number;
    storeHash?: string;
    secret?: string;
    lifetimeSeconds?: number;
    issuedAgoSeconds?: number;
  } = {},
): Promise<string> {
  const storeHash = options.storeHash ?? STORE_HASH;
  const iat = Math.floor(Date.now() / 1000) - (options.issuedAgoSeconds ?? 0);
  const customerId = options.customerId ?? 1;
  return new SignJWT({
    customer: { id: customerId, email: `shopper${customerId}@example.com`, group_id: '0' },
    version: 1,
    application_id: CLIENT_ID,
    store_hash: storeHash,
    operation: 'current_customer',
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'HS512' })
    .setIssuer('bc/apps')
    .setSubject(storeHash)
    .setAudience(CLIENT_ID)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? 900))
    .sign(new TextEncoder().encode(options.secret ?? CLIENT_SECRET));
}
