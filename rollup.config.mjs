// Three builds: ESM for bundlers and headless storefronts, ESM for servers, and one
// self-contained minified IIFE for a Stencil <script> tag. Type declarations come from
// `tsc -p tsconfig.build.json` (see the "build" script).
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const ts = () =>
  typescript({
    tsconfig: './tsconfig.build.json',
    declaration: false,
    emitDeclarationOnly: false,
    noEmit: false,
    outDir: 'dist',
    rootDir: 'src',
  });

export default [
  {
    input: 'src/browser/index.ts',
    external: ['jwt-decode'],
    output: { file: 'dist/index.js', format: 'es' },
    plugins: [ts()],
  },
  {
    input: 'src/server/index.ts',
    external: (id) => id.startsWith('node:'),
    output: { file: 'dist/server.js', format: 'es' },
    plugins: [ts()],
  },
  {
    input: 'src/browser/script-tag.ts',
    output: {
      file: 'dist/bc-customer-auth.iife.js',
      format: 'iife',
      name: 'BcCustomerAuth',
      // The entry's default export is the namespace object: written as one object literal rather
      // than one assignment per export. Classes are strict anyway and nothing else depends on
      // strict mode, so the directive is left out.
      exports: 'default',
      freeze: false,
      strict: false,
      generatedCode: { preset: 'es2015', symbols: false },
      // Without the newline rollup would append after the minified code (4 bytes of gzip).
      compact: true,
    },
    plugins: [
      nodeResolve({ browser: true }),
      ts(),
      terser({
        ecma: 2020,
        // Here `unsafe` only turns String(x) and template literals into `+` concatenation and
        // drops `new` before Error (checked against the output without it).
        compress: {
          passes: 4,
          hoist_funs: true,
          unsafe: true,
          unsafe_arrows: true,
          pure_getters: true,
          // Both only switch a rewrite off, so the code runs as written: `if` statements stay
          // statements and constants stay on the right of comparisons, the way the sources write
          // them. gzip finds more repeats that way (measured: about 10 bytes smaller).
          conditionals: false,
          lhs_constants: false,
        },
        format: { comments: false },
      }),
    ],
  },
];
