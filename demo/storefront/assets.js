// Static files: the package's script-tag build from dist/, and the demo's stylesheet.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '../lib/http.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The built script-tag bundle's file name inside dist/. */
export const IIFE_FILE = 'bc-customer-auth.iife.js';

/**
 * Serves `/assets/<name>` when it is one of the known assets; resolves to false otherwise.
 * The bundle is read on every request, so a rebuild shows up on the next page load.
 *
 * @param {import('node:http').ServerResponse} res
 * @param {string} path
 * @param {string} distDir
 * @returns {Promise<boolean>}
 */
export async function serveAsset(res, path, distDir) {
  const assets = {
    [`/assets/${IIFE_FILE}`]: {
      file: join(distDir, IIFE_FILE),
      type: 'text/javascript; charset=utf-8',
    },
    '/assets/store.css': { file: join(PUBLIC_DIR, 'store.css'), type: 'text/css; charset=utf-8' },
  };
  const asset = assets[path];
  if (asset === undefined) return false;
  try {
    send(res, 200, asset.type, await readFile(asset.file), { 'Cache-Control': 'no-cache' });
  } catch {
    send(res, 404, 'text/plain; charset=utf-8', `${asset.file} is missing: run npm run build\n`);
  }
  return true;
}

/** The store page's inline script, read once. */
export function readStorePageScript() {
  return readFile(join(PUBLIC_DIR, 'store-page.js'), 'utf8');
}
