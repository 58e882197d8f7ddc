import { InvalidRequestError } from './errors.js';
import { readOwn, readReal } from './own-properties.js';

/**
 * Headers as Node, Express and plain objects carry them, or a fetch `Headers` object.
 *
 * @example
 * ```ts
 * const headers: HeadersLike = { authorization: `Bearer ${token}` };
 * ```
 */
export type HeadersLike =
  | Readonly<Record<string, string | readonly string[] | null | undefined>>
  | { get(name: string): string | null | undefined };

/**
 * Whether `headers` are read through `get()` (fetch `Headers`, a `Map`), not as a record. A `get`
 * inherited from a polluted `Object.prototype` does not count: it would answer for a plain record.
 * @internal
 */
export function readsThroughGet(
  headers: HeadersLike,
): headers is Extract<HeadersLike, { get: unknown }> {
  return typeof readReal(headers as { get?: unknown }, 'get') === 'function';
}

/**
 * The parts of a request {@link extractToken} reads: a Node `IncomingMessage` (including a
 * WebSocket upgrade request), an Express `req`, a fetch `Request` (Workers, `Deno.serve`,
 * `Bun.serve`), or a plain `{ headers, url }` object.
 *
 * @example
 * ```ts
 * const request: TokenRequestLike = { headers: {}, url: `/live?token=${token}` };
 * ```
 */
export interface TokenRequestLike {
  /** Request headers; names are matched case-insensitively. */
  readonly headers: HeadersLike;
  /** Path and query, as in `req.url`. */
  readonly url?: string | undefined;
  /** Express keeps the unrewritten URL here; preferred over `url` when present. */
  readonly originalUrl?: string | undefined;
  /**
   * Node's raw header list, which still shows duplicated `Authorization` headers. Without an
   * `Authorization` entry here (adapters such as serverless-http leave it empty), `headers` is read.
   */
  readonly rawHeaders?: readonly string[] | undefined;
}

/**
 * Options of {@link extractToken}.
 *
 * @example
 * ```ts
 * extractToken(req, { allowQueryToken: true });
 * ```
 */
export interface ExtractTokenOptions {
  /**
   * Also accept the token from the `token` query parameter, for clients that cannot set headers
   * (browser `WebSocket`, `EventSource`). URLs end up in logs, so enable it only where needed.
   *
   * @default false
   * @example true // a WebSocket upgrade request
   */
  allowQueryToken?: boolean | undefined;
}

const WHITESPACE_OR_COMMA = /[\s,]/;
// Proxies, HTTP API events and fetch `Headers` join a repeated header with ", ". A value with a
// Bearer part before or after such a comma is a repeat, whatever the request's shape. (Commas
// inside another scheme's value, as in Digest's, are not.)
const JOINED_BEARER = /,\s*bearer(?:[\s,]|$)|^\s*bearer\s*,/i;

/**
 * A value's string form; `''` (no scheme) for one that has none (an object without a prototype,
 * a `toString` that throws or is not a function).
 */
function text(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}

/**
 * A header's or parameter's values: a string, or an array for a repeated one. A value of another
 * type, which no HTTP request carries, is read as its string form: another scheme, never a crash.
 * @internal
 */
export const texts = (value: unknown): string[] =>
  (Array.isArray(value) ? (value as unknown[]) : [value]).map(text);

/**
 * The values of a header record's `Authorization` entries, the name matched case-insensitively;
 * an entry set to `null` or `undefined` is absent.
 * @internal
 */
export function recordAuthorizationValues(headers: object): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || value == null) continue;
    values.push(...texts(value));
  }
  return values;
}

function authorizationValues(request: TokenRequestLike, headers: HeadersLike): string[] {
  // Node sets it as an own property, Bun as a getter on IncomingMessage's prototype; never a
  // polluted Object.prototype's (a fetch Request has none). The same rule as `url`'s below.
  const rawHeaders = readReal(request, 'rawHeaders');
  const values: string[] = [];
  if (Array.isArray(rawHeaders)) {
    const raw = rawHeaders as readonly unknown[];
    for (let index = 0; index + 1 < raw.length; index += 2) {
      const name = raw[index];
      if (typeof name === 'string' && name.toLowerCase() === 'authorization') {
        values.push(text(raw[index + 1]));
      }
    }
    // Adapters (serverless-http) and header-rewriting middleware leave rawHeaders empty or stale.
    if (values.length > 0) return values;
  }
  if (readsThroughGet(headers)) {
    const value: unknown = headers.get('authorization');
    // `== null`: a Map or another Headers look-alike answers undefined for a missing header.
    return value == null ? values : texts(value);
  }
  return recordAuthorizationValues(headers);
}

function queryTokenValues(request: TokenRequestLike): string[] {
  // Own `originalUrl` only (Express sets it so). A fetch Request's `url` is a getter on its
  // prototype, so `url` is read as is, but never as a polluted Object.prototype's.
  const found: unknown = readOwn(request, 'originalUrl') ?? readReal(request, 'url');
  const url = typeof found === 'string' ? found : '';
  // The query ends at the fragment, and a "?" inside the fragment starts none.
  const [target = ''] = url.split('#', 1);
  const start = target.indexOf('?');
  if (start === -1) return [];
  return new URLSearchParams(target.slice(start + 1)).getAll('token');
}

/** Reads the Bearer credentials of one `Authorization` value; `undefined` for another scheme. */
export function parseBearer(value: string): string | undefined {
  const trimmed = value.trim();
  const match = /^(\S+)(?:[ \t]+([^]*))?$/.exec(trimmed);
  if (match?.[1]?.toLowerCase() !== 'bearer') return undefined;
  const credentials = match[2] ?? '';
  if (credentials === '') throw new InvalidRequestError('Bearer credentials are empty');
  if (WHITESPACE_OR_COMMA.test(credentials)) {
    throw new InvalidRequestError('Authorization header holds more than one credential');
  }
  return credentials;
}

/**
 * Picks the one token from the `Authorization` values and `token` query values of a request.
 *
 * @param queryValues - `undefined` when the query string may not carry the token.
 * @throws InvalidRequestError on duplicates, emptiness or a token sent both ways.
 */
export function selectToken(
  headerValues: readonly string[],
  queryValues: readonly string[] | undefined,
): string | undefined {
  const [value] = headerValues;
  if (headerValues.length > 1 || JOINED_BEARER.test(value ?? '')) {
    throw new InvalidRequestError('Authorization header is repeated');
  }
  const fromHeader = value === undefined ? undefined : parseBearer(value);
  if (queryValues === undefined || queryValues.length === 0) return fromHeader;
  if (queryValues.length > 1) throw new InvalidRequestError('"token" query parameter is repeated');
  if (fromHeader !== undefined) {
    throw new InvalidRequestError('token is sent in both the Authorization header and the query');
  }
  if (queryValues[0] === '') throw new InvalidRequestError('"token" query parameter is empty');
  return queryValues[0];
}

/**
 * Extracts the bearer token of a request (RFC 6750): `Authorization: Bearer <token>` (scheme
 * case-insensitive) or, when allowed, the `token` query parameter.
 *
 * @returns the token, or `undefined` when the request carries none (no header, or another scheme).
 * @throws InvalidRequestError (`INVALID_REQUEST`, answered with 400) when the request is ambiguous
 * or malformed: repeated headers or parameters, a token in both places, empty credentials.
 * @example
 * ```ts
 * const token = extractToken(req, { allowQueryToken: true }); // WebSocket upgrade request
 * ```
 */
export function extractToken(
  request: TokenRequestLike,
  options: ExtractTokenOptions = {},
): string | undefined {
  // Own or the request class's (Node's is a getter), never a polluted Object.prototype's.
  const headers: unknown =
    typeof request === 'object' && (request as unknown) !== null
      ? readReal(request, 'headers')
      : undefined;
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError('bc-customer-auth: extractToken needs a request with headers');
  }
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError('bc-customer-auth: extractToken options must be an object');
  }
  // Own property only: a polluted Object.prototype must not turn the query parameter on.
  const query =
    readOwn(options, 'allowQueryToken') === true ? queryTokenValues(request) : undefined;
  return selectToken(authorizationValues(request, headers as HeadersLike), query);
}
