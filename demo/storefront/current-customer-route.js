// GET /customer/current.jwt?app_client_id=… — the storefront's Current Customer endpoint.
import { send, sendJson, sendMethodNotAllowed } from '../lib/http.js';
import { signCurrentCustomerJwt } from './current-customer-jwt.js';

/** Every answer is per-shopper and must never be reused from an HTTP cache. */
const NO_STORE = { 'Cache-Control': 'no-store', Vary: 'Accept, Cookie' };

/**
 * Whether the `Accept` header asks for JSON (`application/json` or `application/*+json`, q > 0).
 *
 * @param {string | undefined} accept
 */
export function acceptsJson(accept) {
  return (accept ?? '').split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const isJson = type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    return isJson && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {400 | 404} status
 * @param {string} detail
 */
function sendErrors(res, status, detail) {
  const title = status === 404 ? 'Not Found' : 'Bad Request';
  sendJson(res, status, { errors: [{ status, title, detail }] }, NO_STORE);
}

/**
 * Answers the Current Customer endpoint: 400 for a missing or unknown `app_client_id` (neither the
 * storefront's app nor one of its `otherApps`), 404 with an `errors` body for guests, else a fresh
 * token signed for the app asked for — `{"token": …}` when JSON is asked for, the raw JWT with a
 * trailing newline otherwise.
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URLSearchParams} query
 * @param {import('./storefront-context.js').StorefrontContext} context
 */
export function answerCurrentCustomer(req, res, query, context) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendMethodNotAllowed(res, ['GET'], NO_STORE);
  }
  const clientId = query.get('app_client_id');
  if (clientId === null || clientId === '') {
    return sendErrors(res, 400, 'The app_client_id query parameter is required.');
  }
  const app = [context, ...context.otherApps].find((known) => known.clientId === clientId);
  if (app === undefined) {
    return sendErrors(res, 400, 'The app_client_id does not belong to a registered app.');
  }
  const shopper = context.currentShopper(req);
  if (shopper === undefined) return sendErrors(res, 404, 'No customer is signed in.');
  const token = signCurrentCustomerJwt({
    customer: shopper,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    storeHash: context.storeHash,
    nowMs: context.now(),
  });
  if (acceptsJson(req.headers.accept)) return sendJson(res, 200, { token }, NO_STORE);
  send(res, 200, 'text/plain; charset=utf-8', `${token}\n`, NO_STORE);
}
