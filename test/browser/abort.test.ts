import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../src/browser/abort.js';
import { countListeners } from './helpers/listeners.js';

describe('raceAbort', () => {
  it('settles like the promise, and stops listening to the signal once it has', async () => {
    const controller = new AbortController();
    const listeners = countListeners(controller.signal, 'abort');
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

  it('rejects at once when the signal has already aborted, still handling the promise', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(raceAbort(new Promise(() => undefined), controller.signal)).rejects.toBe(
      controller.signal.reason,
    );
    // Its own failure is handled too: never reported as an unhandled rejection.
    await expect(raceAbort(Promise.reject(new Error('late')), controller.signal)).rejects.toBe(
      controller.signal.reason,
    );
  });

  it('is the promise itself, in effect, without a signal', async () => {
    await expect(raceAbort(Promise.resolve(1))).resolves.toBe(1);
    await expect(raceAbort(Promise.resolve(2), null)).resolves.toBe(2);
  });
});
