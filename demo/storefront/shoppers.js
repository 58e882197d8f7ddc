// The demo store's customer accounts.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A customer account of the demo store.
 *
 * @typedef {object} Shopper
 * @property {number} id Store-scoped customer id, as in `customer.id`.
 * @property {string} email Sign-in email, case preserved.
 * @property {string} password Sign-in password (plain text: this is a demo store).
 * @property {string} name Display name.
 * @property {string} groupId Customer group, a decimal string; `"0"` means no group.
 */

/** @type {readonly Shopper[]} */
export const DEMO_SHOPPERS = Object.freeze([
  Object.freeze({
    id: 1,
    email: 'shopper1@example.com',
    password: 'Password1!',
    name: 'Shopper One',
    groupId: '0',
  }),
  Object.freeze({
    id: 2,
    email: 'shopper2@example.com',
    password: 'Password2!',
    name: 'Shopper Two',
    groupId: '0',
  }),
]);

/** @param {string} text */
function digest(text) {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Finds the shopper whose email (case-insensitive) and password match.
 *
 * @param {readonly Shopper[]} shoppers
 * @param {string} email
 * @param {string} password
 * @returns {Shopper | undefined}
 */
export function findShopperByLogin(shoppers, email, password) {
  const wanted = email.trim().toLowerCase();
  const shopper = shoppers.find((candidate) => candidate.email.toLowerCase() === wanted);
  if (shopper === undefined) return undefined;
  return timingSafeEqual(digest(shopper.password), digest(password)) ? shopper : undefined;
}

/**
 * @param {readonly Shopper[]} shoppers
 * @param {number} id
 * @returns {Shopper | undefined}
 */
export function findShopperById(shoppers, id) {
  return shoppers.find((shopper) => shopper.id === id);
}
