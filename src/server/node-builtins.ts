import type * as NodeBuffer from 'node:buffer';
import type * as NodeCrypto from 'node:crypto';

interface ProcessWithBuiltins {
  process?: { getBuiltinModule?: (id: string) => unknown };
}

// process.getBuiltinModule (Node ≥ 20.16, Deno, Bun, Workers with nodejs_compat from compatibility
// date 2024-09-23) loads a built-in without a static import, so this package still loads where
// there is none. Next.js's Edge runtime has one that throws when called: read that as none.
function loadBuiltin(id: string): unknown {
  try {
    return (globalThis as ProcessWithBuiltins).process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}

/** `node:crypto` when the runtime has it. */
export function loadNodeCrypto(): typeof NodeCrypto | undefined {
  return loadBuiltin('node:crypto') as typeof NodeCrypto | undefined;
}

/** Node's `Buffer` when the runtime has it. */
export function loadNodeBuffer(): typeof NodeBuffer.Buffer | undefined {
  return (loadBuiltin('node:buffer') as typeof NodeBuffer | undefined)?.Buffer;
}
