/**
 * The proxy's whole HTTP contract, in one import: `contract/public.ts` (what the widget and other clients send
 * and read), `contract/events.ts` (the merchant events), `contract/admin.ts` (the admin API) and `contract/ids.ts`
 * (the id and token shapes). Only re-exports: this is the path `@pay-link/proxy/contract` names, which the widget
 * imports types from.
 */
export * from './contract/public.ts';
export * from './contract/events.ts';
export * from './contract/admin.ts';
export * from './contract/ids.ts';
