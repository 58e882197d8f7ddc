import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CustomerAuthClient } from '../../src/browser/index.js';
import { leavePage, newClient, otherTab } from './helpers/page.js';
import { useStorefrontAndSockets } from './helpers/socket-server.js';
import { recordConsole } from '../support/console-output.js';

const env = useStorefrontAndSockets();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every event detail a client emits. */
function collect(client: CustomerAuthClient, into: unknown[]) {
  for (const name of ['token', 'logout', 'customerchange', 'invalidate'] as const) {
    client.on(name, (detail) => into.push(detail));
  }
}

describe('a full session', () => {
  it('leaves no token in storage, cookies, console output, error messages or event details', async () => {
    const printed = recordConsole();
    const details: unknown[] = [];
    const errors: unknown[] = [];
    const attempt = async (call: () => Promise<unknown>) => {
      await call().catch((error: unknown) => errors.push(error));
    };
    // Every value written to storage, even one removed at once (the cross-tab fallback's notices).
    const { calls: written } = vi.spyOn(Storage.prototype, 'setItem').mock;
    const anotherTab = otherTab();
    document.body.innerHTML = '<a href="/login.php?action=logout">Sign out</a>';
    const allowedOrigins = [env.server.origin, env.sockets.origin];
    const tab = newClient({ allowedOrigins, customerId: 1, maxTokenAgeMs: 0 });
    const fallbackTab = newClient({ allowedOrigins, BroadcastChannel: null, customerId: 1 });
    collect(tab, details);
    collect(fallbackTab, details);

    await attempt(() => tab.fetch(env.server.origin + '/points'));
    await attempt(() =>
      fallbackTab.fetch(env.server.origin + '/points', { method: 'POST', body: 'x' }),
    );
    await attempt(() => tab.fetch('https://api.example.com.evil.test/points'));
    await attempt(() => tab.webSocket(env.sockets.origin.replace('http', 'ws') + '/live'));
    await attempt(() => fallbackTab.eventSource('https://evil.test/stream'));
    env.server.apiHandler = (_request, response) => {
      response.writeHead(401);
      response.end();
    };
    await attempt(() => tab.fetch(env.server.origin + '/points'));
    env.server.customerId = 2;
    await attempt(() => tab.getToken());
    fallbackTab.invalidate();
    document.querySelector('a')?.click();
    leavePage();
    env.server.customerId = null;
    await attempt(() => fallbackTab.getToken());
    await attempt(() => tab.fetch(env.server.origin + '/points'));
    tab.destroy();
    await attempt(() => tab.getToken());
    // Every notice the two clients posted has reached the other tab.
    const heard = await anotherTab.heardSoFar();
    anotherTab.channel.close();

    expect(env.server.issued.length).toBeGreaterThanOrEqual(4);
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      'ORIGIN_NOT_ALLOWED',
      'ORIGIN_NOT_ALLOWED',
      'UNAUTHORIZED',
      'NOT_SIGNED_IN',
      'NOT_SIGNED_IN',
      'DESTROYED',
    ]);
    // Both cross-tab paths carried notices, so both surfaces below were exercised.
    expect(written.length).toBeGreaterThan(0);
    expect(heard.length).toBeGreaterThan(0);
    const surfaces = {
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
      storageWrites: JSON.stringify(written),
      otherTabs: JSON.stringify(heard),
      console: JSON.stringify(printed.map((args) => String(args))),
      errors: errors.map((error) => `${String(error)} ${(error as Error).stack ?? ''}`).join('\n'),
      details: JSON.stringify(details),
    };
    for (const jwt of env.server.issued) {
      const signature = jwt.split('.')[2] ?? jwt;
      for (const [surface, text] of Object.entries(surfaces)) {
        expect(text.includes(signature), `a token reached ${surface}`).toBe(false);
      }
    }
    // happy-dom has no IndexedDB; the SDK never touches it (the bundle has no such reference).
    expect(typeof (globalThis as { indexedDB?: unknown }).indexedDB).toBe('undefined');
  });
});
