import { UnauthorizedError } from './errors.js';
import { allowUrl } from './origin-policy.js';
import type { ResolvedOptions } from './options.js';

/** Gets a token for one call; `force` asks for a fresh one. @internal */
export type TokenGetter = (
  signal: AbortSignal | null | undefined,
  force?: boolean,
) => Promise<string>;

/**
 * Creates `fetch` with the token: checks the exact origin first, then adds the header; never
 * follows a redirect with it; retries a 401 once with a fresh token when the body can be replayed.
 * The `fetch` option receives each attempt as one `Request`. @internal
 */
export function createAuthFetch(options: ResolvedOptions, getToken: TokenGetter): typeof fetch {
  return async (input, init) => {
    // Checked before `new Request`, which refuses URLs with credentials with a plain TypeError.
    allowUrl(options.allowedOrigins, (input as Partial<Request>).url ?? (input as string | URL));
    const request = new Request(input, init);
    const signal = init?.signal ?? (input as Partial<Request>).signal;
    // Browsers hide a redirect's target, so a redirect cannot be followed safely: hand it back as is.
    const redirect: RequestRedirect = request.redirect == 'error' ? 'error' : 'manual';
    // Strings, Blobs, buffers, URLSearchParams and FormData can be sent twice; a stream cannot.
    const replayable =
      typeof (init?.body as Partial<ReadableStream> | null)?.getReader != 'function';
    const send = async (retry?: boolean) => {
      const token = await getToken(signal, retry);
      // An attempt that may be retried sends a copy, keeping the body for the retry.
      const attempt = new Request(retry || !replayable ? request : request.clone(), { redirect });
      attempt.headers.set(
        options.authHeaderName,
        options.authScheme ? options.authScheme + ' ' + token : token,
      );
      return options.fetch(attempt);
    };
    let response = await send();
    if (response.status == 401 && replayable) response = await send(true);
    if (response.status == 401) throw new UnauthorizedError(response);
    return response;
  };
}
