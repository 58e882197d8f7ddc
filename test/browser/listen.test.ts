import { describe, expect, it } from 'vitest';
import { listen } from '../../src/browser/listen.js';
import { countListeners } from './helpers/listeners.js';
import { whilePolluted } from '../support/polluted-prototype.js';

describe('listen', () => {
  it('listens in the capture phase until the returned function is called', () => {
    const parent = document.createElement('div');
    const child = parent.appendChild(document.createElement('span'));
    const seen: string[] = [];
    const listeners = countListeners(parent, 'click');
    const stop = listen(parent, 'click', undefined, () => seen.push('parent'));
    child.addEventListener('click', (event) => {
      seen.push('child');
      event.stopPropagation();
    });
    child.click();
    stop();
    child.click();
    expect(seen).toEqual(['parent', 'child', 'child']);
    expect(listeners()).toBe(0);
  });

  it('stops when the signal aborts', () => {
    const target = new EventTarget();
    const controller = new AbortController();
    let calls = 0;
    listen(target, 'ping', controller.signal, () => calls++);
    target.dispatchEvent(new Event('ping'));
    controller.abort();
    target.dispatchEvent(new Event('ping'));
    expect(calls).toBe(1);
  });

  it('does nothing without a target', () => {
    expect(() => {
      listen(undefined, 'navigate', undefined, () => undefined)();
    }).not.toThrow();
  });

  it('keeps hearing every event under a polluted Object.prototype.once', async () => {
    const target = new EventTarget();
    let calls = 0;
    await whilePolluted({ once: true }, () => {
      listen(target, 'ping', undefined, () => calls++);
      target.dispatchEvent(new Event('ping'));
      target.dispatchEvent(new Event('ping'));
    });
    expect(calls).toBe(2);
  });
});
