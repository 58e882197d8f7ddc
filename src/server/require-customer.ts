import type { VerifiedCustomer } from './claims.js';
import { extractToken, readsThroughGet, type TokenRequestLike } from './extract-token.js';
import { describeChallenge, validateRealm } from './http-challenge.js';
import type { Verifier } from './verifier.js';
import { knownOptions, readFlag } from './option-checks.js';
import { readReal } from './own-properties.js';

/**
 * A request {@link requireCustomer} can authenticate; it sets `customer` on success.
 *
 * @example
 * ```ts
 * const customer = await authenticate(req, res); // also in (req as CustomerRequest).customer
 * ```
 */
export interface CustomerRequest extends TokenRequestLike {
  /** The HTTP method; an `OPTIONS` CORS preflight passes through unauthenticated. */
  readonly method?: string | undefined;
  /** The verified shopper, set once the token checks out; `undefined` on a CORS preflight. */
  customer?: VerifiedCustomer | undefined;
}

/**
 * The parts of a Node `ServerResponse` (or Express `res`) the middleware writes an error answer
 * with.
 *
 * @example
 * ```ts
 * const res: ResponseLike = serverResponse; // a node:http ServerResponse fits
 * ```
 */
export interface ResponseLike {
  /** Set to 400, 401 or 500 for a refusal. */
  statusCode: number;
  /** When `true`, the status and headers are left alone and only the body is written. */
  readonly headersSent?: boolean;
  /** When `true` (the response has ended already), nothing is written. */
  readonly writableEnded?: boolean;
  /** Sets `WWW-Authenticate`, `Cache-Control` and `Content-Type` on a refusal. */
  setHeader(name: string, value: string): unknown;
  /** Ends the response with the refusal's JSON body. */
  end(body: string): unknown;
}

/**
 * Options of {@link requireCustomer} and `requireCustomerUpgrade()`.
 *
 * @example
 * ```ts
 * const options: RequireCustomerOptions = { allowQueryToken: true, realm: 'loyalty' };
 * ```
 */
export interface RequireCustomerOptions {
  /**
   * Accept the token from the `token` query parameter too (for `EventSource`). Answer such
   * requests with `Cache-Control: private` or `no-store`, since the URL holds the token.
   *
   * @default false (true for `requireCustomerUpgrade()`, since browsers cannot set headers on a WebSocket)
   * @example true // an EventSource route
   */
  allowQueryToken?: boolean | undefined;
  /**
   * The `realm` of the `WWW-Authenticate` challenge.
   *
   * @default 'api'
   * @example 'loyalty'
   */
  realm?: string | undefined;
}

/**
 * Middleware from {@link requireCustomer}. With `next` (Express, Connect) it calls `next()` once
 * `req.customer` is set, or `next(error)` for a failure that is not the caller's. Without `next`
 * (plain `node:http`) await it: it resolves to the customer, or to `undefined` once it has
 * answered the request itself. It never rejects, unless `next` throws: then with that error.
 *
 * @example
 * ```ts
 * const authenticate: CustomerMiddleware = requireCustomer(verifier);
 * ```
 */
export type CustomerMiddleware = (
  req: CustomerRequest,
  res: ResponseLike,
  next?: (error?: unknown) => void,
) => Promise<VerifiedCustomer | undefined>;

function isPreflight(req: CustomerRequest): boolean {
  // Own or the request class's, never a polluted Object.prototype's: that would make any request
  // with an Access-Control-Request-Method header a preflight, passed on unauthenticated.
  if (readReal(req, 'method') !== 'OPTIONS') return false;
  const headers = readReal(req, 'headers');
  if (typeof headers !== 'object' || (headers as unknown) === null) return false;
  if (readsThroughGet(headers)) {
    // `!= null`: a Map or another Headers look-alike answers undefined for a missing header.
    return headers.get('access-control-request-method') != null;
  }
  return Object.keys(headers).some(
    (name) => name.toLowerCase() === 'access-control-request-method',
  );
}

/**
 * Verifies one request: `customer` on success, else `error` (`undefined`: no token). Both are own
 * properties, so a polluted `Object.prototype.customer` never reads as a customer.
 */
export async function authenticateRequest(
  verifier: Verifier,
  req: CustomerRequest,
  allowQueryToken: boolean,
): Promise<{ customer: VerifiedCustomer | undefined; error: unknown }> {
  let customer: VerifiedCustomer | undefined;
  let error: unknown;
  try {
    const token = extractToken(req, { allowQueryToken });
    if (token !== undefined) {
      // A verifier of the app's own that resolves to nothing (`return null` for a store it does
      // not serve) is a server fault, never a pass.
      const verified = (await verifier.verify(token)) as VerifiedCustomer | null | undefined;
      if (verified == null) throw new TypeError('bc-customer-auth: verify() resolved to nothing');
      customer = verified;
    }
  } catch (caught) {
    // `undefined` means "no token": a verifier rejecting without a reason is a server fault.
    error = caught ?? Error();
  }
  return { customer, error };
}

/** Throws when `verifier` is not a verifier; shared by the factories that take one. */
export function assertVerifier(verifier: unknown, owner: string): asserts verifier is Verifier {
  if (typeof (verifier as Partial<Verifier> | null)?.verify !== 'function') {
    throw new TypeError(`bc-customer-auth: ${owner} needs a verifier from createVerifier()`);
  }
}

/**
 * Checks the arguments of {@link requireCustomer} or `requireCustomerUpgrade` at creation; returns
 * the realm and whether the `token` query parameter is accepted (`allowQueryTokenByDefault` unless
 * set). @internal
 */
export function resolveCustomerOptions(
  verifier: unknown,
  options: RequireCustomerOptions,
  owner: string,
  allowQueryTokenByDefault: boolean,
): { realm: string; allowQueryToken: boolean } {
  assertVerifier(verifier, owner);
  const own = knownOptions(options, ['allowQueryToken', 'realm'], owner);
  const { realm = 'api' } = own; // undefined only: `realm: null` is refused
  return {
    realm: validateRealm(realm, owner),
    allowQueryToken: readFlag(
      own.allowQueryToken,
      'allowQueryToken',
      owner,
      allowQueryTokenByDefault,
    ),
  };
}

/**
 * Creates middleware for Node `http`, Express and Connect that admits only requests with a valid
 * token, setting `req.customer`. Refusals: 401 with `WWW-Authenticate: Bearer realm="api"` when no
 * token was sent, 401 `error="invalid_token"` for a bad token, 400 `error="invalid_request"` for an
 * ambiguous request; all with `Cache-Control: no-store`. CORS preflights (`OPTIONS` with
 * `Access-Control-Request-Method`) pass through unauthenticated: `next()` is called, or without
 * `next` they are answered `204` with the headers already set on `res`.
 *
 * @example
 * ```js
 * app.get('/points', requireCustomer(verifier), (req, res) => res.json(req.customer)); // Express
 *
 * const auth = requireCustomer(verifier); // node:http: set CORS headers first, then
 * const customer = await auth(req, res);
 * if (!customer) return; // already answered (a preflight: 204)
 * ```
 * @throws TypeError at creation when `verifier` is not a verifier, an option name is unknown,
 * `allowQueryToken` is not a boolean, or `realm` is not printable ASCII without quotes.
 */
export function requireCustomer(
  verifier: Verifier,
  options: RequireCustomerOptions = {},
): CustomerMiddleware {
  const { realm, allowQueryToken } = resolveCustomerOptions(
    verifier,
    options,
    'requireCustomer',
    false,
  );

  return async (req, res, next) => {
    if (isPreflight(req)) {
      // Own and undefined: a polluted Object.prototype.customer does not answer a handler's check.
      req.customer = undefined;
      if (next !== undefined) next();
      // Without next, undefined means "answered": a 204 with the CORS headers the app set.
      else if (readReal(res, 'headersSent') !== true) {
        res.statusCode = 204;
        res.end('');
      }
      return undefined;
    }
    const result = await authenticateRequest(verifier, req, allowQueryToken);
    if (result.customer !== undefined) {
      req.customer = result.customer;
      next?.();
      return result.customer;
    }
    const answer = describeChallenge(result.error, realm);
    if (answer.status === 500 && next !== undefined) {
      next(result.error);
      return undefined;
    }
    if (readReal(res, 'headersSent') !== true) {
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    }
    // Writing to an ended response emits ERR_STREAM_WRITE_AFTER_END on it: an uncaught exception.
    if (!readReal(res, 'writableEnded')) res.end(answer.body);
    return undefined;
  };
}
