// The benchmark report: one Markdown table of goal vs measured, with the machine and the command
// to reproduce, printed and written to BENCHMARKS.md (formatted as the repository's Prettier would).
import { writeFile } from 'node:fs/promises';
import { cpus, platform, arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

export const BENCHMARKS_FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/**
 * @typedef {object} BenchRow
 * @property {string} benchmark What was measured.
 * @property {string} goal
 * @property {string} measured
 * @property {boolean | 'skip' | undefined} pass `undefined` for a row given for comparison only.
 */

// How each row is measured, printed under the table.
const METHOD_NOTES = [
  'Sizes: the IIFE as shipped; the ESM rows bundle a one-line entry importing the built package ' +
    'with rollup, node-resolve and terser, jwt-decode included. gzip level 9 and brotli quality 11 ' +
    '(node:zlib). `npm test` enforces the budgets (bench/lib/size-budgets.js).',
  'JWT requests: N concurrent calls from the demo store page in Chromium, cache invalidated first, ' +
    'counted at the storefront; the naive column fetches a token for every call. Median of 5.',
  'Latency: in the same page, samples of 10 sequential calls per kind, kinds interleaved (70 ' +
    'samples each); ratios are medians of paired, side-by-side samples, and plain ÷ plain shows ' +
    "the machine's noise. The default client is configured afresh so the store page's own event " +
    'log is not counted. By hand: the JWT request, then the plain `fetch`.',
  'Verifier: bench/verify.js, the same HS512 token for all, median of 5 runs (1 s each unless ' +
    'BENCH_DURATION_MS says otherwise).',
  'Memory: a separate `node --expose-gc` process with stub window, document and BroadcastChannel ' +
    'that count listeners; heap after forced GC, growth per round (median of 5) against the largest ' +
    'swing of the same work without the SDK (the noise, at least 64 KiB).',
];

const RESULT = { true: 'PASS', false: 'MISS', skip: 'SKIP', undefined: '—' };

/** Node version, CPU model and count, OS, and the browser when one ran. */
export function describeMachine(browserVersion) {
  const cores = cpus();
  const cpu = `${cores[0]?.model.trim() ?? 'unknown CPU'} (${cores.length} cores)`;
  const browser = browserVersion ? `, Chromium ${browserVersion}` : '';
  return `Node ${process.version}, ${cpu}, ${platform()} ${arch()}${browser}`;
}

/**
 * The whole report as Markdown.
 *
 * @param {{ rows: BenchRow[], machine: string, date?: Date }} input
 */
export function formatReport({ rows, machine, date = new Date() }) {
  const cells = (values) => `| ${values.map((text) => text.replaceAll('|', '\\|')).join(' | ')} |`;
  const table = [
    '| Benchmark | Goal | Measured | Result |',
    '| --- | --- | --- | --- |',
    ...rows.map(({ benchmark, goal, measured, pass }) =>
      cells([benchmark, goal, measured, RESULT[String(pass)]]),
    ),
  ];
  return [
    '# Benchmarks',
    '',
    `Measured ${date.toISOString().slice(0, 10)} on ${machine}.`,
    'Reproduce with `npm run bench` (it builds, then runs `node bench/run.js`); every figure is the',
    'median of several repetitions in one run.',
    '',
    ...table,
    '',
    ...METHOD_NOTES.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

/**
 * Writes `markdown` to BENCHMARKS.md, formatted with the repository's Prettier settings (Markdown
 * prose wrapped at the print width).
 */
export async function writeReport(markdown) {
  const options = (await prettier.resolveConfig(BENCHMARKS_FILE)) ?? {};
  const formatted = await prettier.format(markdown, { ...options, filepath: BENCHMARKS_FILE });
  await writeFile(BENCHMARKS_FILE, formatted);
  return formatted;
}
