// Bundle sizes as a shopper's browser pays for them: minified, then gzip level 9 and brotli
// quality 11 (node:zlib). Shared by `npm run bench` and the size budgets in `npm test`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const DIST = new URL('../../dist/', import.meta.url);

/** Built files by import specifier, so a virtual entry imports the package as a user would. */
const PACKAGE_FILES = {
  'bc-customer-auth': fileURLToPath(new URL('index.js', DIST)),
  'bc-customer-auth/server': fileURLToPath(new URL('server.js', DIST)),
};

/** The script-tag build, `dist/bc-customer-auth.iife.js`. */
export const IIFE_FILE = fileURLToPath(new URL('bc-customer-auth.iife.js', DIST));

/**
 * What is measured: the script-tag build as shipped, and ESM entries as a user's bundler
 * (rollup + node-resolve + terser) tree-shakes and minifies them, jwt-decode included.
 *
 * @type {ReadonlyArray<{ id: string, label: string, file?: string, source?: string, browser?: boolean }>}
 */
export const MEASURED_BUNDLES = [
  { id: 'iife', label: 'IIFE (script tag), jwt-decode included', file: IIFE_FILE },
  {
    id: 'esmFetchOnly',
    label: 'ESM, only `bcAuthFetch` imported',
    source: "export { bcAuthFetch } from 'bc-customer-auth';",
    browser: true,
  },
  {
    id: 'esmConfigureAndFetch',
    label: 'ESM, `configure` + `bcAuthFetch` imported',
    source: "export { bcAuthFetch, configure } from 'bc-customer-auth';",
    browser: true,
  },
  {
    id: 'esmEverything',
    label: 'ESM, every export imported',
    source: "export * from 'bc-customer-auth';",
    browser: true,
  },
  {
    id: 'server',
    label: 'server entry (`bc-customer-auth/server`)',
    source: "export * from 'bc-customer-auth/server';",
    browser: false,
  },
];

/**
 * Byte counts of `code`: as is, gzip level 9 and brotli quality 11.
 *
 * @param {string} code
 * @returns {{ minBytes: number, gzipBytes: number, brotliBytes: number }}
 */
export function compressedSizes(code) {
  const bytes = Buffer.from(code, 'utf8');
  const brotli = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  return {
    minBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    brotliBytes: brotli.length,
  };
}

/**
 * Bundles a one-line virtual entry the way a user's bundler would and returns the minified code.
 *
 * @param {string} source e.g. `export { bcAuthFetch } from 'bc-customer-auth';`
 * @param {{ browser: boolean }} options `browser` picks the package's browser fields.
 * @returns {Promise<string>}
 */
export async function bundleEntry(source, { browser }) {
  const entryId = '\0bench-entry';
  const bundle = await rollup({
    input: entryId,
    external: (id) => id.startsWith('node:'),
    onwarn(warning) {
      throw new Error(`bundling ${source}: ${warning.message}`);
    },
    plugins: [
      {
        name: 'bench-entry',
        resolveId: (id) => (id === entryId ? id : (PACKAGE_FILES[id] ?? null)),
        load: (id) => (id === entryId ? source : null),
      },
      nodeResolve({ browser }),
      terser({ ecma: 2020, module: true, compress: { passes: 3 }, format: { comments: false } }),
    ],
  });
  try {
    const { output } = await bundle.generate({ format: 'es' });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

/**
 * Measures every entry of {@link MEASURED_BUNDLES} from the built `dist/` (run `npm run build`
 * first). Sizes are deterministic, so one measurement is the median of any number.
 *
 * @returns {Promise<Array<{ id: string, label: string, code: string, minBytes: number, gzipBytes: number, brotliBytes: number }>>}
 */
export async function measureBundles() {
  return Promise.all(
    MEASURED_BUNDLES.map(async ({ id, label, file, source, browser }) => {
      const code = file
        ? await readFile(file, 'utf8')
        : await bundleEntry(/** @type {string} */ (source), { browser: Boolean(browser) });
      return { id, label, code, ...compressedSizes(code) };
    }),
  );
}
