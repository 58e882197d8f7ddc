import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTestDemo } from './support/demo-harness.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Sends raw bytes and resolves to the status line ('' when the connection dies without one). */
function rawStatusLine(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
  });
}

const BAD_TARGET = 'GET //[ HTTP/1.1\r\nHost: x\r\n';

describe('hostile requests', () => {
  it('a request-target that is not a URL gets a 4xx, and `npm start` keeps serving', async () => {
    const child = spawn(process.execPath, ['demo/start.js'], {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', STOREFRONT_PORT: '0', API_PORT: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    try {
      await expect.poll(() => output, { timeout: 10_000 }).toContain('Ctrl-C stops both servers');
      const storefront = /Storefront\s+(\S+)/.exec(output)?.[1] ?? '';
      const api = /Loyalty API\s+(\S+)/.exec(output)?.[1] ?? '';
      const portOf = (origin: string) => Number(new URL(origin).port);
      for (const [port, request] of [
        [portOf(storefront), BAD_TARGET + 'Connection: close\r\n\r\n'],
        [portOf(api), BAD_TARGET + 'Connection: close\r\n\r\n'],
        [portOf(api), BAD_TARGET + 'Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n'],
      ] as const) {
        expect(await rawStatusLine(port, request)).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
      expect((await fetch(storefront)).status).toBe(200);
      expect((await fetch(`${api}/points`)).status).toBe(401);
      // `//x/points` is the path `//x/points`, not `/points` on a host named x.
      expect((await fetch(`${api}//x/points`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('drops a refused upgrade, so a client that never closes its side cannot hold up close()', async () => {
    const demo = await startTestDemo();
    const socket = connect({ port: demo.api.port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => undefined);
    socket.resume();
    try {
      await once(socket, 'connect');
      socket.write(
        'GET /not-live HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      );
      await once(socket, 'end');
      const connections = () =>
        new Promise<number>((resolve) =>
          demo.api.server.getConnections((_error, count) => resolve(count)),
        );
      await expect.poll(connections).toBe(0);
    } finally {
      socket.destroy();
      await demo.close();
    }
  });

  it('gives a request body that never completes 10 s, not Node’s default 300 s', async () => {
    const demo = await startTestDemo();
    try {
      for (const { server } of [demo.storefront, demo.api]) {
        expect(server.requestTimeout).toBe(10_000);
      }
    } finally {
      await demo.close();
    }
  });
});
