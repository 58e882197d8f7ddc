import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { send } from '../../../demo/lib/http.js';
import { closeServer, listen } from '../../../demo/lib/listen.js';

// A page loading the IIFE through a script tag configured by data-* attributes, as a Stencil
// theme does.
const PAGE = `<!doctype html><title>bc-customer-auth</title>
<script src="/bc-customer-auth.iife.js" defer data-app-client-id="app"
  data-allowed-origins="https://api.example.com"></script>`;

/** Serves that page at `/` and `iifeFile` as its script, on 127.0.0.1 with a free port. */
export async function serveScriptTagPage(
  iifeFile: string,
): Promise<{ origin: string; close(): Promise<void> }> {
  const iife = await readFile(iifeFile);
  const server = createServer((req, res) => {
    if (req.url === '/bc-customer-auth.iife.js') send(res, 200, 'text/javascript', iife);
    else send(res, 200, 'text/html; charset=utf-8', PAGE);
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'script-tag page' });
  return { origin: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
