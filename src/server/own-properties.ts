// Readers that take only an object's own properties: a prototype-pollution bug elsewhere in an app
// (`Object.prototype.token = …`) must never supply a claim, a request field or an option.

/** Reads an own property only (a claim, a request's `originalUrl`, an option). */
export function readOwn<T extends object, K extends keyof T & string>(
  object: T,
  key: K,
): T[K] | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Reads a property, own or from the object's class (a fetch `Request`'s getters, Node's `headers`
 * and `headersSent`), but never a polluted `Object.prototype`'s: that reads as `undefined`.
 */
export function readReal<T extends object, K extends keyof T & string>(
  object: T,
  key: K,
): T[K] | undefined {
  const value = object[key];
  return value === (Object.prototype as T)[key] ? undefined : value;
}

/**
 * Copies the own properties of `value` (none for `null`, `undefined` or a primitive) onto an
 * object without a prototype, so that reading any name gives an own value or `undefined`.
 */
export function ownProperties<T extends object>(value: T | null | undefined): Partial<T> {
  return { __proto__: null, ...value } as unknown as Partial<T>;
}
