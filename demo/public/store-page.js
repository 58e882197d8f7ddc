/* global document, window */
// The store page's own script, inlined under the page's nonce: the points balance through
// bcAuthFetch, the redeem form, the live balance over bcAuthWebSocket, and a log of the SDK's
// auth events. It only reacts to what the SDK reports; it never handles the token itself.
(() => {
  const { apiOrigin, customerId } = document.body.dataset;
  const client = window.BcCustomerAuth.getDefaultClient();
  const byId = (id) => document.getElementById(id);
  // The same close code the loyalty API sends when a socket's token expires.
  const TOKEN_EXPIRED = 4401;

  const who = (customer) =>
    customer ? `customer ${customer.id} (${customer.email})` : 'another shopper';
  const describeEvent = {
    token: (detail) => `token fetched for ${who(detail.customer)}`,
    logout: (detail) => `${who(detail.previous)} signed out`,
    customerchange: (detail) => `${who(detail.previous)} → ${who(detail.current)}`,
    invalidate: (detail) => `cached token dropped (${detail.reason})`,
  };

  function logEvent(name, text) {
    const item = document.createElement('li');
    item.dataset.event = name;
    item.textContent = `${new Date().toLocaleTimeString()}  ${name}: ${text}`;
    byId('event-log').prepend(item);
  }

  function showStatus(text, tone = '') {
    byId('points-status').textContent = text;
    byId('points-status').dataset.tone = tone;
  }

  function showPoints(points, state = 'loaded') {
    byId('points').textContent = points === undefined ? '—' : String(points);
    byId('points').dataset.state = state;
  }

  function showLive(state, text) {
    byId('live-status').dataset.state = state;
    byId('live-status').textContent = text;
  }

  // The API names whose points these are, read from the verified token: after another shopper
  // signed in in another tab, not the shopper this page was rendered for.
  function showBalance(body, text = '', tone = '') {
    showPoints(body.points);
    if (String(body.customerId) === customerId) return showStatus(text, tone);
    const notice = `These are ${body.email}'s points: another shopper signed in. Reload to continue as them.`;
    showStatus(`${text} ${notice}`.trim(), 'bad');
  }

  function describeError(error) {
    if (error?.code === 'NOT_SIGNED_IN') return 'Sign in to see your points.';
    return error?.message ?? String(error);
  }

  async function callApi(path, init) {
    const response = await window.bcAuthFetch(apiOrigin + path, init);
    const body = await response.json();
    if (!response.ok) throw new Error(body.message ?? `the API answered ${response.status}`);
    return body;
  }

  async function loadBalance() {
    try {
      showBalance(await callApi('/points'));
    } catch (error) {
      showPoints(undefined, 'error');
      showStatus(describeError(error), 'bad');
    }
  }

  async function redeem(event) {
    event.preventDefault();
    const points = Number(byId('redeem-points').value);
    try {
      const init = { method: 'POST', headers: { 'Content-Type': 'application/json' } };
      const body = await callApi('/points/redeem', { ...init, body: JSON.stringify({ points }) });
      showBalance(body, `Redeemed ${body.redeemed} points.`, 'good');
    } catch (error) {
      showStatus(describeError(error), 'bad');
    }
  }

  // A socket whose token expires within seconds of opening (a storefront serving tokens at or past
  // their expiry) would be reopened in a loop: after each such socket, wait twice as long (1 s, 2 s,
  // 4 s … at most 30 s) before reopening. One that lived longer resets the wait.
  const SHORT_LIVED_MS = 10_000;
  let shortLivedInARow = 0;

  async function openLive(afterExpiry = false) {
    showLive('connecting', 'connecting…');
    try {
      // The token cached in this tab may be the one that just expired: ask for a new one.
      if (afterExpiry) await client.getToken({ force: true });
      const socket = await window.bcAuthWebSocket(`${apiOrigin}/points/live`);
      let openedAt = Date.now();
      socket.addEventListener('open', () => {
        openedAt = Date.now();
        showLive('open', 'live');
      });
      socket.addEventListener('message', (event) => {
        byId('live-points').textContent = String(JSON.parse(event.data).points);
      });
      socket.addEventListener('close', (event) => {
        const closed = `closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
        if (event.code !== TOKEN_EXPIRED) return showLive('closed', closed);
        shortLivedInARow = Date.now() - openedAt < SHORT_LIVED_MS ? shortLivedInARow + 1 : 0;
        const waitMs = shortLivedInARow && Math.min(30_000, 500 * 2 ** shortLivedInARow);
        showLive('closed', waitMs ? `${closed}, reopening in ${waitMs / 1000} s` : closed);
        setTimeout(() => void openLive(true), waitMs);
      });
    } catch (error) {
      showLive('closed', describeError(error));
    }
  }

  for (const name of Object.keys(describeEvent)) {
    client.on(name, (detail) => logEvent(name, describeEvent[name](detail)));
  }
  client.on('logout', () => showStatus('Signed out. Sign in again to see your points.', 'bad'));
  client.on('customerchange', () =>
    showStatus('Another shopper signed in. Reload to continue as them.', 'bad'),
  );
  byId('redeem-form').addEventListener('submit', redeem);
  byId('refresh-button').addEventListener('click', () => void loadBalance());
  // As BigCommerce advises ({{#if customer}}), a page rendered for a guest asks for no token.
  if (customerId === '') {
    showPoints(undefined, 'guest');
    showStatus('Sign in to see your points.');
  } else {
    void loadBalance();
    void openLive();
  }
})();
