import { closeServer, listen } from '../../../demo/lib/listen.js';
import { createRecordedServer } from '../../../demo/lib/recorded-server.js';
import type { RecordedRequest } from '../../../demo/lib/request-recorder.js';

/** A server that is not on the allowlist: it records everything and answers 200 to anyone. */
export interface RecordingServer {
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a {@link RecordingServer} on 127.0.0.1 with a free port. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const { server, requests, record } = createRecordedServer(async (_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    res.setHeader('Content-Type', 'application/json');
    res.end('{}');
  });
  server.on('upgrade', (req, socket) => {
    record(req);
    socket.destroy();
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'recording server' });
  return { origin: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}
