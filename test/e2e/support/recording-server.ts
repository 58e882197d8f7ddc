import { WebSocketServer } from 'ws';
import { closeServer, listen } from '../../../demo/lib/listen.js';
import { createRecordedServer } from '../../../demo/lib/recorded-server.js';
import type { RecordedRequest } from '../../../demo/lib/request-recorder.js';

type RecordedHandler = Parameters<typeof createRecordedServer>[0];

/** A server that records every request it receives, WebSocket handshakes included. */
export interface RecordingServer {
  origin: string;
  requests: RecordedRequest[];
  /** With `acceptWebSockets`, each socket accepted, in order: its close code once closed. */
  sockets: { closeCode: number | undefined }[];
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
 * once it is recorded (200 `{}` to anyone by default). WebSocket handshakes are dropped unless
 * `acceptWebSockets` is set: then every one is accepted and its socket kept open.
 */
export async function startRecordingServer(
  handle: RecordedHandler = answerAnyone,
  { acceptWebSockets = false } = {},
): Promise<RecordingServer> {
  const { server, requests, record } = createRecordedServer(handle);
  const wss = new WebSocketServer({ noServer: true });
  const sockets: RecordingServer['sockets'] = [];
  server.on('upgrade', (req, socket, head) => {
    const entry = record(req);
    if (!acceptWebSockets) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      entry.status = 101;
      const accepted = { closeCode: undefined as number | undefined };
      sockets.push(accepted);
      ws.on('close', (code) => (accepted.closeCode = code));
    });
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'recording server' });
  const close = () => {
    wss.clients.forEach((client) => client.terminate());
    wss.close();
    return closeServer(server);
  };
  return { origin: `http://127.0.0.1:${port}`, requests, sockets, close };
}
