/**
 * How a provider plugs into the proxy: its environment variables (parsed by zod, refused by name), the settings
 * they make, and the adapter built from them. `config.ts` and `app.ts` iterate `registry.ts`; adding a provider
 * is one file (or folder) plus one line there.
 */
import type { z } from 'zod';
import type { ProviderName } from '../contract.ts';
import type { ProviderCallRecord } from './http.ts';
import type { ProviderAdapter } from './types.ts';

export interface ProviderDeps {
  fetch: typeof fetch;
  now: () => number;
  onCall?: (call: ProviderCallRecord) => void;
  /** Where an adapter reports what an operator should see (an unknown status word); the proxy's logger. */
  log?: { warn: (obj: object, msg: string) => void };
}

export interface ProviderModule<Settings = unknown> {
  name: ProviderName;
  /** Every variable this provider reads; all optional here, since a provider is configured only if any is set. */
  env: z.ZodObject<Record<string, z.ZodOptional<z.ZodType<unknown, string>> | z.ZodDefault<z.ZodType<unknown, string>>>>;
  /** Variables that must all be present once any of `env`'s is set. */
  required: readonly string[];
  /** Settings from the parsed variables (credentials wrapped in `Secret`). */
  settings(values: Record<string, unknown>, common: { timeoutMs: number }): Settings;
  /** Whether these credentials are the provider's test or sandbox mode. */
  isTestMode(settings: Settings): boolean;
  createAdapter(settings: Settings, deps: ProviderDeps): ProviderAdapter;
}

/** A configured provider: its module and the settings parsed for it. */
export interface ConfiguredProvider<Settings = unknown> {
  module: ProviderModule<Settings>;
  settings: Settings;
}

export function defineProvider<Settings>(module: ProviderModule<Settings>): ProviderModule<Settings> {
  return module;
}
