import { listen } from './listen.js';

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. @internal */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal | null): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    promise.then(resolve, reject).finally(
      listen(signal, 'abort', undefined, () => {
        reject(signal?.reason as Error);
      }),
    );
    signal?.throwIfAborted();
  });
}
