// The storefront's pages: the store home with the loyalty widget, and the login form.
import { escapeHtml, renderPage } from './page-layout.js';

/**
 * @typedef {object} PageInput
 * @property {import('./storefront-context.js').StorefrontContext} context
 * @property {import('./shoppers.js').Shopper | undefined} shopper
 * @property {string} nonce
 */

const TRY_THIS = `<section class="card" aria-labelledby="try-title">
  <h2 id="try-title">Try this</h2>
  <ul class="tips">
    <li>Sign in as <code>shopper1@example.com</code> / <code>Password1!</code>, redeem a few points, and watch the live balance follow.</li>
    <li><strong>Two tabs:</strong> open this page in a second tab and sign out there. This tab logs <em>logout</em>, drops its token and closes its live connection.</li>
    <li><strong>Shared computer:</strong> in the second tab, sign in as <code>shopper2@example.com</code> / <code>Password2!</code>. This tab logs <em>customerchange</em>, closes shopper 1's live connection, and its next call is made as shopper 2, never with shopper 1's token.</li>
  </ul>
</section>`;

/**
 * The store home: who is signed in (server-rendered), the points balance, a redeem form, the live
 * balance and the auth event log, driven by the inline page script.
 *
 * @param {PageInput & { pageScript: string }} input
 */
export function renderStorePage({ context, shopper, nonce, pageScript }) {
  const greeting =
    shopper === undefined
      ? 'Sign in to see and spend your loyalty points.'
      : `Welcome back, ${escapeHtml(shopper.name)}.`;
  const main = `<section class="card loyalty" aria-labelledby="loyalty-title">
  <h1 id="loyalty-title">Loyalty points</h1>
  <p class="greeting">${greeting}</p>
  <p class="balance"><span id="points" data-state="loading">…</span> <span class="unit">points</span></p>
  <p id="points-status" class="status" role="status"></p>
  <button type="button" id="refresh-button" class="button secondary">Refresh balance</button>
  <form id="redeem-form" class="redeem">
    <label for="redeem-points">Redeem</label>
    <input id="redeem-points" name="points" type="number" min="1" step="1" value="100" required>
    <button type="submit" id="redeem-button">Redeem points</button>
  </form>
  <p class="live">Live balance <span id="live-points">—</span> <span id="live-status" class="pill" data-state="closed">not connected</span></p>
</section>
<section class="card" aria-labelledby="events-title">
  <h2 id="events-title">Auth events</h2>
  <ol id="event-log" class="event-log" aria-live="polite"></ol>
</section>
${TRY_THIS}`;
  return renderPage({ title: 'Home', main, nonce, context, shopper, pageScript });
}

/**
 * The login form, posting `login_email` and `login_pass` to `/login.php?action=check_login`.
 *
 * @param {PageInput & { error?: string, email?: string }} input
 */
export function renderLoginPage({ context, shopper, nonce, error, email = '' }) {
  const alert = error === undefined ? '' : `<p class="alert" role="alert">${escapeHtml(error)}</p>`;
  const current =
    shopper === undefined
      ? ''
      : `<p class="status">You are signed in as ${escapeHtml(shopper.email)}. Signing in again switches the account.</p>`;
  const main = `<section class="card login" aria-labelledby="login-title">
  <h1 id="login-title">Sign in</h1>
  ${current}${alert}
  <form method="post" action="/login.php?action=check_login" id="login-form">
    <label for="login_email">Email address</label>
    <input id="login_email" name="login_email" type="email" autocomplete="username" value="${escapeHtml(email)}" required>
    <label for="login_pass">Password</label>
    <input id="login_pass" name="login_pass" type="password" autocomplete="current-password" required>
    <button type="submit" id="login-submit">Sign in</button>
  </form>
  <p class="hint">Demo shoppers: <code>shopper1@example.com</code> / <code>Password1!</code> and <code>shopper2@example.com</code> / <code>Password2!</code></p>
</section>`;
  return renderPage({ title: 'Sign in', main, nonce, context, shopper });
}
