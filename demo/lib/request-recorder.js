// Keeps what a demo server received, so tests can assert on the wire rather than on logs.
import { URLSearchParams } from 'node:url';

// The log keeps the latest requests only: a demo left running must not grow without bound.
export const MAX_RECORDED_REQUESTS = 10_000;

/**
 * One request as the server received it.
 *
 * @typedef {object} RecordedRequest
 * @property {number} seq Position in arrival order, from 1 (kept across `requests.length = 0`).
 * @property {number} time Arrival time, in milliseconds since the Unix epoch.
 * @property {string} method HTTP method, e.g. `GET` (`GET` for WebSocket handshakes).
 * @property {string} url Path and query exactly as received, e.g. `/points?customerId=2`.
 * @property {string} path The path alone, e.g. `/points`; `''` when the target is not a URL.
 * @property {URLSearchParams} query The parsed query string.
 * @property {import('node:http').IncomingHttpHeaders} headers Every header, names lowercased.
 * @property {string | undefined} authorization The `Authorization` header, if any.
 * @property {string | undefined} cookie The `Cookie` header, if any.
 * @property {string | undefined} origin The `Origin` header, if any.
 * @property {boolean} upgrade Whether this was a WebSocket handshake (`Upgrade: websocket`).
 * @property {number | undefined} status The status answered, once known (101 for an accepted
 *   WebSocket handshake; refused handshakes keep `undefined`).
 */

/**
 * Parses a request-target; `undefined` when it is not a URL. An origin-form target is always a
 * path, even one starting with `//`, which `new URL(target, base)` would read as a host.
 *
 * @param {string} target
 */
function parseTarget(target) {
  try {
    return new URL(target.startsWith('/') ? `http://recorder.invalid${target}` : target);
  } catch {
    return undefined;
  }
}

/**
 * Creates an in-memory request log of the latest MAX_RECORDED_REQUESTS requests, oldest first.
 *
 * @returns {{ requests: RecordedRequest[], record(req: import('node:http').IncomingMessage): RecordedRequest }}
 */
export function createRequestRecorder() {
  /** @type {RecordedRequest[]} */
  const requests = [];
  let seq = 0;

  /** @param {import('node:http').IncomingMessage} req */
  function record(req) {
    const url = req.url ?? '/';
    const parsed = parseTarget(url);
    /** @type {RecordedRequest} */
    const entry = {
      seq: (seq += 1),
      time: Date.now(),
      method: req.method ?? 'GET',
      url,
      path: parsed?.pathname ?? '',
      query: parsed?.searchParams ?? new URLSearchParams(),
      headers: { ...req.headers },
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      origin: req.headers.origin,
      upgrade: (req.headers.upgrade ?? '').toLowerCase() === 'websocket',
      status: undefined,
    };
    if (requests.push(entry) > MAX_RECORDED_REQUESTS) requests.shift();
    return entry;
  }

  return { requests, record };
}
