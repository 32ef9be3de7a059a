export { createApp, type AppDeps, type PayLinkApp } from './app.ts';
export { loadConfig, ConfigError, type ProxyConfig, type Product } from './config.ts';
export { startProxy, type RunningProxy } from './server.ts';
export { openStore } from './store/open.ts';
export type { Store, LinkRecord } from './store/types.ts';
export type { ProviderAdapter, ProviderLinkState } from './providers/types.ts';
export * from './contract.ts';
export { signIntent, verifyIntent, type Intent } from './links/intent.ts';
export {
  createInvoiceEmail,
  renderInvoiceEmail,
  toMimeMessage,
  InvoiceEmailError,
  type InvoiceEmail,
  type InvoiceEmailInput,
  type InvoiceLine,
} from './invoice-email.ts';
