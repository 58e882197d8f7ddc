import { jwtDecode } from 'jwt-decode';
import { raceAbort } from './abort.js';
import { ownMembers } from './own-members.js';
import { listen } from './listen.js';
import {
  InvalidTokenError,
  isCustomerAuthError,
  NotSignedInError,
  TokenRequestError,
} from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * The shopper a token names, decoded but **not verified** (only your server can verify it).
 * For display only; never use it for authorization.
 *
 * @example
 * ```ts
 * { id: 42, email: 'shopper1@example.com', groupId: '0', storeHash: 'abc123' }
 * ```
 */
export interface CustomerSummary {
  /** `customer.id`: the store-scoped customer ID. */
  readonly id: number;
  /** `customer.email`. */
  readonly email: string;
  /** `customer.group_id`, a decimal string; `"0"` when the shopper is in no group. */
  readonly groupId: string;
  /** `store_hash`. */
  readonly storeHash: string;
}

/** Whether `other` is the same shopper: IDs are store-scoped. @internal */
export const isSameShopper = (customer: CustomerSummary, other?: CustomerSummary | null) =>
  customer.id === other?.id && customer.storeHash === other.storeHash;

/** A token as it arrived, with what the SDK read from it; `lifetimeMs` is `NaN` without `exp`/`iat`. @internal */
export type ReceivedToken = readonly [jwt: string, customer: CustomerSummary, lifetimeMs: number];

interface CurrentCustomerClaims {
  aud?: unknown;
  application_id?: unknown;
  operation?: unknown;
  customer?: { id?: unknown; email: string; group_id: string };
  store_hash: string;
  // `-` reads a missing or odd value as NaN, which no freshness check passes.
  iat: number;
  exp: number;
}

// A longer token is refused, as the server half refuses it: decoding megabytes would hold the page
// for seconds.
const MAX_TOKEN_CHARS = 4096;
// A token request that has not answered by then fails with TOKEN_REQUEST_FAILED, status 0.
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

/** Reads a token response: plain text or JSON `{ token }`, whitespace trimmed. @internal */
export function parseToken(body: unknown, appClientId: string): ReceivedToken {
  let jwt = body;
  try {
    const json = JSON.parse(body as string) as { token?: unknown } | null;
    // Own properties only: a polluted Object.prototype must not supply the token.
    jwt = ownMembers(json).token ?? json;
  } catch {
    // Plain text.
  }
  // Three base64url segments.
  if (typeof jwt != 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test((jwt = jwt.trim()))) {
    throw new InvalidTokenError('not a JWT');
  }
  if ((jwt as string).length > MAX_TOKEN_CHARS) throw new InvalidTokenError('too long');
  let claims: CurrentCustomerClaims;
  try {
    // `header` said outright: jwt-decode would read a polluted Object.prototype's otherwise. Own
    // claims only, for the same reason: a token lacking one never gets the prototype's.
    claims = ownMembers(
      jwtDecode<CurrentCustomerClaims | null>(jwt as string, { header: false }),
    ) as CurrentCustomerClaims;
  } catch (error) {
    throw new InvalidTokenError('not a JWT', error);
  }
  const customer = ownMembers(claims.customer) as NonNullable<CurrentCustomerClaims['customer']>;
  if (claims.aud !== appClientId || claims.application_id !== appClientId) {
    throw new InvalidTokenError('aud');
  }
  if (claims.operation !== 'current_customer') throw new InvalidTokenError('operation');
  if (typeof customer.id != 'number') throw new InvalidTokenError('customer');
  return [
    jwt as string,
    {
      id: customer.id,
      email: customer.email,
      groupId: customer.group_id,
      storeHash: claims.store_hash,
    },
    (claims.exp - claims.iat) * 1000,
  ];
}

/**
 * Returns a function that obtains one token: from `getToken` when configured, else
 * `GET /customer/current.jwt` with the shopper's cookies. Each request is aborted when `signal`
 * aborts (the client is destroyed) or after TOKEN_REQUEST_TIMEOUT_MS. @internal
 */
export function createTokenSource(
  options: ResolvedOptions,
  signal: AbortSignal,
): () => Promise<ReceivedToken> {
  const request = async (attempt: AbortSignal): Promise<unknown> => {
    if (options.getToken) return options.getToken(attempt);
    // A new URL each time: a service worker's runtime cache, which keys Cache Storage by URL and
    // ignores `no-store`, then never answers with a token fetched for an earlier shopper.
    const url = new URL(
      '/customer/current.jwt?app_client_id=' + options.appClientId + '&_=' + String(Math.random()),
      options.storefrontUrl ?? location.href,
    );
    // No prototype: `fetch` reads every RequestInit member through it (a polluted `method`, `mode`).
    const response = await options.fetch(url, {
      __proto__: null,
      credentials: options.storefrontUrl ? 'include' : 'same-origin',
      cache: 'no-store',
      redirect: 'manual',
      headers: { Accept: 'application/json' },
      signal: attempt,
    } as RequestInit);
    // A redirect (opaque in `manual` mode, or followed by a custom fetch) is never a token, nor a
    // sign-out: a followed one that ends in 404 fails like any other.
    if (!response.redirected) {
      if (response.ok) return response.text();
      if (response.status == 404) return null;
    }
    throw new TokenRequestError(response.status);
  };
  return () => {
    signal.throwIfAborted();
    const controller = new AbortController();
    const attempt = controller.signal;
    const stopFollowing = listen(signal, 'abort', undefined, () => {
      controller.abort(signal.reason);
    });
    // A hung connection must not hold every caller for good.
    const timer = setTimeout(() => {
      controller.abort(new TokenRequestError(0, new Error('timed out')));
    }, TOKEN_REQUEST_TIMEOUT_MS);
    // Raced, so a getToken that ignores its signal cannot hold callers either.
    return raceAbort(request(attempt), attempt)
      .finally(() => {
        clearTimeout(timer);
        stopFollowing();
      })
      .then(
        (body) => {
          if (body === null) throw new NotSignedInError();
          return parseToken(body, options.appClientId);
        },
        (error: unknown) => {
          throw attempt.aborted
            ? attempt.reason
            : isCustomerAuthError(error)
              ? error
              : new TokenRequestError(0, error);
        },
      );
  };
}
