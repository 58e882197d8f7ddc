import { OriginNotAllowedError } from './errors.js';

/**
 * The normalised origin `value` names, or `undefined` unless it is exactly an origin (no path,
 * query, fragment or credentials) over `https:`, or `http:` on a loopback host. @internal
 */
export function toOrigin(value: unknown): string | undefined {
  try {
    const url = new URL(value as string);
    const secure =
      url.protocol == 'https:' ||
      (url.protocol == 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
    // `*` is a valid host character, but no request ever goes to it: refuse it as a mistaken wildcard.
    if (secure && url.href == url.origin + '/' && !url.host.includes('*')) return url.origin;
  } catch {
    // Not a URL at all: not an origin either.
  }
  return undefined;
}

/**
 * Resolves `input` against the page like `fetch` does and returns it when its exact origin is
 * allowed; `ws:`/`wss:` count as `http:`/`https:` when `socket` is set. Throws
 * {@link OriginNotAllowedError} otherwise. @internal
 */
export function allowUrl(
  allowedOrigins: readonly string[],
  input: string | URL,
  socket?: boolean,
): URL {
  // The page's base URL, as `fetch` takes it, read through Document's own getter: page markup
  // such as `<img name="baseURI">` shadows `document.baseURI` (DOM clobbering).
  const url = new URL(
    input,
    Reflect.get<Document, 'baseURI'>(Document.prototype, 'baseURI', document),
  );
  // Built from scheme and host (not url.origin), so blob:, data: and the like never match.
  const origin = (socket ? url.protocol.replace(/^ws/, 'http') : url.protocol) + '//' + url.host;
  if (!allowedOrigins.includes(origin)) throw new OriginNotAllowedError(origin);
  return url;
}
