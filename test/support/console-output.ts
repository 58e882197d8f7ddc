// Shared by the browser and server security tests: what the code under test printed to the console.
import { vi } from 'vitest';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Silences every console method until `vi.restoreAllMocks()` and returns the list that collects
 * the arguments of each call.
 */
export function recordConsole(): unknown[][] {
  const printed: unknown[][] = [];
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
  }
  return printed;
}
