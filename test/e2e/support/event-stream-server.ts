import type { ServerResponse } from 'node:http';
import { closeServer, listen } from '../../../demo/lib/listen.js';
import { createRecordedServer } from '../../../demo/lib/recorded-server.js';
import type { RecordedRequest } from '../../../demo/lib/request-recorder.js';

/** An allowed-origin stand-in that serves `text/event-stream` on every path and records requests. */
export interface EventStreamServer {
  origin: string;
  requests: RecordedRequest[];
  /** Streams still open (the server has not seen them close). */
  open: Set<ServerResponse>;
  close(): Promise<void>;
}

/**
 * Starts an {@link EventStreamServer} on 127.0.0.1. Each stream sends one `hello` event; with
 * `endAfterFirstEvent` the server then ends the response (the browser's retry is set to 60 s).
 */
export async function startEventStreamServer(
  options: { endAfterFirstEvent?: boolean; tickMs?: number } = {},
): Promise<EventStreamServer> {
  const open = new Set<ServerResponse>();
  const { server, requests } = createRecordedServer(async (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
    });
    res.write('retry: 60000\ndata: hello\n\n');
    if (options.endAfterFirstEvent) return void res.end();
    open.add(res);
    const tick = options.tickMs
      ? setInterval(() => res.write('data: tick\n\n'), options.tickMs)
      : undefined;
    req.on('close', () => {
      clearInterval(tick);
      open.delete(res);
    });
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'event streams' });
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    open,
    close: async () => {
      for (const res of open) res.destroy();
      await closeServer(server);
    },
  };
}
