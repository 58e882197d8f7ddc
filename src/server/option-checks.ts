// Checks shared by the server factories' options: a misspelt or misplaced option, or a flag read
// from the environment as a string, fails at creation instead of being silently ignored.
import { ownProperties } from './own-properties.js';

/**
 * Throws for an option name the factory does not know, so a misspelling never passes silently.
 * Returns the options' own properties on an object without a prototype: a polluted
 * `Object.prototype` (`clockToleranceSeconds`, `allowQueryToken`) never supplies a setting.
 */
export function knownOptions<T extends object>(
  options: T,
  known: readonly string[],
  owner: string,
): Partial<T> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`bc-customer-auth: ${owner} options must be an object`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new TypeError(
        `bc-customer-auth: ${owner} has no option "${name}" (its options: ${known.join(', ')})`,
      );
    }
  }
  return ownProperties(options);
}

/** Reads an optional boolean option; anything but a boolean or undefined throws. */
export function readFlag(value: unknown, name: string, owner: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`bc-customer-auth: ${owner} option "${name}" must be a boolean`);
  }
  return value;
}
