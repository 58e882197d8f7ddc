// CORS for exactly one origin: the storefront's.

const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'Authorization, Content-Type';

/**
 * Adds the CORS response headers when the request comes from `allowedOrigin`. `Vary: Origin` is
 * always set, since the answer depends on it.
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} allowedOrigin
 * @returns {boolean} whether the origin is allowed.
 */
export function applyCors(req, res, allowedOrigin) {
  res.setHeader('Vary', 'Origin');
  if (req.headers.origin !== allowedOrigin) return false;
  res.setHeader('Access-Control-Allow-Origin', allowedOrigin);
  res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
  return true;
}

/**
 * Whether the request is a CORS preflight.
 *
 * @param {import('node:http').IncomingMessage} req
 */
export function isPreflight(req) {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * Answers a preflight: 204 with the allowed methods and headers for the allowed origin, 403
 * without any CORS header otherwise (so the browser blocks the actual request).
 *
 * @param {import('node:http').ServerResponse} res
 * @param {boolean} originAllowed
 */
export function answerPreflight(res, originAllowed) {
  res.statusCode = originAllowed ? 204 : 403;
  if (originAllowed) {
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.end();
}
