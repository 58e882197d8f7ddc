// Shared by the browser and server tests: a prototype-pollution bug elsewhere in an app (a deep
// merge of request JSON) sets properties on Object.prototype, and no option may come from them.

/**
 * Runs `run` while Object.prototype carries `properties`, set by assignment as such a bug sets
 * them, and removes them once `run` settles, whether it returns, resolves, throws or rejects.
 */
export async function whilePolluted<T>(
  properties: Record<string, unknown>,
  run: () => T | Promise<T>,
): Promise<T> {
  const prototype = Object.prototype as Record<string, unknown>;
  try {
    Object.assign(prototype, properties);
    return await run();
  } finally {
    for (const name of Object.keys(properties)) Reflect.deleteProperty(prototype, name);
  }
}
