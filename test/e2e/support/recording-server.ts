import { closeServer, listen } from '../../../demo/lib/listen.js';
import { createRecordedServer } from '../../../demo/lib/recorded-server.js';
import type { RecordedRequest } from '../../../demo/lib/request-recorder.js';

type RecordedHandler = Parameters<typeof createRecordedServer>[0];

/** A server that records every request it receives, WebSocket handshakes included. */
export interface RecordingServer {
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Answers 200 `{}` to anyone. */
const answerAnyone: RecordedHandler = async (_req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  res.setHeader('Content-Type', 'application/json');
  res.end('{}');
};

/**
 * Starts a {@link RecordingServer} on 127.0.0.1 with a free port; `handle` answers each request
 * once it is recorded (200 `{}` to anyone by default).
 */
export async function startRecordingServer(
  handle: RecordedHandler = answerAnyone,
): Promise<RecordingServer> {
  const { server, requests, record } = createRecordedServer(handle);
  server.on('upgrade', (req, socket) => {
    record(req);
    socket.destroy();
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'recording server' });
  return { origin: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}
