/** Placeholder: the server half lands here. */
export const SERVER_VERSION = '0.1.0';
