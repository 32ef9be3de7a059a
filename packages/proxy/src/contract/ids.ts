/**
 * The shapes of the ids the proxy mints, as the routes check them before any lookup (so a malformed id answers
 * the same 404 as an unknown one, without a store read). `LINK_ID` still lives in `routes/links.ts`.
 */

/** A merchant event's id: `evt_` and 10 to 64 URL-safe characters. */
export const EVENT_ID = /^evt_[A-Za-z0-9_-]{10,64}$/;
