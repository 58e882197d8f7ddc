/** Placeholder: the browser half lands here. */
export const VERSION = '0.1.0';
