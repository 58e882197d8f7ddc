// Sends an HTML page under a fresh nonce and the storefront's Content Security Policy.
import { send } from '../lib/http.js';
import { contentSecurityPolicy, createNonce } from './content-security-policy.js';

/**
 * @param {import('node:http').ServerResponse} res
 * @param {import('./storefront-context.js').StorefrontContext} context
 * @param {number} status
 * @param {(nonce: string) => string} render Renders the page with the response's nonce.
 * @param {Record<string, string | string[]>} [headers]
 */
export function sendPage(res, context, status, render, headers = {}) {
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, [context.apiOrigin(), ...context.extraConnectOrigins]);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  // Pages name the signed-in shopper: by default private, revalidated on every visit, but left
  // eligible for the back/forward cache (no-store would opt them out), as a storefront's pages are.
  send(res, status, 'text/html; charset=utf-8', render(nonce), {
    'Content-Security-Policy': csp,
    'Cache-Control': context.pageCacheControl,
    'Referrer-Policy': 'same-origin',
  });
}
