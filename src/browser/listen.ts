/**
 * Adds `listener` (in the capture phase, so a page script that stops propagation cannot hide the
 * event) until `signal` aborts; does nothing without a target. Returns a function that removes it
 * sooner. @internal
 */
export function listen(
  target: EventTarget | null | undefined,
  type: string,
  signal: AbortSignal | undefined,
  listener: (event: never) => void,
): () => void {
  // An undefined `signal` is the same as none. No prototype: the browser reads `once` and `passive`
  // through it, and a polluted Object.prototype (`once: true`) would let each listener hear one
  // event only (a tab notice, a logout click) and then miss every identity event after it.
  target?.addEventListener(
    type,
    listener as EventListener,
    {
      __proto__: null,
      capture: true,
      signal,
    } as AddEventListenerOptions,
  );
  return () => {
    target?.removeEventListener(type, listener as EventListener, true);
  };
}
