// GET /points and POST /points/redeem, for the verified caller only.
import { BodyReadError, readBody, sendJson } from '../lib/http.js';

const NO_STORE = { 'Cache-Control': 'no-store' };
const SHAPE = 'expected {"points": <a positive whole number>}';

/**
 * @typedef {import('bc-customer-auth/server').VerifiedCustomer} VerifiedCustomer
 * @typedef {ReturnType<typeof import('./points-ledger.js').createPointsLedger>} PointsLedger
 */

/**
 * @param {VerifiedCustomer} customer
 * @param {number} points
 */
function balanceOf(customer, points) {
  return {
    storeHash: customer.storeHash,
    customerId: customer.customerId,
    email: customer.email,
    points,
  };
}

/**
 * Validates a redeem body; identity fields in it (a `customerId`, say) are ignored.
 *
 * @param {string} text
 * @returns {{ points: number } | { message: string }}
 */
export function parseRedeemBody(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: `request body is not valid JSON: ${SHAPE}` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { message: `request body must be a JSON object: ${SHAPE}` };
  }
  if (!('points' in body)) return { message: `"points" is missing: ${SHAPE}` };
  const { points } = body;
  if (typeof points !== 'number') {
    return {
      message: `"points" must be a number, not ${points === null ? 'null' : typeof points}: ${SHAPE}`,
    };
  }
  if (!Number.isSafeInteger(points) || points <= 0) {
    return { message: `"points" must be a positive whole number: ${SHAPE}` };
  }
  return { points };
}

/**
 * `GET /points` → `{ storeHash, customerId, email, points }` of the caller.
 *
 * @param {import('node:http').ServerResponse} res
 * @param {VerifiedCustomer} customer
 * @param {PointsLedger} ledger
 */
export function answerPoints(res, customer, ledger) {
  const points = ledger.getPoints(customer.storeHash, customer.customerId);
  sendJson(res, 200, balanceOf(customer, points), NO_STORE);
}

/**
 * `POST /points/redeem` with `{ "points": n }`: 200 with the new balance and `redeemed`; 400 for
 * a bad body, 413 for a body over 1 KiB, 415 for a non-JSON content type, 409 when the balance
 * does not cover it (nothing is spent).
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {VerifiedCustomer} customer
 * @param {PointsLedger} ledger
 */
export async function answerRedeem(req, res, customer, ledger) {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    const message = 'Content-Type must be application/json';
    return sendJson(res, 415, { error: 'unsupported_media_type', message }, NO_STORE);
  }
  let text;
  try {
    text = await readBody(req, 1024);
  } catch (error) {
    const status = error instanceof BodyReadError ? error.status : 400;
    const code = status === 413 ? 'body_too_large' : 'invalid_body';
    const message = error instanceof Error ? error.message : 'request body could not be read';
    return sendJson(res, status, { error: code, message }, NO_STORE);
  }
  const parsed = parseRedeemBody(text);
  if ('message' in parsed) {
    return sendJson(res, 400, { error: 'invalid_body', message: parsed.message }, NO_STORE);
  }
  const result = ledger.redeem(customer.storeHash, customer.customerId, parsed.points);
  if (!result.ok) {
    const message = `cannot redeem ${parsed.points} points: the balance is ${result.points}`;
    return sendJson(
      res,
      409,
      { error: 'insufficient_points', message, points: result.points },
      NO_STORE,
    );
  }
  sendJson(res, 200, { ...balanceOf(customer, result.points), redeemed: parsed.points }, NO_STORE);
}
