type Options = boolean | EventListenerOptions | undefined;

const capture = (options: Options) =>
  typeof options == 'boolean' ? options : Boolean(options?.capture);

/**
 * Counts the `type` listeners `target` holds, matched on removal as browsers match them: by
 * callback and capture flag. (happy-dom removes a listener whatever capture flag it is given.)
 */
export function countListeners(target: EventTarget, type: string): () => number {
  const held = new Map<unknown, Set<boolean>>();
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  target.addEventListener = (...args: Parameters<typeof add>) => {
    const [name, listener, options] = args;
    if (name == type) held.set(listener, (held.get(listener) ?? new Set()).add(capture(options)));
    add(...args);
  };
  target.removeEventListener = (...args: Parameters<typeof remove>) => {
    const [name, listener, options] = args;
    if (name == type) held.get(listener)?.delete(capture(options));
    remove(...args);
  };
  return () => [...held.values()].reduce((count, flags) => count + flags.size, 0);
}
