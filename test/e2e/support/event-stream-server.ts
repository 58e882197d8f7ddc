import type { ServerResponse } from 'node:http';
import { closeServer, listen } from '../../../demo/lib/listen.js';
import { createRecordedServer } from '../../../demo/lib/recorded-server.js';

/** An allowed-origin stand-in that serves `text/event-stream` on every path. */
export interface EventStreamServer {
  origin: string;
  /** Streams still open (the server has not seen them close). */
  open: Set<ServerResponse>;
  close(): Promise<void>;
}

/**
 * Starts an {@link EventStreamServer} on 127.0.0.1: each stream sends one `hello` event (retry
 * 60 s) and stays open.
 */
export async function startEventStreamServer(): Promise<EventStreamServer> {
  const open = new Set<ServerResponse>();
  const { server } = createRecordedServer(async (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
    });
    res.write('retry: 60000\ndata: hello\n\n');
    open.add(res);
    req.on('close', () => open.delete(res));
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'event streams' });
  return {
    origin: `http://127.0.0.1:${port}`,
    open,
    close: async () => {
      for (const res of open) res.destroy();
      await closeServer(server);
    },
  };
}
