/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. @internal */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal | null): Promise<T> {
  return signal
    ? new Promise<T>((resolve, reject) => {
        const abort = () => {
          reject(signal.reason as Error);
        };
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort);
        promise.then(resolve, reject).finally(() => {
          signal.removeEventListener('abort', abort);
        });
      })
    : promise;
}
