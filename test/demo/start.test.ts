import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_DEFAULTS } from '../../demo/demo-config.js';
import { SHOPPER_1, SHOPPER_2, signIn } from './support/demo-harness.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

// Every demo a test started: one a failed assertion left running is stopped after the test.
const started = new Set<Run>();
afterEach(async () => {
  for (const demo of started) {
    if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
    await demo.exited;
  }
  started.clear();
});

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['demo/start.js'], {
    cwd: REPO,
    env: { PATH: process.env['PATH'] ?? '', STOREFRONT_PORT: '0', API_PORT: '0', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const demo = { child, output: () => output, exited };
  started.add(demo);
  return demo;
}

/**
 * Runs the demo where it must refuse to start: resolves to its exit status and output, or to
 * `'serving'` when it started anyway, so that a regression fails at once and leaves no server behind.
 */
async function refusal(
  env: Record<string, string>,
): Promise<{ status: number | null | 'serving'; output: string }> {
  const demo = run(env);
  const serving = new Promise<'serving'>((resolve) =>
    demo.child.stdout?.on('data', () => {
      if (demo.output().includes('Ctrl-C stops both servers')) resolve('serving');
    }),
  );
  try {
    return { status: await Promise.race([demo.exited, serving]), output: demo.output() };
  } finally {
    demo.child.kill('SIGTERM');
    await demo.exited;
  }
}

async function banner(demo: Run): Promise<{ storefront: string; api: string }> {
  await expect.poll(demo.output, { timeout: 10_000 }).toContain('Ctrl-C stops both servers');
  const text = demo.output();
  return {
    storefront: /Storefront\s+(\S+)/.exec(text)![1]!,
    api: /Loyalty API\s+(\S+)/.exec(text)![1]!,
  };
}

async function busyPort(host = '127.0.0.1'): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A port busy on ::1 and, when checked, free on 127.0.0.1. Ports are handed out per address, so a
 * port taken on ::1 may be in use on 127.0.0.1 by another test file's server; the demo, which
 * listens there first, would then rightly name 127.0.0.1.
 */
async function busyOnIpv6Only(): Promise<{ port: number; release(): Promise<void> }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const busy = await busyPort('::1');
    const freeOnIpv4 = await new Promise<boolean>((resolve) => {
      const probe = createServer().once('error', () => resolve(false));
      probe.listen(busy.port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (freeOnIpv4) return busy;
    await busy.release();
  }
  throw new Error('no port on ::1 was free on 127.0.0.1 in 20 tries');
}

// Whether this machine has an IPv6 loopback (::1), which browsers try first for `localhost`.
const HAS_IPV6_LOOPBACK = await busyPort('::1').then(
  (busy) => busy.release().then(() => true),
  () => false,
);

describe('node demo/start.js', () => {
  it('prints the URLs, client id and both shoppers, serves, and stops with exit 0 on SIGTERM', async () => {
    const demo = run({});
    const { storefront, api } = await banner(demo);
    expect(storefront).toMatch(/^http:\/\/localhost:\d+\/$/);
    expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const text = demo.output();
    expect(text).toContain(`Client id    ${DEMO_DEFAULTS.clientId}`);
    expect(text).toContain(`${SHOPPER_1.email} / ${SHOPPER_1.password}  (customer 1)`);
    expect(text).toContain(`${SHOPPER_2.email} / ${SHOPPER_2.password}  (customer 2)`);
    expect(text).not.toContain(DEMO_DEFAULTS.clientSecret);
    expect((await fetch(storefront)).status).toBe(200);

    // An open socket must not hold the shutdown up.
    const { cookie } = await signIn(
      new URL(storefront).origin,
      SHOPPER_1.email,
      SHOPPER_1.password,
    );
    const jwt = await fetch(
      `${storefront}customer/current.jwt?app_client_id=${DEMO_DEFAULTS.clientId}`,
      {
        headers: { cookie: cookie! },
      },
    );
    const socket = new WebSocket(
      `${api.replace('http', 'ws')}/points/live?token=${(await jwt.text()).trim()}`,
    );
    await once(socket, 'open');
    const socketClosed = once(socket, 'close');
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    await socketClosed;
  });

  it('takes its settings from the environment and never prints the secret', async () => {
    const demo = run({
      BC_CLIENT_ID: 'my-app-id',
      BC_CLIENT_SECRET: 'my-very-secret-value',
      BC_STORE_HASH: 'xyz789',
    });
    const { storefront } = await banner(demo);
    const text = demo.output();
    expect(text).toContain('Client id    my-app-id   (secret: from BC_CLIENT_SECRET)');
    expect(text).toContain('Store hash   xyz789');
    expect(text).not.toContain('my-very-secret-value');
    expect(await (await fetch(storefront)).text()).toContain('data-app-client-id="my-app-id"');
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  });

  it.each([
    ['STOREFRONT_PORT', 'STOREFRONT_PORT'],
    ['API_PORT', 'API_PORT'],
  ])('fails with exit 1 and names %s when that port is busy', async (variable) => {
    const busy = await busyPort();
    try {
      const { status, output } = await refusal({ [variable]: String(busy.port) });
      expect(status).toBe(1);
      expect(output).toMatch(new RegExp(`port ${busy.port} .*already in use; set ${variable}`));
    } finally {
      await busy.release();
    }
  });

  it.skipIf(!HAS_IPV6_LOOPBACK)(
    'fails with exit 1 and names STOREFRONT_PORT when the port is busy on ::1, where browsers reach localhost',
    async () => {
      const busy = await busyOnIpv6Only();
      try {
        const { status, output } = await refusal({ STOREFRONT_PORT: String(busy.port) });
        expect(status).toBe(1);
        expect(output).toContain(`port ${busy.port} on ::1 is already in use; set STOREFRONT_PORT`);
      } finally {
        await busy.release();
      }
    },
  );

  it('fails with exit 1 on an unusable setting', async () => {
    const { status, output } = await refusal({ STOREFRONT_PORT: 'abc' });
    expect(status).toBe(1);
    expect(output).toContain(
      'demo: STOREFRONT_PORT must be a port number from 0 to 65535, not "abc"',
    );
  });
});
