import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../src/browser/abort.js';

/** Listeners `signal` has for `abort`, counted by wrapping add/removeEventListener. */
function countAbortListeners(signal: AbortSignal) {
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    if (args[0] == 'abort') count++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    if (args[0] == 'abort') count--;
    remove(...args);
  };
  return () => count;
}

describe('raceAbort', () => {
  it('settles like the promise, and stops listening to the signal once it has', async () => {
    const controller = new AbortController();
    const listeners = countAbortListeners(controller.signal);
    await expect(raceAbort(Promise.resolve('ok'), controller.signal)).resolves.toBe('ok');
    const failure = new Error('failed');
    await expect(raceAbort(Promise.reject(failure), controller.signal)).rejects.toBe(failure);
    expect(listeners()).toBe(0);
  });

  it('rejects with the reason as soon as the signal aborts, leaving the promise alone', async () => {
    const controller = new AbortController();
    let resolve: (value: string) => void = () => undefined;
    const pending = new Promise<string>((settle) => (resolve = settle));
    const raced = raceAbort(pending, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(raced).rejects.toBe(reason);
    resolve('late');
    await expect(pending).resolves.toBe('late');
  });

  it('rejects at once when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(raceAbort(new Promise(() => undefined), controller.signal)).rejects.toBe(
      controller.signal.reason,
    );
  });

  it('is the promise itself, in effect, without a signal', async () => {
    await expect(raceAbort(Promise.resolve(1))).resolves.toBe(1);
    await expect(raceAbort(Promise.resolve(2), null)).resolves.toBe(2);
  });
});
