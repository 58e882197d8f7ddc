import { toOrigin } from './origin-policy.js';
import { ownMembers } from './own-members.js';

/**
 * Options for `createCustomerAuth()` and `configure()`.
 *
 * @example
 * ```ts
 * const options: CustomerAuthOptions = {
 *   appClientId: 'your-app-client-id',
 *   allowedOrigins: ['https://api.example.com'],
 * };
 * ```
 */
export interface CustomerAuthOptions {
  /**
   * Client ID of your app in the BigCommerce Developer Portal (not a store API account).
   * Sent as `app_client_id`; every token's `aud` must equal it.
   * @example 'abc123clientid'
   */
  appClientId: string;
  /**
   * Exact origins that may receive the token, for example `['https://api.example.com']`.
   * `https:` only, except `http:` for `localhost`, `127.0.0.1` and `[::1]`. No path, query or
   * credentials. A request to any other origin fails with `ORIGIN_NOT_ALLOWED` before a token is wanted.
   * @example ['https://api.example.com', 'http://localhost:3001']
   */
  allowedOrigins: readonly string[];
  /**
   * Origin of the BigCommerce-hosted storefront when this page runs elsewhere (a headless front end).
   * The token is then requested there with `credentials: 'include'`.
   * @default the page's own origin, with `credentials: 'same-origin'`
   * @example 'https://store-abc123.mybigcommerce.com'
   */
  storefrontUrl?: string | undefined;
  /**
   * Your own token provider, for headless front ends whose backend obtains the JWT. Replaces the
   * request to `/customer/current.jwt`; its answer is checked like the endpoint's. Resolve to the
   * JWT, or to `null` when no shopper is signed in (it becomes `NOT_SIGNED_IN`, and a `logout`
   * event when a shopper was known). A `CustomerAuthError` it throws reaches the caller as it is
   * (a `NotSignedInError` counts as `null`); any other error becomes `TOKEN_REQUEST_FAILED`
   * (status 0, the error as `cause`).
   * @default undefined (the request to `/customer/current.jwt`)
   * @example
   * ```ts
   * async (signal) => {
   *   const response = await fetch('/api/bc-token', { signal });
   *   if (response.status === 404) return null;
   *   if (!response.ok) throw new Error(`token route answered ${response.status}`);
   *   return response.text();
   * }
   * ```
   */
  getToken?: ((signal: AbortSignal) => Promise<string | null>) | undefined;
  /**
   * How long a token is reused, counted from when it arrived, in milliseconds. `0` fetches for every
   * call (concurrent callers, and calls from a `token` listener, still share one request). Values
   * above 60000 are treated as 60000.
   * @default 5000
   * @example 0
   */
  maxTokenAgeMs?: number | undefined;
  /**
   * The customer this page was rendered for (`{{customer.id}}` in Stencil): a non-negative integer,
   * `''` or `null` for a guest, `undefined` when unknown. Announced to other tabs on load so a tab
   * holding another shopper's token drops it, except from a page that Back or Forward took from the
   * HTTP cache, rendered for whoever was signed in then. It only ever invalidates; it never
   * authorizes.
   * @default undefined
   * @example '{{customer.id}}' rendered by a Stencil template
   */
  customerId?: string | number | null | undefined;
  /**
   * Path of the storefront's logout URL. A click or navigation to it signs the shopper out here
   * and in other tabs as the page goes (`pagehide`); one the page cancels, or one taken back at a
   * "Leave site?" prompt, does not. Where the Navigation API exists, a logout link opened in a new
   * tab (Ctrl+click, `target="_blank"`) signs this page out two tasks later.
   * @default '/login.php?action=logout'
   * @example '/logout'
   */
  logoutPath?: string | undefined;
  /** Header that carries the token. @default 'Authorization' @example 'X-Customer-Token' */
  authHeaderName?: string | undefined;
  /**
   * Scheme before the token in the header; `''` sends the bare token.
   * @default 'Bearer'
   * @example ''
   */
  authScheme?: string | undefined;
  /**
   * Query parameter that carries the token for WebSockets and event sources.
   * @default 'token'
   * @example 'jwt'
   */
  tokenQueryParam?: string | undefined;
  /**
   * `fetch` to use for the token request (called with a URL and an init) and API requests (called
   * with one `Request` per attempt and an init repeating its `redirect`, `referrer`,
   * `referrerPolicy` and `keepalive`: pass both on).
   * @default globalThis.fetch
   * @example (input, init) => fetch(input, init)
   */
  fetch?: typeof fetch | undefined;
  /**
   * `WebSocket` constructor.
   * @default globalThis.WebSocket
   * @example FakeWebSocket // in tests
   */
  WebSocket?: typeof WebSocket | undefined;
  /**
   * `EventSource` constructor.
   * @default globalThis.EventSource
   * @example FakeEventSource // in tests
   */
  EventSource?: typeof EventSource | undefined;
  /**
   * `BroadcastChannel` constructor for cross-tab notices; `null` uses the `storage` event instead.
   * @default globalThis.BroadcastChannel when present, else the `storage` event
   * @example null
   */
  BroadcastChannel?: typeof BroadcastChannel | null | undefined;
  /**
   * Wall clock in milliseconds since the epoch.
   * @default () => Date.now()
   * @example () => clock.now() // a fake clock in tests
   */
  now?: (() => number) | undefined;
  /**
   * Monotonic clock in milliseconds.
   * @default () => performance.now()
   * @example () => clock.monotonicNow() // a fake clock in tests
   */
  monotonicNow?: (() => number) | undefined;
}

type Rule = (value: never) => unknown;

const isName = (value: unknown) => typeof value == 'string' && /^[\w-]+$/.test(value);
const optional =
  (rule: Rule) =>
  (value: unknown): unknown =>
    value == null || rule(value as never);
// Marked pure, like every call below, so bundlers can drop the table when only `bcAuthFetch` is used.
const isFunction = /* @__PURE__ */ optional((value: unknown) => typeof value == 'function');

/**
 * Every option: its check and its default (applied first); a failed check, or a name not listed
 * here, throws a TypeError naming it. @internal
 */
export const OPTIONS: Record<string, [check: Rule, fallback?: unknown]> = {
  appClientId: [isName],
  allowedOrigins: [(value: unknown) => Array.isArray(value) && value.every(toOrigin)],
  storefrontUrl: [/* @__PURE__ */ optional(toOrigin)],
  getToken: [isFunction],
  maxTokenAgeMs: [(value: unknown) => typeof value == 'number' && value >= 0, 5000],
  customerId: [/* @__PURE__ */ optional((value: string) => /^\d*$/.test(value))],
  logoutPath: [(value: string) => value[0] == '/', '/login.php?action=logout'],
  authHeaderName: [isName, 'Authorization'],
  authScheme: [(value: string) => /^[\w-]*$/.test(value), 'Bearer'],
  tokenQueryParam: [isName, 'token'],
  fetch: [isFunction, (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)],
  WebSocket: [isFunction],
  EventSource: [isFunction],
  BroadcastChannel: [isFunction],
  // Read at each call, not captured here: fake timers installed later apply.
  now: [isFunction, () => Date.now()],
  monotonicNow: [isFunction, () => performance.now()],
};

type Defaulted =
  | 'maxTokenAgeMs'
  | 'logoutPath'
  | 'authHeaderName'
  | 'authScheme'
  | 'tokenQueryParam'
  | 'fetch'
  | 'now'
  | 'monotonicNow';

/**
 * Options after validation, with defaults applied and `allowedOrigins` normalised. `maxTokenAgeMs`
 * is not clamped yet (the token cache does it) and `customerId` is as given. @internal
 */
export type ResolvedOptions = Omit<CustomerAuthOptions, Defaulted> & {
  [K in Defaulted]-?: NonNullable<CustomerAuthOptions[K]>;
};

/** Validates options, naming the first bad one in a `TypeError`, and applies defaults. @internal */
export function resolveOptions(options: CustomerAuthOptions): ResolvedOptions {
  // No prototype: a polluted Object.prototype (`storefrontUrl`) must not supply an option.
  const resolved = ownMembers(options) as Record<string, unknown> & ResolvedOptions;
  // A misspelt option (`customerID`) would otherwise be dropped in silence, with its protection.
  for (const name in resolved) {
    if (!Object.hasOwn(OPTIONS, name)) {
      throw new TypeError('bc-customer-auth: invalid option ' + name);
    }
  }
  for (const [name, [valid, fallback]] of Object.entries(OPTIONS)) {
    // A `null` stays `null` where there is no default (a guest's customerId, no BroadcastChannel).
    if (fallback !== undefined) resolved[name] ??= fallback;
    if (!valid(resolved[name] as never)) {
      throw new TypeError('bc-customer-auth: invalid option ' + name);
    }
  }
  // Own elements only: a hole (`[a, , b]`) would otherwise be read through a polluted prototype.
  resolved.allowedOrigins = Object.values(resolved.allowedOrigins).map(toOrigin) as string[];
  return resolved;
}
