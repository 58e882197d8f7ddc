import type * as NodeBuffer from 'node:buffer';
import type * as NodeCrypto from 'node:crypto';

interface ProcessWithBuiltins {
  process?: { getBuiltinModule?: (id: string) => unknown };
}

// process.getBuiltinModule (Node ≥ 20.16, Deno, Bun, Workers with nodejs_compat from compatibility
// date 2024-09-23) loads a built-in without a static import, so this package still loads where
// there is none.
function loadBuiltin(id: string): unknown {
  const load = (globalThis as ProcessWithBuiltins).process?.getBuiltinModule;
  return typeof load === 'function' ? load(id) : undefined;
}

/** `node:crypto` when the runtime has it. */
export function loadNodeCrypto(): typeof NodeCrypto | undefined {
  return loadBuiltin('node:crypto') as typeof NodeCrypto | undefined;
}

/** Node's `Buffer` when the runtime has it. */
export function loadNodeBuffer(): typeof NodeBuffer.Buffer | undefined {
  return (loadBuiltin('node:buffer') as typeof NodeBuffer | undefined)?.Buffer;
}
