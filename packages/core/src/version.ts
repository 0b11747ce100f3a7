/** The version of the `@tickflow/*` packages (they are released together). */
export const version = '0.1.0';
