/**
 * safety-receipts: the one public entry point. Everything a notebook or script needs is
 * exported from here, grouped by role.
 */
export * from "./receipt";
export * from "./io";
