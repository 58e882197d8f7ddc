// /login.php: the Stencil login form, its check_login post, and logout.
import { URLSearchParams } from 'node:url';
import { BodyReadError, readBody, redirect, sendMethodNotAllowed } from '../lib/http.js';
import { renderLoginPage } from './pages.js';
import { sendPage } from './page-response.js';
import { expiredSessionCookie, sessionCookie } from './sessions.js';
import { findShopperByLogin } from './shoppers.js';

const LOGIN_FAILED = 'Your email address or password is incorrect. Please try again.';

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {import('./storefront-context.js').StorefrontContext} context
 */
async function checkLogin(req, res, context) {
  if (req.method !== 'POST') return sendMethodNotAllowed(res, ['POST']);
  let form;
  try {
    form = new URLSearchParams(await readBody(req, 4096));
  } catch (failure) {
    const status = failure instanceof BodyReadError ? failure.status : 400;
    const error =
      status === 413 ? 'The sign-in form was too large.' : 'The sign-in form could not be read.';
    return sendLoginPage(res, context, req, status, { error });
  }
  const email = form.get('login_email') ?? '';
  const shopper = findShopperByLogin(context.shoppers, email, form.get('login_pass') ?? '');
  if (shopper === undefined) {
    return sendLoginPage(res, context, req, 401, { error: LOGIN_FAILED, email });
  }
  // A new session for every sign-in, so a session token never outlives a switch of shopper.
  context.sessions.destroy(context.sessionTokenOf(req));
  redirect(res, '/', { 'Set-Cookie': sessionCookie(context.sessions.create(shopper.id)) });
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {import('./storefront-context.js').StorefrontContext} context
 */
function logout(req, res, context) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, ['GET']);
  context.sessions.destroy(context.sessionTokenOf(req));
  redirect(res, '/', { 'Set-Cookie': expiredSessionCookie() });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {import('./storefront-context.js').StorefrontContext} context
 * @param {import('node:http').IncomingMessage} req
 * @param {number} status
 * @param {{ error?: string, email?: string }} [form]
 */
function sendLoginPage(res, context, req, status, form = {}) {
  const shopper = context.currentShopper(req);
  sendPage(res, context, status, (nonce) => renderLoginPage({ context, shopper, nonce, ...form }));
}

/**
 * Routes `/login.php` by its `action` parameter: `check_login` (POST `login_email`,
 * `login_pass`; 303 to `/` with a new HttpOnly `SHOP_SESSION_TOKEN` on success, 401 and the form
 * again on failure), `logout` (ends the session, clears the cookie, 303 to `/`), otherwise the form.
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URLSearchParams} query
 * @param {import('./storefront-context.js').StorefrontContext} context
 */
export async function answerLogin(req, res, query, context) {
  const action = query.get('action');
  if (action === 'check_login') return checkLogin(req, res, context);
  if (action === 'logout') return logout(req, res, context);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, ['GET']);
  sendLoginPage(res, context, req, 200);
}
