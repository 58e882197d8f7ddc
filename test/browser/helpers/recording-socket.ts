/** What a recording socket keeps: whose token opened it, its state and every close. */
export interface RecordedSocket {
  readonly shopper: number | null;
  readyState: number;
  closes: (readonly [code: number, reason: string])[];
}

/**
 * A `WebSocket`/`EventSource` stand-in that records its closes. `open` gets the token from the URL
 * (to check it), and returns the record it keeps for the socket.
 */
export function recordingTransport(open: (token: string) => RecordedSocket) {
  return class {
    readonly record: RecordedSocket;
    constructor(href: string) {
      this.record = open(new URL(href).searchParams.get('token') ?? '');
    }
    get readyState() {
      return this.record.readyState;
    }
    close(code: number, reason: string) {
      this.record.closes.push([code, reason]);
      this.record.readyState = 3;
    }
  };
}
