import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BROWSER_ENTRY = new URL('../../dist/index.js', import.meta.url).href;

// Globals a browser has and a server-side renderer does not (or has differently).
const BROWSER_GLOBALS = [
  'window',
  'self',
  'document',
  'location',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'BroadcastChannel',
  'WebSocket',
  'EventSource',
];

// Runs in a plain Node process: every browser global becomes a getter that records its name,
// then the module at process.env.ENTRY is imported.
const IMPORT_WITH_TRAPS = `
const touched = [];
for (const name of JSON.parse(process.env.TRAPPED)) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() { touched.push(name); return undefined; },
    set() { touched.push(name + '='); },
  });
}
const module = await import(process.env.ENTRY);
console.log(JSON.stringify({ touched, exports: Object.keys(module).length }));
`;

async function importInPlainNode(entry: string): Promise<{ touched: string[]; exports: number }> {
  const args = ['--input-type=module', '-e', IMPORT_WITH_TRAPS];
  const env = { ...process.env, ENTRY: entry, TRAPPED: JSON.stringify(BROWSER_GLOBALS) };
  const cwd = fileURLToPath(new URL('../../', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, args, { env, cwd });
  return JSON.parse(stdout) as { touched: string[]; exports: number };
}

describe('server-side rendering: importing the built browser entry in plain Node', () => {
  it('neither throws nor reads or writes window, document or any other browser global', async () => {
    const { touched, exports } = await importInPlainNode(BROWSER_ENTRY);
    expect(touched).toEqual([]);
    expect(exports).toBeGreaterThan(0);
  });

  it('would notice: a module that reads window at import time is caught by the traps', async () => {
    const touchesWindow =
      'data:text/javascript,export const width = globalThis.window?.innerWidth;';
    expect((await importInPlainNode(touchesWindow)).touched).toEqual(['window']);
  });
});
