import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createRequestRecorder, MAX_RECORDED_REQUESTS } from '../../demo/lib/request-recorder.js';

const request = (url: string) => ({ url, method: 'GET', headers: {} }) as IncomingMessage;

describe('the demo request log', () => {
  it('keeps the latest MAX_RECORDED_REQUESTS requests, numbered in arrival order', () => {
    const { requests, record } = createRequestRecorder();
    for (let i = 1; i <= MAX_RECORDED_REQUESTS + 2; i += 1) record(request(`/points?n=${i}`));

    expect(requests).toHaveLength(MAX_RECORDED_REQUESTS);
    expect(requests[0]).toMatchObject({ seq: 3, url: '/points?n=3', path: '/points' });
    expect(requests.at(-1)).toMatchObject({ seq: MAX_RECORDED_REQUESTS + 2 });
  });
});
