import { describe, expect, it } from 'vitest';
import { ownProperties, readOwn } from '../../src/server/own-properties.js';
import { whilePolluted } from '../support/polluted-prototype.js';

describe('own-property readers', () => {
  it('readOwn reads an own property and never a polluted Object.prototype’s', async () => {
    const claims: Record<string, unknown> = { sub: 'customer' };
    await whilePolluted({ nbf: 1 }, () => {
      expect(readOwn(claims, 'sub')).toBe('customer');
      expect(readOwn(claims, 'nbf')).toBeUndefined();
    });
  });

  it('ownProperties copies own properties onto an object without a prototype', async () => {
    await whilePolluted({ token: 'forged' }, () => {
      const copy = ownProperties<Record<string, unknown>>({ type: 'REQUEST' });
      expect(Object.getPrototypeOf(copy)).toBeNull();
      expect(copy['type']).toBe('REQUEST');
      expect(copy['token']).toBeUndefined();
      expect({ ...ownProperties(null) }).toEqual({});
    });
  });
});
