// Loyalty balances, keyed by (store hash, customer id) — never by email.

/**
 * A starting balance.
 *
 * @typedef {object} SeedBalance
 * @property {string} storeHash
 * @property {number} customerId
 * @property {number} points
 */

/**
 * @typedef {{ ok: true, points: number } | { ok: false, points: number }} RedeemResult
 * `points` is the balance after the attempt (unchanged when `ok` is false).
 */

/**
 * @param {string} storeHash
 * @param {number} customerId
 */
function keyOf(storeHash, customerId) {
  return JSON.stringify([storeHash, customerId]);
}

/**
 * Creates an in-memory ledger. Customers without a seeded balance start at 0.
 *
 * @param {readonly SeedBalance[]} seed
 */
export function createPointsLedger(seed) {
  /** @type {Map<string, number>} */
  const balances = new Map(
    seed.map((entry) => [keyOf(entry.storeHash, entry.customerId), entry.points]),
  );
  /** @type {Map<string, Set<(points: number) => void>>} */
  const listeners = new Map();

  /**
   * @param {string} storeHash
   * @param {number} customerId
   */
  function getPoints(storeHash, customerId) {
    return balances.get(keyOf(storeHash, customerId)) ?? 0;
  }

  return {
    getPoints,
    /**
     * Spends `points` if the balance covers them; otherwise changes nothing.
     *
     * @param {string} storeHash
     * @param {number} customerId
     * @param {number} points A positive safe integer.
     * @returns {RedeemResult}
     */
    redeem(storeHash, customerId, points) {
      const key = keyOf(storeHash, customerId);
      const balance = getPoints(storeHash, customerId);
      if (points > balance) return { ok: false, points: balance };
      balances.set(key, balance - points);
      for (const listener of listeners.get(key) ?? []) listener(balance - points);
      return { ok: true, points: balance - points };
    },
    /**
     * Calls `listener` with the new balance after every change; returns the unsubscribe function.
     *
     * @param {string} storeHash
     * @param {number} customerId
     * @param {(points: number) => void} listener
     */
    subscribe(storeHash, customerId, listener) {
      const key = keyOf(storeHash, customerId);
      const set = listeners.get(key) ?? new Set();
      listeners.set(key, set.add(listener));
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
  };
}
