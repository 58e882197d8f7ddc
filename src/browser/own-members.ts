/**
 * The own enumerable members of `value` (none for `null` or `undefined`) on an object without a
 * prototype: reading any name gives an own value or `undefined`, never a polluted
 * `Object.prototype`'s. @internal
 */
export const ownMembers = <T extends object>(value: T | null | undefined): Partial<T> => ({
  __proto__: null,
  ...(value as T),
});
