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
 * @internal
 */
export function createAuthFetch(o: ResolvedOptions, getToken: TokenGetter): typeof fetch {
  return async (input, init) => {
    const request = (input as Partial<Request>).clone ? (input as Request) : undefined;
    const url = allowUrl(o.allowedOrigins, request ? request.url : (input as string | URL));
    const signal = init?.signal ?? request?.signal;
    const headers = new Headers(init?.headers ?? request?.headers);
    // Browsers hide a redirect's target, so a redirect cannot be followed safely: hand it back as is.
    const redirect: RequestRedirect =
      (init?.redirect ?? request?.redirect) == 'error' ? 'error' : 'manual';
    // Strings, Blobs, buffers, URLSearchParams and FormData can be sent twice; a stream cannot.
    const replayable =
      typeof (init?.body as Partial<ReadableStream> | null)?.getReader != 'function';
    const send = async (retry?: boolean) => {
      const token = await getToken(signal, retry);
      headers.set(o.authHeaderName, o.authScheme ? o.authScheme + ' ' + token : token);
      const options = { ...init, headers, redirect };
      // The first attempt sends a clone, keeping the caller's Request body for the retry.
      return request
        ? o.fetch(new Request(retry ? request : request.clone(), options))
        : o.fetch(url.href, options);
    };
    let response = await send();
    if (response.status == 401 && replayable) response = await send(true);
    if (response.status == 401) throw new UnauthorizedError(response);
    return response;
  };
}
