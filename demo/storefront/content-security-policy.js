// A strict, Stencil-like Content Security Policy: scripts run only with the response's nonce.
import { randomBytes } from 'node:crypto';

/** A fresh nonce for one page response. */
export function createNonce() {
  return randomBytes(16).toString('base64');
}

/**
 * Builds the policy. No `'unsafe-eval'` and no `'unsafe-inline'`: the script-tag build must run
 * as one self-contained file under it.
 *
 * @param {string} nonce
 * @param {string[]} connectOrigins Origins the page may call (the loyalty API).
 */
export function contentSecurityPolicy(nonce, connectOrigins) {
  const sockets = connectOrigins.map((origin) => origin.replace(/^http/, 'ws'));
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...connectOrigins, ...sockets].join(' '),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
