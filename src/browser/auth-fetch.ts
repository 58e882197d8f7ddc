import { UnauthorizedError } from './errors.js';
import { allowUrl } from './origin-policy.js';
import type { ResolvedOptions } from './options.js';
import { isSameShopper, type CustomerSummary, type ReceivedToken } from './token-source.js';

/**
 * Gets a token for one call and hands it to `use` in the same turn, while it is known to be
 * current; `force` asks for a fresh one. @internal
 */
export type TokenUser = <T>(
  signal: AbortSignal | null | undefined,
  force: boolean | undefined,
  use: (token: ReceivedToken) => T,
) => Promise<T>;

/**
 * Creates `fetch` with the token: checks the exact origin first, then adds the header; never
 * follows a redirect with it; retries a 401 once with a fresh token when the body can be replayed
 * and the shopper is still the same. The `fetch` option receives each attempt as one `Request`,
 * with an init that repeats some of its fields.
 * @internal
 */
export function createAuthFetch(options: ResolvedOptions, useToken: TokenUser): typeof fetch {
  return async (input, init) => {
    // Checked before `new Request`, which refuses URLs with credentials with a plain TypeError…
    // Not a string's `.url`: that would be a polluted Object.prototype's.
    allowUrl(
      options.allowedOrigins,
      typeof input == 'string'
        ? input
        : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a Request has `.url`
          ((input as Partial<Request> | null)?.url ?? String(input)),
    );
    const request = new Request(input, init);
    // …and after: what is sent is the Request's own URL, whatever `.url` the input claimed.
    allowUrl(options.allowedOrigins, request.url);
    // Browsers hide a redirect's target, so a redirect cannot be followed safely: hand it back as is.
    const redirect: RequestRedirect = request.redirect == 'error' ? 'error' : 'manual';
    // Strings, Blobs, buffers, URLSearchParams and FormData can be sent twice; a stream cannot, and
    // a Request's own body is always one.
    const body = (init?.body ?? (input as Partial<Request> | null)?.body) as
      Partial<ReadableStream> | null | undefined;
    const replayable = typeof body?.getReader != 'function';
    let shopper: CustomerSummary | undefined;
    const send = (retry?: boolean) =>
      // The Request's own signal follows the caller's, as `fetch` would (`signal: null` included).
      useToken(request.signal, retry, ([token, customer]) => {
        // A request meant for one shopper is never replayed as another.
        if (retry && !isSameShopper(customer, shopper)) return;
        shopper = customer;
        // An attempt that may be retried sends a copy, keeping the body for the retry. A non-empty
        // init resets the referrer and its policy (Fetch standard): the caller's are carried over.
        // Firefox drops `keepalive` from a Request built from a Request, and honours it only when
        // `fetch` itself is told: the init goes to `fetch` too.
        // No prototype: `Request` and `fetch` read every RequestInit member through it, and a
        // polluted Object.prototype (`method`, `body`, `headers`) would rewrite the request.
        const init = {
          __proto__: null,
          redirect,
          referrer: request.referrer,
          referrerPolicy: request.referrerPolicy,
          keepalive: request.keepalive,
        } as RequestInit;
        const attempt = new Request(retry || !replayable ? request : request.clone(), init);
        attempt.headers.set(
          options.authHeaderName,
          options.authScheme ? options.authScheme + ' ' + token : token,
        );
        return options.fetch(attempt, init);
      });
    let response = (await send()) as Response;
    if (response.status == 401 && replayable) {
      const first = response;
      // The first 401's body (and connection) is released unread once the retry answers, or fails.
      // A body that failed already (a connection reset) refuses: nothing left to release.
      const release = () => void first.body?.cancel().catch(() => undefined);
      const retried = await send(true).catch((error: unknown) => {
        release();
        throw error;
      });
      if (retried) {
        release();
        response = retried;
      }
    }
    if (response.status == 401) throw new UnauthorizedError(response);
    return response;
  };
}
