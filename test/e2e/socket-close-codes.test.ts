import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer, listen } from '../../demo/lib/listen.js';
import { describeInChromium } from './support/chromium.js';
import { CLIENT_ID } from './support/demo-servers.js';
import { useStoreInChromium } from './support/store-fixture.js';
import { signedInPage, type StoreWindow } from './support/store-page.js';

/** What the page under test keeps on `window` between steps. */
interface CloseWindow extends StoreWindow {
  __closed?: { code: number; reason: string; wasClean: boolean };
  __events: string[];
}

describeInChromium('socket close codes: a socket still connecting', () => {
  // A WebSocket server that records each handshake and never answers it: the page's socket stays
  // CONNECTING for as long as the test needs.
  let held: Server;
  let heldOrigin = '';
  const handshakes: Socket[] = [];
  beforeAll(async () => {
    held = createServer();
    held.on('upgrade', (_req, socket: Socket) => handshakes.push(socket));
    heldOrigin = `http://127.0.0.1:${await listen(held, { port: 0, host: '127.0.0.1', label: 'held' })}`;
  });
  afterAll(async () => {
    handshakes.forEach((socket) => socket.destroy());
    await closeServer(held);
  });
  const store = useStoreInChromium({ demo: () => ({ extraConnectOrigins: [heldOrigin] }) });

  it('is closed on a customer switch, but the browser reports 1006, not 4002: the client event tells', async () => {
    const { page } = await signedInPage(store);
    await page.evaluate(
      async ([appClientId, origin]) => {
        const win = window as unknown as CloseWindow;
        const auth = win.BcCustomerAuth.createCustomerAuth({
          appClientId,
          allowedOrigins: [origin],
        });
        win.__events = [];
        auth.on('customerchange', () => win.__events.push('customerchange'));
        const socket = await auth.webSocket(origin.replace('http', 'ws') + '/live');
        socket.addEventListener('close', ({ code, reason, wasClean }) => {
          win.__closed = { code, reason, wasClean };
        });
      },
      [CLIENT_ID, heldOrigin] as const,
    );
    await expect.poll(() => handshakes.length).toBe(1);

    // Another page announces that it was rendered for customer 2.
    await page.evaluate((appClientId) => {
      const { BcCustomerAuth } = window as unknown as StoreWindow;
      BcCustomerAuth.createCustomerAuth({ appClientId, allowedOrigins: [], customerId: 2 });
    }, CLIENT_ID);

    const closed = () => page.evaluate(() => (window as unknown as CloseWindow).__closed);
    await expect.poll(closed).toBeDefined();
    // A close code is sent only on an open connection: the handshake is abandoned instead.
    expect(await closed()).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(await page.evaluate(() => (window as unknown as CloseWindow).__events)).toEqual([
      'customerchange',
    ]);
  });
});
