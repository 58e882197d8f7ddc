import { describe, expect, it } from 'vitest';
import { DEBIAN_CHROMIUM, findChromium, planSuite } from './support/chromium.js';

describe('finding Chromium for the end-to-end suite', () => {
  it('prefers CHROME_PATH', () => {
    expect(findChromium({ CHROME_PATH: '/opt/chrome' }, () => true)).toBe('/opt/chrome');
  });

  it('fails clearly when CHROME_PATH names nothing', () => {
    expect(() => findChromium({ CHROME_PATH: '/nowhere/chrome' }, () => false)).toThrow(
      'CHROME_PATH is set to /nowhere/chrome, which does not exist',
    );
  });

  it("falls back to Debian's /usr/bin/chromium", () => {
    expect(findChromium({}, (path) => path === DEBIAN_CHROMIUM)).toBe(DEBIAN_CHROMIUM);
  });

  it('runs with a browser, skips without one, and fails without one when CI is set', () => {
    expect(planSuite('/usr/bin/chromium', { CI: 'true' })).toBe('run');
    expect(planSuite(undefined, {})).toBe('skip');
    expect(planSuite(undefined, { CI: 'true' })).toBe('fail');
  });
});
